"""Top-up packages (储值套餐): one top-up that gives bonus money, points, coupons and
optionally a tier together — as one atomic event with each part on its own ledger — and
the refund that reverses each part (issue 16).

Bonus money and the package's points never leave as cash: a refund takes back the bonus and
the points; value the member already had from the package (coupons redeemed, bonus money
spent) is kept out of the cash refund, so refunding a package never gains anything."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pos_app.domain.errors import InsufficientBalance, ValidationFailed
from pos_app.domain.ledger import Balances, Entry, EntryKind, money, points, tier_change
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

    def validate(self, rules: RuleSet | None = None) -> None:
        def bad(f: str, why: str) -> ValidationFailed:
            return ValidationFailed(f, f"package {self.id}: {why}")
        if not self.id or self.version < 1:
            raise bad("id", "an id and a version of at least 1 are needed")
        if not 0 < self.amount_fen <= MAX_AMOUNT_FEN:
            raise bad("amount_fen", "a top-up amount above zero is needed")
        if self.bonus_fen < 0 or self.points < 0 or any(n <= 0 for _, n in self.coupons):
            raise bad("bonus_fen", "bonus, points and coupon counts are zero or more")
        if rules is not None and self.upgrade_tier is not None:
            rules.tier(self.upgrade_tier)   # ValidationFailed names an unknown tier


def package_to_dict(p: TopUpPackage) -> dict[str, Any]:
    return {"id": p.id, "version": p.version, "name": p.name, "amount_fen": p.amount_fen,
            "bonus_fen": p.bonus_fen, "points": p.points,
            "coupons": [list(c) for c in p.coupons], "upgrade_tier": p.upgrade_tier}


def package_from_dict(d: Mapping[str, Any]) -> TopUpPackage:
    try:
        p = TopUpPackage(str(d["id"]), int(d["version"]), str(d.get("name", "")),
                         int(d["amount_fen"]), int(d.get("bonus_fen", 0)),
                         int(d.get("points", 0)),
                         tuple((str(t), int(n)) for t, n in d.get("coupons", ())),
                         d.get("upgrade_tier") or None)
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


@dataclass(frozen=True)
class PackageRefund:
    entries: tuple[Entry, ...]
    cash_fen: int          # paid back to the customer
    kept_fen: int          # value the member already had (coupons used, bonus spent)


def package_refund(p: TopUpPackage, balances: Balances, coupons_used_fen: int,
                   tier_before: str | None, current_tier: str) -> PackageRefund:
    """Reverse each part of a sold package. The cash back is the paid-in amount less what
    the member already had from it: coupons redeemed and bonus money already spent."""
    bonus_left = max(0, min(p.bonus_fen, balances.bonus_fen))
    bonus_spent = p.bonus_fen - bonus_left
    kept = min(p.amount_fen, coupons_used_fen + bonus_spent)
    cash = p.amount_fen - kept
    if cash > balances.paid_fen:
        raise InsufficientBalance(cash, max(balances.paid_fen, 0))
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
    return PackageRefund(tuple(e for e in out if e.first or e.second or e.tier), cash, kept)
