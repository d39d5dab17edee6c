"""Top-up packages (储值套餐): one top-up that gives bonus money, points, coupons, a count
pass (计次卡) and optionally a tier together — as one atomic event with each part on its own ledger — and
the refund that reverses each part (issue 16).

Bonus money and the package's points never leave as cash: a refund takes back the bonus and
the points; value the member already had from the package (coupons redeemed, bonus money
spent, pass visits used) is kept out of the cash refund, so refunding a package never gains
anything. What cannot be taken back — the package's points already spent, or paid-in money
already spent — makes the refund refused, naming the part (`PackageNotRefundable`)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pos_app.domain.errors import PosError, ValidationFailed
from pos_app.domain.ledger import (
    Balances,
    Entry,
    EntryKind,
    money,
    pass_refund_fen,
    points,
    tier_change,
)
from pos_app.domain.money import MAX_AMOUNT_FEN
from pos_app.domain.rules import RuleSet


@dataclass(frozen=True)
class TopUpPackage:
    id: str
    version: int
    name: str
    amount_fen: int                                 # paid in
    bonus_fen: int = 0                              # bonus money (kept apart, never refunded)
    points: int = 0                                 # spendable points given
    coupons: tuple[tuple[str, int], ...] = ()       # (coupon template id, how many)
    upgrade_tier: str | None = None                 # the tier it lifts the member to, if higher
    pass_sku: str | None = None                     # a count pass product (计次卡) it gives
    pass_value_fen: int = 0                         # what that pass is worth: the used share
                                                    # of it stays out of a refund's cash

    def validate(self, rules: RuleSet | None = None) -> None:
        def bad(f: str, why: str) -> ValidationFailed:
            return ValidationFailed(f, f"package {self.id}: {why}")
        if not self.id or self.version < 1:
            raise bad("id", "an id and a version of at least 1 are needed")
        if not 0 < self.amount_fen <= MAX_AMOUNT_FEN:
            raise bad("amount_fen", "a top-up amount above zero is needed")
        if self.bonus_fen < 0 or self.points < 0 or any(n <= 0 for _, n in self.coupons):
            raise bad("bonus_fen", "bonus, points and coupon counts are zero or more")
        if not 0 <= self.pass_value_fen <= self.amount_fen:
            raise bad("pass_value_fen", "a pass value from zero up to the top-up amount")
        if self.pass_value_fen and not self.pass_sku:
            raise bad("pass_sku", "name the pass product the value is for")
        if rules is not None and self.upgrade_tier is not None:
            rules.tier(self.upgrade_tier)   # ValidationFailed names an unknown tier


def package_to_dict(p: TopUpPackage) -> dict[str, Any]:
    return {"id": p.id, "version": p.version, "name": p.name, "amount_fen": p.amount_fen,
            "bonus_fen": p.bonus_fen, "points": p.points,
            "coupons": [list(c) for c in p.coupons], "upgrade_tier": p.upgrade_tier,
            "pass_sku": p.pass_sku, "pass_value_fen": p.pass_value_fen}


def package_from_dict(d: Mapping[str, Any]) -> TopUpPackage:
    try:
        p = TopUpPackage(str(d["id"]), int(d["version"]), str(d.get("name", "")),
                         int(d["amount_fen"]), int(d.get("bonus_fen", 0)),
                         int(d.get("points", 0)),
                         tuple((str(t), int(n)) for t, n in d.get("coupons", ())),
                         d.get("upgrade_tier") or None, d.get("pass_sku") or None,
                         int(d.get("pass_value_fen") or 0))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationFailed("package", f"not a usable package: {exc}") from None
    p.validate()
    return p


def package_entries(p: TopUpPackage, current_tier: str, rules: RuleSet) -> tuple[Entry, ...]:
    """The ledger entries of selling a package: paid-in and bonus money, points (spendable
    only: a gift, not spend), and a tier change when the package lifts the member."""
    p.validate(rules)
    out = [money(EntryKind.TOPUP, p.amount_fen, p.bonus_fen, f"package:{p.id}")]
    if p.points:
        out.append(points(EntryKind.PROMO_POINTS, p.points, 0, f"package:{p.id}"))
    if p.upgrade_tier and rules.tier(p.upgrade_tier).rank > rules.tier(current_tier).rank:
        out.append(tier_change(current_tier, p.upgrade_tier, f"package:{p.id}"))
    return tuple(out)


class PackagePart(StrEnum):
    POINTS = "points"      # the package's points, already spent
    MONEY = "money"        # the paid-in money, already spent
    REFUNDED = "refunded"  # the package was refunded before


class PackageNotRefundable(PosError):
    """A package refund refused because a part of it cannot be taken back: which part, what
    the package gave and what is left of it."""

    def __init__(self, package_id: str, part: PackagePart, given: int = 0, left: int = 0
                 ) -> None:
        super().__init__(package_id, part.value, given, left)
        self.package_id = package_id
        self.part = part
        self.given = given
        self.left = left


@dataclass(frozen=True)
class PassUse:
    """The count pass a package gave, as it stands at the refund."""

    uses_total: int
    uses_left: int


@dataclass(frozen=True)
class PackageRefund:
    entries: tuple[Entry, ...]
    cash_fen: int          # paid back to the customer
    kept_fen: int          # value the member already had (coupons used, bonus spent, visits)
    coupons_used_fen: int = 0
    bonus_spent_fen: int = 0
    pass_used_fen: int = 0


def package_refund(p: TopUpPackage, balances: Balances, coupons_used_fen: int,
                   tier_before: str | None, current_tier: str,
                   pass_use: PassUse | None = None) -> PackageRefund:
    """Reverse each part of a sold package. The cash back is the paid-in amount less what
    the member already had from it: coupons redeemed, bonus money already spent and the used
    share of its pass. Refused (PackageNotRefundable, naming the part) when the package's
    points were already spent or the paid-in money is no longer on the account."""
    bonus_left = max(0, min(p.bonus_fen, balances.bonus_fen))
    bonus_spent = p.bonus_fen - bonus_left
    pass_used = 0
    if pass_use is not None and p.pass_value_fen:
        pass_used = p.pass_value_fen - pass_refund_fen(p.pass_value_fen, pass_use.uses_left,
                                                       pass_use.uses_total)
    kept = min(p.amount_fen, coupons_used_fen + bonus_spent + pass_used)
    cash = p.amount_fen - kept
    if p.points and balances.spendable < p.points:
        raise PackageNotRefundable(p.id, PackagePart.POINTS, p.points,
                                   max(balances.spendable, 0))
    if p.amount_fen > balances.paid_fen:
        raise PackageNotRefundable(p.id, PackagePart.MONEY, p.amount_fen,
                                   max(balances.paid_fen, 0))
    note = f"package:{p.id}"
    out = [money(EntryKind.WITHDRAW, -cash, 0, note)]
    if kept:
        out.append(money(EntryKind.FORFEIT, -kept, 0, note))
    if bonus_left:
        out.append(money(EntryKind.WITHDRAW_FORFEIT, 0, -bonus_left, note))
    if p.points:
        out.append(points(EntryKind.FORFEIT, -p.points, 0, note))
    if tier_before and tier_before != current_tier:
        out.append(tier_change(current_tier, tier_before, f"package_refund:{p.id}"))
    return PackageRefund(tuple(e for e in out if e.moves_anything), cash, kept,
                         min(coupons_used_fen, p.amount_fen), bonus_spent, pass_used)
