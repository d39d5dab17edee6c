"""Builds the services from the adapters the composition root hands over (no globals)."""
from __future__ import annotations

from dataclasses import dataclass

from pos_app.ports.clock import Clock, IdSource
from pos_app.ports.headoffice import SpendAuthoriser
from pos_app.ports.member_codes import MemberCodeStore, NumericCodeResolver
from pos_app.ports.store import PinHasher, UnitOfWorkFactory
from pos_app.services.auth import AuthService
from pos_app.services.cards import CardService
from pos_app.services.expiry import ExpiryService
from pos_app.services.imports import ImportService
from pos_app.services.members import MemberService
from pos_app.services.packages import PackageService
from pos_app.services.reports import ReportQueriesFactory, ReportService
from pos_app.services.returns import ReturnService
from pos_app.services.selling import SellingService
from pos_app.services.shifts import ShiftService


@dataclass(frozen=True)
class Services:
    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdSource
    auth: AuthService
    selling: SellingService
    shifts: ShiftService
    imports: ImportService
    returns: ReturnService
    members: MemberService
    cards: CardService
    reports: ReportService | None = None
    expiry: ExpiryService | None = None
    packages: PackageService | None = None


def build_services(uow: UnitOfWorkFactory, clock: Clock, ids: IdSource,
                   hasher: PinHasher, report_queries: ReportQueriesFactory | None = None,
                   authoriser: SpendAuthoriser | None = None,
                   member_codes: MemberCodeStore | None = None,
                   numeric_codes: NumericCodeResolver | None = None) -> Services:
    """Every use-case service over the given adapters; reports need their read-only queries."""
    selling = SellingService(uow, clock, ids, hasher, authoriser, member_codes,
                               numeric_codes)
    reports = (ReportService(report_queries, clock, selling.rules)
               if report_queries is not None else None)
    return Services(reports=reports, expiry=ExpiryService(uow, clock),
                    packages=PackageService(uow, clock, ids), uow=uow, clock=clock, ids=ids, auth=AuthService(uow, hasher, clock, ids),
                    selling=selling,
                    shifts=ShiftService(uow, clock, ids), imports=ImportService(uow, clock),
                    returns=ReturnService(uow, clock, ids), members=MemberService(uow, clock, ids, spend=selling),
                    cards=CardService(uow, clock, ids, hasher, spend=selling))
