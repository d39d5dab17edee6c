"""SqlUnitOfWork: one SQLite write transaction (BEGIN IMMEDIATE), rolled back unless committed."""
from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db.imports import SqlImports
from db.promotion_store import SqlPromotions
from db.repositories import (
    SqlAccounts,
    SqlAuditLog,
    SqlBenefits,
    SqlCards,
    SqlCatalog,
    SqlLedgers,
    SqlOutbox,
    SqlPasses,
    SqlRuleSets,
    SqlSales,
    SqlShifts,
    SqlSite,
    SqlUsers,
)
from pos_app.domain.errors import NotFound
from pos_app.mobile_keys import MobileKeys
from pos_app.ports.clock import IdSource


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], ids: IdSource,
                 mobile_keys: MobileKeys | None = None) -> None:
        self._factory = session_factory
        self._ids = ids
        self._mobile_keys = mobile_keys

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self._factory()
        s = self.session
        self.site = SqlSite(s)
        self.catalog = SqlCatalog(s)
        shop_id = None
        try:
            shop_id = self.site.shop_id()
        except NotFound:  # a fresh database has no till until `pos init` makes one
            shop_id = None
        self.accounts = SqlAccounts(s, self._mobile_keys)
        self.cards = SqlCards(s, self._ids, shop_id)
        self.ledgers = SqlLedgers(s, self._ids, shop_id)
        self.passes = SqlPasses(s, self._ids)
        self.benefits = SqlBenefits(s, self._ids)
        self.sales = SqlSales(s, self._ids)
        self.shifts = SqlShifts(s)
        self.users = SqlUsers(s)
        self.rules = SqlRuleSets(s)
        self.audit = SqlAuditLog(s, self._ids)
        self.outbox = SqlOutbox(s, self._ids)
        self.imports = SqlImports(s, self._ids, self.accounts, self.ledgers)
        self.promotions = SqlPromotions(s)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


class SqlUnitOfWorkFactory:
    """Makes units of work on one engine; the only object the services need from db/."""

    def __init__(self, engine: Engine, ids: IdSource, mobile_keys: MobileKeys | None = None
                 ) -> None:
        self.engine = engine
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)
        self._ids = ids
        self.mobile_keys = mobile_keys

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions, self._ids, self.mobile_keys)
