"""The one ledger model: which points, stored-value and tier entries a business event makes.

ARCHITECTURE.md §5: the entries of every event are worked out here, once, by pure functions.
Services write what these functions return, the outbox event carries the same entries
(payload version 3), and head office books them as given after its own checks. A balance is
the sum of entries, and `balances_of` is the one function that sums them on both sides.

Stored-value entries move `paid_fen` (paid-in money, 本金) and `bonus_fen` (bonus money,
赠送金); points entries move `spendable` (可用) and `accumulated` (累计) points; an entry of one
ledger leaves the other ledger's amounts at zero. Tier entries: `tier` names the tier after the
entry, `note` the tier before and the reason.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from pos_app.domain.errors import ValidationFailed, WithdrawalRefused
from pos_app.domain.money import round_half_up
from pos_app.domain.points import PointsEarned, points_for_spend
from pos_app.domain.rules import RuleSet, Tier

PAYLOAD_VERSION = 3
"""Version 3 names each entry's amounts (`paid_fen`/`bonus_fen`, `spendable`/`accumulated`);
version 2 carried the same two amounts as `first`/`second`. Head office reads both (and v1)."""

# Every kind of outbox event a till emits; head office has a handler for each (a test checks
# both sides), and the outbox refuses any other kind with UnknownEventKind.
EVENT_KINDS = frozenset({
    "sale.completed", "sale.returned", "stored_value.topup", "stored_value.refund_balance",
    "shift.opened", "shift.closed", "cash.moved", "drawer.opened", "member.registered",
    "member.updated", "member.pin_set", "card.lost", "card.unblocked", "card.replaced",
    "card.renewed", "card.cancelled", "benefit.given", "tier.changed",
})


def check_event_kind(kind: str) -> str:
    from pos_app.domain.errors import UnknownEventKind
    if kind not in EVENT_KINDS:
        raise UnknownEventKind(kind)
    return kind


class LedgerName(StrEnum):
    POINTS = "points"
    STORED_VALUE = "stored_value"
    TIER = "tier"


class EntryKind(StrEnum):
    """Every kind of ledger entry the product writes (each at most 16 characters)."""

    # points
    EARN = "earn"                        # 1 point per full unit of eligible spend
    BONUS = "bonus"                      # the single-sale bonus
    GIFT = "gift"                        # a gift taken for points (积分兑换)
    GIFT_RETURN = "gift_return"          # a returned gift gives its points back
    POINTS_CASH = "points_cash"          # points as cash (积分抵现)
    POINTS_CASH_BACK = "points_cash_back"  # a refund of a points tender
    RETURN = "return"                    # base points a return takes back
    BONUS_REVERSAL = "bonus_reversal"    # the bonus a return takes back
    REFERRAL = "referral"
    FORFEIT = "forfeit"                  # points or bonus money lost (cancel)
    OPENING = "opening"                  # balance brought over from an old system
    ADJUSTMENT = "adjustment"            # a correction naming what it corrects
    EXPIRY = "expiry"                    # points past their last day (points_expiry.py)
    PROMO_POINTS = "promo_points"        # extra points of a multiplier (积分翻倍, 会员日)
    # stored value
    TOPUP = "topup"                      # paid-in plus its bonus
    SPEND = "spend"                      # a sale, a fee or a pass paid from the balance
    REFUND = "refund"                    # a return paid back to the balance
    WITHDRAW = "refund_balance"          # 取款 / 退卡: paid-in money out
    WITHDRAW_FORFEIT = "wd_forfeit"      # the bonus a withdrawal takes with it
    CANCEL_REFUND = "cancel_refund"      # 注销: the paid-in balance out in cash
    # tier
    TIER_CHANGE = "tier_change"


POINTS_KINDS = frozenset({EntryKind.EARN, EntryKind.BONUS, EntryKind.GIFT, EntryKind.GIFT_RETURN,
                          EntryKind.POINTS_CASH, EntryKind.POINTS_CASH_BACK, EntryKind.RETURN,
                          EntryKind.BONUS_REVERSAL, EntryKind.REFERRAL, EntryKind.FORFEIT,
                          EntryKind.OPENING, EntryKind.ADJUSTMENT, EntryKind.EXPIRY,
                          EntryKind.PROMO_POINTS})
STORED_VALUE_KINDS = frozenset({EntryKind.TOPUP, EntryKind.SPEND, EntryKind.REFUND,
                                EntryKind.WITHDRAW, EntryKind.WITHDRAW_FORFEIT,
                                EntryKind.CANCEL_REFUND, EntryKind.FORFEIT, EntryKind.OPENING,
                                EntryKind.ADJUSTMENT})


# Which kinds a figure counts: the domain decides, the store only sums by kind.
POINTS_ISSUED_KINDS = frozenset({EntryKind.EARN, EntryKind.BONUS})
"""Points a shift's sales gave (the Z report's 积分发放)."""
POINTS_REDEEMED_KINDS = frozenset({EntryKind.POINTS_CASH, EntryKind.GIFT})
"""Points a shift's sales took as payment or for gifts (the Z report's 积分使用)."""
MONEY_TOPPED_UP_KINDS = frozenset({EntryKind.TOPUP})
"""Paid-in money a member put on the card (cash ones go into the drawer)."""
MONEY_PAID_OUT_KINDS = frozenset({EntryKind.WITHDRAW, EntryKind.CANCEL_REFUND})
"""Paid-in money paid back to the member (取款, 注销; cash ones leave the drawer)."""
BROUGHT_OVER_KINDS = frozenset({EntryKind.OPENING.value, "sync"})
"""Entries that carry a balance over rather than earn it: an old system's opening balance and
the till's "sync" entry that takes head office's balance (db/sync_store.py). They never count
towards a tier's rolling window."""


def sum_of_kinds(by_kind: Mapping[str, int], kinds: Iterable[str]) -> int:
    """The sum of per-kind totals (as a store returns them) over the given kinds."""
    return sum(by_kind.get(str(kind), 0) for kind in kinds)


def earned_in_window(accumulated_by_kind: Mapping[str, int]) -> int:
    """Accumulated points a member earned in a window, from the window's per-kind totals."""
    return sum(v for kind, v in accumulated_by_kind.items() if kind not in BROUGHT_OVER_KINDS)


@dataclass(frozen=True)
class Entry:
    """One ledger entry for one member."""

    ledger: LedgerName
    kind: EntryKind
    _: KW_ONLY
    paid_fen: int = 0           # stored value: paid-in money delta (本金)
    bonus_fen: int = 0          # stored value: bonus money delta (赠送金)
    spendable: int = 0          # points: spendable points delta (可用积分)
    accumulated: int = 0        # points: accumulated points delta (累计积分)
    note: str = ""
    tier: str = ""

    def __post_init__(self) -> None:
        allowed = {LedgerName.POINTS: POINTS_KINDS, LedgerName.STORED_VALUE: STORED_VALUE_KINDS,
                   LedgerName.TIER: frozenset({EntryKind.TIER_CHANGE})}[self.ledger]
        if self.kind not in allowed:
            raise ValidationFailed("entry", f"{self.kind} is not a {self.ledger} entry")
        if self.ledger is not LedgerName.STORED_VALUE and (self.paid_fen or self.bonus_fen):
            raise ValidationFailed("entry", f"a {self.ledger} entry moves no money")
        if self.ledger is not LedgerName.POINTS and (self.spendable or self.accumulated):
            raise ValidationFailed("entry", f"a {self.ledger} entry moves no points")

    @property
    def moves_anything(self) -> bool:
        """Whether the entry changes an amount or the tier."""
        return bool(self.paid_fen or self.bonus_fen or self.spendable or self.accumulated
                    or self.tier)

    def to_json(self) -> dict[str, Any]:
        """The entry as a payload version 3 carries it: only its own ledger's amounts."""
        out: dict[str, Any] = {"ledger": self.ledger.value, "kind": self.kind.value}
        if self.ledger is LedgerName.STORED_VALUE:
            out.update(paid_fen=self.paid_fen, bonus_fen=self.bonus_fen)
        elif self.ledger is LedgerName.POINTS:
            out.update(spendable=self.spendable, accumulated=self.accumulated)
        if self.note:
            out["note"] = self.note
        if self.tier:
            out["tier"] = self.tier
        return out

    @staticmethod
    def from_json(data: Mapping[str, Any], version: int = PAYLOAD_VERSION) -> Entry:
        """An entry from an event payload of `version` (2: the amounts as `first`/`second`,
        3: named); ValueError for anything that is not one."""
        try:
            ledger = LedgerName(str(data["ledger"]))
            kind = EntryKind(str(data["kind"]))
            note, tier = str(data.get("note", "") or ""), str(data.get("tier", "") or "")
            if version <= 2:
                return Entry(ledger, kind, **_v2_amounts(ledger, int(data.get("first", 0)),
                                                         int(data.get("second", 0))),
                             note=note, tier=tier)
            return Entry(ledger, kind, paid_fen=int(data.get("paid_fen", 0)),
                         bonus_fen=int(data.get("bonus_fen", 0)),
                         spendable=int(data.get("spendable", 0)),
                         accumulated=int(data.get("accumulated", 0)), note=note, tier=tier)
        except ValidationFailed as exc:
            raise ValueError(exc.reason) from None


def _v2_amounts(ledger: LedgerName, first: int, second: int) -> dict[str, int]:
    """A v2 payload's `first`/`second` by name: paid-in and bonus fen for stored value,
    spendable and accumulated points for points."""
    if ledger is LedgerName.STORED_VALUE:
        return {"paid_fen": first, "bonus_fen": second}
    if ledger is LedgerName.POINTS:
        return {"spendable": first, "accumulated": second}
    return {}       # a tier entry moves no amount (v2 carried zeros)


def as_entry(ledger: LedgerName, kind: str, *, paid_fen: int = 0, bonus_fen: int = 0,
             spendable: int = 0, accumulated: int = 0) -> Entry:
    """A stored row as an entry for summing; kinds a store wrote before this vocabulary
    (v1 "sale", the till's "sync") count in their ledger as adjustments."""
    amounts = {"paid_fen": paid_fen, "bonus_fen": bonus_fen, "spendable": spendable,
               "accumulated": accumulated}
    try:
        return Entry(ledger, EntryKind(kind), **amounts)
    except (ValueError, ValidationFailed):
        return Entry(ledger, EntryKind.ADJUSTMENT, **amounts, note=kind)


def points(kind: EntryKind, spendable: int, accumulated: int, note: str = "") -> Entry:
    return Entry(LedgerName.POINTS, kind, spendable=spendable, accumulated=accumulated,
                 note=note)


def money(kind: EntryKind, paid: int, bonus: int, note: str = "") -> Entry:
    return Entry(LedgerName.STORED_VALUE, kind, paid_fen=paid, bonus_fen=bonus, note=note)


def tier_change(from_code: str, to_code: str, reason: str) -> Entry:
    return Entry(LedgerName.TIER, EntryKind.TIER_CHANGE, note=f"{from_code}:{reason}",
                 tier=to_code)


# -- balances ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Balances:
    paid_fen: int = 0
    bonus_fen: int = 0
    spendable: int = 0
    accumulated: int = 0

    @property
    def balance_fen(self) -> int:
        return self.paid_fen + self.bonus_fen

    def after(self, entries: Iterable[Entry]) -> Balances:
        return balances_of(entries, self)


def balances_of(entries: Iterable[Entry], start: Balances | None = None) -> Balances:
    """The one function that sums a member's entries, at the till and at head office."""
    p, b, s, a = (start.paid_fen, start.bonus_fen, start.spendable, start.accumulated) \
        if start else (0, 0, 0, 0)
    for e in entries:
        p += e.paid_fen
        b += e.bonus_fen
        s += e.spendable
        a += e.accumulated
    return Balances(p, b, s, a)


def tier_after(current: str, entries: Iterable[Entry]) -> str:
    """The member's tier code after the tier entries among `entries`."""
    for e in entries:
        if e.ledger is LedgerName.TIER:
            current = e.tier
    return current


# -- sale -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SaleEntries:
    entries: tuple[Entry, ...]
    earned: PointsEarned
    eligible_fen: int


def sale_eligible_fen(lines_eligible_fen: int, non_earning_tender_fen: int,
                      rounding_fen: int) -> int:
    """What earns points: eligible goods less non-earning tenders (points) and 抹零."""
    return max(lines_eligible_fen - non_earning_tender_fen - rounding_fen, 0)


def sale_entries(eligible_fen: int, gift_lines: Sequence[tuple[str, int]],
                 points_tendered: int, stored_value: Sequence[tuple[int, int]],
                 rules: RuleSet) -> SaleEntries:
    """A sale: points earned on the eligible spend, gifts and points taken, balance spent.

    gift_lines: (sku, points) of each gift line; stored_value: (paid, bonus) of each tender.
    """
    earned = points_for_spend(eligible_fen, rules)
    out: list[Entry] = []
    if earned.base:
        out.append(points(EntryKind.EARN, earned.base, earned.base))
    if earned.bonus:
        out.append(points(EntryKind.BONUS, earned.bonus, earned.bonus))
    for sku, pts in gift_lines:
        out.append(points(EntryKind.GIFT, -pts, 0, sku))
    if points_tendered:
        out.append(points(EntryKind.POINTS_CASH, -points_tendered, 0))
    for paid, bonus in stored_value:
        if paid or bonus:
            out.append(money(EntryKind.SPEND, -paid, -bonus))
    return SaleEntries(tuple(out), earned, eligible_fen)


def fee_entries(paid: int, bonus: int, sku: str) -> tuple[Entry, ...]:
    """A card, annual or replacement fee paid from the balance: a spend like any other."""
    return (money(EntryKind.SPEND, -paid, -bonus, sku),) if paid or bonus else ()


# -- returns ----------------------------------------------------------------------------------
def kept_eligible_fen(sale_eligible: int, lines_eligible_total: int,
                      lines_eligible_kept: int) -> int:
    """The eligible amount of the goods the member keeps after all returns so far.

    When the sale's eligible amount equals its eligible lines it is the kept lines' amount;
    otherwise (part paid in points, 抹零) the same share of the sale's eligible amount."""
    if lines_eligible_total <= 0 or lines_eligible_kept <= 0:
        return 0
    if lines_eligible_kept >= lines_eligible_total:
        return sale_eligible
    if sale_eligible == lines_eligible_total:
        return lines_eligible_kept
    return sale_eligible * lines_eligible_kept // lines_eligible_total


def return_points_entries(earned_by_sale: PointsEarned, taken_back_before: PointsEarned,
                          kept_eligible: int, rules: RuleSet, note: str = "", *,
                          extra_points: int = 0, sale_eligible: int = 0) -> tuple[Entry, ...]:
    """Points a return takes back so that the member holds what the kept goods earn.

    `earned_by_sale` is what the sale gave, `taken_back_before` what earlier returns of it took
    (both as positive numbers); the bonus stays only if the kept amount still reaches it.
    `extra_points` (a promotion's multiplier, counted in `earned_by_sale.base`) are kept in
    the share of the sale's eligible amount the member keeps."""
    due = points_for_spend(kept_eligible, rules)
    if extra_points and sale_eligible > 0:
        due = PointsEarned(due.base + extra_points * min(kept_eligible, sale_eligible)
                           // sale_eligible, due.bonus)
    # Never give back more than the sale gave nor take more than it gave.
    due = PointsEarned(min(due.base, earned_by_sale.base), min(due.bonus, earned_by_sale.bonus))
    base_back = earned_by_sale.base - taken_back_before.base - due.base
    bonus_back = earned_by_sale.bonus - taken_back_before.bonus - due.bonus
    out: list[Entry] = []
    if base_back:
        out.append(points(EntryKind.RETURN, -base_back, -base_back, note))
    if bonus_back:
        out.append(points(EntryKind.BONUS_REVERSAL, -bonus_back, -bonus_back, note))
    return tuple(out)


def gift_return_entries(gift_points: Iterable[int], note: str = "") -> tuple[Entry, ...]:
    """A returned gift line gives its points back (spendable only: redemption never touched
    the accumulated points)."""
    return tuple(points(EntryKind.GIFT_RETURN, p, 0, note) for p in gift_points if p)


def refund_due_fen(paid_fen: int, lines_total_fen: int, returned_before_fen: int,
                   returning_fen: int) -> int:
    """Money this return gives back: the same share of what was paid as of the line amounts,
    cumulatively exact, so that all returns together give back exactly what was paid (抹零 and
    free gift lines included) and never more."""
    if lines_total_fen <= 0 or paid_fen <= 0:
        return 0
    after = min(returned_before_fen + returning_fen, lines_total_fen)

    def share(x: int) -> int:
        return paid_fen if x >= lines_total_fen else paid_fen * x // lines_total_fen

    return share(after) - share(returned_before_fen)


def refund_tender_entries(stored_value: Sequence[tuple[int, int]], points_back: int,
                          note: str = "") -> tuple[Entry, ...]:
    out: list[Entry] = []
    for paid, bonus in stored_value:
        if paid or bonus:
            out.append(money(EntryKind.REFUND, paid, bonus, note))
    if points_back:
        out.append(points(EntryKind.POINTS_CASH_BACK, points_back, 0, note))
    return tuple(out)


# -- stored value -----------------------------------------------------------------------------
class WithdrawBonusPolicy(StrEnum):
    FORFEIT_PROPORTIONAL = "forfeit_proportional"
    REFUSE_WHILE_BONUS = "refuse_while_bonus"


def top_up_entries(amount_fen: int, rules: RuleSet) -> tuple[Entry, ...]:
    if amount_fen <= 0:
        raise ValidationFailed("amount", "enter the amount to top up")
    return (money(EntryKind.TOPUP, amount_fen, rules.top_up_bonus(amount_fen)),)


def withdrawal_entries(amount_fen: int, paid_fen: int, bonus_fen: int,
                       rules: RuleSet) -> tuple[Entry, ...]:
    """取款: paid-in money out; the bonus it brought in goes with it in proportion.

    Bonus money never leaves as cash and never outlives the money that earned it: withdrawing
    x of a paid-in balance P forfeits round_half_up(B × x / P) of the bonus B (all of it when
    the whole paid-in balance goes)."""
    from pos_app.domain.errors import WithdrawalExceedsPaidIn
    if amount_fen <= 0:
        raise ValidationFailed("amount", "enter the amount to refund")
    if amount_fen > paid_fen:
        raise WithdrawalExceedsPaidIn(amount_fen, max(paid_fen, 0))
    bonus = max(bonus_fen, 0)
    if rules.withdraw_bonus_policy == WithdrawBonusPolicy.REFUSE_WHILE_BONUS.value and bonus:
        raise WithdrawalRefused(bonus)
    forfeit = bonus if amount_fen == paid_fen else min(
        bonus, round_half_up(bonus * amount_fen, paid_fen))
    out = [money(EntryKind.WITHDRAW, -amount_fen, 0)]
    if forfeit:
        out.append(money(EntryKind.WITHDRAW_FORFEIT, 0, -forfeit))
    return tuple(out)


def cancel_entries(b: Balances, note: str = "") -> tuple[Entry, ...]:
    """注销: the paid-in balance paid out, bonus and spendable points forfeited."""
    out: list[Entry] = []
    if b.paid_fen > 0:
        out.append(money(EntryKind.CANCEL_REFUND, -b.paid_fen, 0, note))
    if b.bonus_fen:
        out.append(money(EntryKind.FORFEIT, 0, -b.bonus_fen, note))
    if b.spendable:
        out.append(points(EntryKind.FORFEIT, -b.spendable, 0, note))
    return tuple(out)


def referral_entries(rules: RuleSet, note: str = "") -> tuple[Entry, ...]:
    n = rules.referral_points
    return (points(EntryKind.REFERRAL, n, n, note),) if n else ()


def opening_entries(paid: int, bonus: int, spendable: int, accumulated: int) -> tuple[Entry, ...]:
    out: list[Entry] = []
    if paid or bonus:
        out.append(money(EntryKind.OPENING, paid, bonus))
    if spendable or accumulated:
        out.append(points(EntryKind.OPENING, spendable, accumulated))
    return tuple(out)


def adjustment_entries(ledger: LedgerName, corrects: str, *, paid_fen: int = 0,
                       bonus_fen: int = 0, spendable: int = 0,
                       accumulated: int = 0) -> tuple[Entry, ...]:
    if not corrects:
        raise ValidationFailed("corrects", "an adjustment names the entry it corrects")
    return (Entry(ledger, EntryKind.ADJUSTMENT, paid_fen=paid_fen, bonus_fen=bonus_fen,
                  spendable=spendable, accumulated=accumulated, note=corrects),)


# -- count passes -----------------------------------------------------------------------------
def pass_refundable(uses_left: int, refunded: bool) -> bool:
    """A count pass can be refunded once, while it has unused uses."""
    return uses_left > 0 and not refunded


def pass_refund_fen(price_fen: int, uses_left: int, uses_total: int) -> int:
    """A pass refund takes back the unused share of what the pass cost."""
    if uses_total <= 0 or uses_left <= 0:
        return 0
    return round_half_up(price_fen * uses_left, uses_total)


# -- tiers ------------------------------------------------------------------------------------
class TierDowngrade(StrEnum):
    OFF = "off"              # a tier is never lowered (not the default: it leaks)
    REVIEW = "review"        # a manager reviews it; the till records the case
    AUTOMATIC = "automatic"  # the tier follows at once


def join_eligible_fen(lines: Iterable[tuple[bool, int]]) -> int:
    """What counts for join by purchase: only goods that earn points, net of returns.

    lines: (earns_points, kept amount in fen)."""
    return sum(amount for earns, amount in lines if earns and amount > 0)


def join_tier(current: Tier | None, eligible_fen: int, rules: RuleSet) -> Tier | None:
    """The best tier a same-day receipt's eligible goods qualify for, if above `current`."""
    best: Tier | None = None
    for tier in rules.tiers:
        if tier.join_purchase_fen is not None and eligible_fen >= tier.join_purchase_fen:
            if best is None or tier.rank > best.rank:
                best = tier
    if best is None or (current is not None and best.rank <= current.rank):
        return None
    return best


def tier_by_points(accumulated: int, rules: RuleSet) -> Tier:
    """The best tier accumulated points reach (the base tier when none)."""
    best = rules.base_tier
    for tier in rules.tiers:
        if tier.upgrade_points is not None and accumulated >= tier.upgrade_points \
                and tier.rank > best.rank:
            best = tier
    return best


def upgrade_entries(current: str, accumulated_after: int, rules: RuleSet,
                    reason: str = "points") -> tuple[Entry, ...]:
    """An upgrade the accumulated points earn (never a downgrade here)."""
    target = tier_by_points(accumulated_after, rules)
    if target.rank > rules.tier(current).rank:
        return (tier_change(current, target.code, reason),)
    return ()


@dataclass(frozen=True)
class TierDecision:
    entries: tuple[Entry, ...]
    review: str | None = None      # why a manager should look at the tier (policy REVIEW)


def tier_after_loss(current: str, deserved: Tier, rules: RuleSet, reason: str) -> TierDecision:
    """A return (or a lapsed window) left the member with less than the tier asks for.

    `deserved` is the tier the member still qualifies for; the rule set says whether the tier
    is lowered, put up for review, or (policy off) kept — but never silently: off still
    reports it."""
    cur = rules.tier(current)
    if deserved.rank >= cur.rank:
        return TierDecision(())
    policy = TierDowngrade(rules.tier_downgrade)
    if policy is TierDowngrade.AUTOMATIC:
        return TierDecision((tier_change(current, deserved.code, reason),))
    return TierDecision((), f"{current} -> {deserved.code}: {reason}")


def tier_deserved(accumulated: int, kept_join_tier: Tier | None, rules: RuleSet) -> Tier:
    """The tier a member still qualifies for: by points or by a joining receipt still kept."""
    by_points = tier_by_points(accumulated, rules)
    if kept_join_tier is not None and kept_join_tier.rank > by_points.rank:
        return kept_join_tier
    return by_points


def window_start(today: date, months: int) -> date:
    """The first day of a rolling window of `months` months ending today."""
    y, m = divmod(today.year * 12 + today.month - 1 - months, 12)
    m += 1
    last = [31, 29 if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31][m - 1]
    return date(y, m, min(today.day, last))


def tier_validity_entries(current: str, points_in_window: int,
                          join_tier_in_window: Tier | None, rules: RuleSet,
                          reason: str = "validity") -> TierDecision:
    """Rolling tier validity: the accumulated points earned in the window (or a joining receipt
    inside it) keep the tier; otherwise the downgrade policy applies. No window: no change."""
    if rules.tier_validity_months is None:
        return TierDecision(())
    deserved = tier_deserved(points_in_window, join_tier_in_window, rules)
    return tier_after_loss(current, deserved, rules, reason)


@dataclass(frozen=True)
class TierLapse:
    """What the member is told ahead (receipt, screen): the tier stops holding on `lapse_on`
    unless `keep_points` more accumulated points are earned before (None: the tier has no
    points threshold, only a new qualifying receipt keeps it)."""

    tier: str
    lapse_on: date
    keep_points: int | None


def tier_lapse(current: str, today: date, earned_by_day: Sequence[tuple[date, int]],
               joins: Sequence[tuple[date, str]], rules: RuleSet) -> TierLapse | None:
    """The first day within the notice period (rule set `tier_notice_days`) on which the
    rolling window (`tier_validity_months`) no longer keeps the member's tier, if nothing more
    is earned: points drop out of the window as it moves, a joining receipt does too.

    earned_by_day: accumulated points earned per day (the window's, this sale's included);
    joins: (day, tier code) of joining receipts. None when no window is set, the tier is the
    base tier, or it holds beyond the notice period."""
    months = rules.tier_validity_months
    if months is None:
        return None
    cur = rules.tier(current)
    if cur.rank <= rules.base_tier.rank:
        return None
    for k in range(rules.tier_notice_days + 1):
        day = today + timedelta(days=k)
        start = window_start(day, months)
        pts = sum(p for d, p in earned_by_day if d >= start)
        join: Tier | None = None
        for d, code in joins:
            if d >= start:
                t = rules.tier(code)
                if join is None or t.rank > join.rank:
                    join = t
        if tier_deserved(pts, join, rules).rank < cur.rank:
            if k == 0:
                return None   # lapsed already: the daily review (or this sale) settles it
            keep = cur.upgrade_points - pts if cur.upgrade_points is not None else None
            return TierLapse(current, day, keep)
    return None


# -- events -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class MemberEntry:
    member_id: str
    entry: Entry


def entries_payload(member_id: str | None, entries: Iterable[Entry]) -> dict[str, Any]:
    """What an outbox payload (v3) carries: the entries the till booked, for one member."""
    return {"v": PAYLOAD_VERSION, "entries_member_id": member_id,
            "entries": [e.to_json() for e in entries]}


def entries_of_event(kind: str, payload: Mapping[str, Any]) -> list[MemberEntry]:
    """The ledger entries an outbox event stands for. A v2 or v3 payload carries them (v2 with
    the amounts as `first`/`second`); a v1 payload (a till not yet upgraded) is read the way it
    always was."""
    version = int(payload.get("v", 1) or 1)
    if version >= 2 and "entries" in payload:
        member_id = payload.get("entries_member_id")
        out = [MemberEntry(str(member_id), Entry.from_json(e, version))
               for e in payload.get("entries") or []] if member_id else []
        for extra in payload.get("other_entries") or []:
            out.append(MemberEntry(str(extra["member_id"]), Entry.from_json(extra, version)))
        return out
    return _v1_entries(kind, payload)


def _v1_entries(kind: str, payload: Mapping[str, Any]) -> list[MemberEntry]:
    if kind in ("sale.completed", "sale.returned"):
        sale = payload.get("sale") or {}
        member = sale.get("member") or {}
        member_id = payload.get("member_id") or member.get("member_id")
        if not member_id:
            return []
        returning = kind == "sale.returned"
        out: list[MemberEntry] = []
        earned = int(member.get("points_earned", 0) or 0)
        redeemed = int(member.get("points_redeemed", 0) or 0)
        tender_points = 0
        for t in sale.get("tenders", []):
            if t.get("kind") == "stored_value":
                paid, bonus = int(t.get("sv_paid_fen", 0)), int(t.get("sv_bonus_fen", 0))
                sign = 1 if returning else -1
                out.append(MemberEntry(member_id, money(
                    EntryKind.REFUND if returning else EntryKind.SPEND, sign * paid,
                    sign * bonus)))
            elif t.get("kind") == "points":
                tender_points += int(t.get("points_used", 0))
        spendable = earned + tender_points if returning else earned - redeemed
        if spendable or earned:
            out.append(MemberEntry(member_id, points(
                EntryKind.RETURN if returning else EntryKind.EARN, spendable, earned)))
        return out
    if kind in ("stored_value.topup", "stored_value.refund_balance"):
        k = EntryKind.TOPUP if kind.endswith("topup") else EntryKind.WITHDRAW
        return [MemberEntry(str(payload["member_id"]), money(
            k, int(payload.get("paid_fen", 0)), int(payload.get("bonus_fen", 0))))]
    if kind == "card.cancelled":
        member_id = payload.get("member_id")
        if not member_id:
            return []
        b = Balances(int(payload.get("refund_fen", 0) or 0),
                     int(payload.get("bonus_forfeited_fen", 0) or 0),
                     int(payload.get("points_forfeited", 0) or 0), 0)
        return [MemberEntry(str(member_id), e) for e in cancel_entries(b)]
    if kind == "member.registered":
        ref = payload.get("referral") or {}
        if ref.get("referrer_id") and ref.get("points"):
            pts = int(ref["points"])
            return [MemberEntry(str(ref["referrer_id"]), points(EntryKind.REFERRAL, pts, pts))]
    return []


@dataclass(frozen=True)
class LedgerLine:
    """One line of a member's statement (both ledgers, newest first); a line of one ledger
    leaves the other's figures at zero."""

    at: datetime
    ledger: str                 # "points" or "stored_value"
    kind: str                   # earn, bonus, gift, points_cash, return, topup, spend, ...
    receipt_no: str | None
    note: str
    paid_fen: int = 0           # stored value: paid-in money delta
    bonus_fen: int = 0          # stored value: bonus money delta
    spendable: int = 0          # points: spendable points delta
    accumulated: int = 0        # points: accumulated points delta
