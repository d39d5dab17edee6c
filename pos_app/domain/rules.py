"""Rule sets: every number of the membership programme, versioned and editable by head office.

The defaults are those of shared/docs/membership-rules.md. Nothing in the core may use a
literal where a rule-set value exists.
"""
from __future__ import annotations

import json
from datetime import date
from dataclasses import asdict, dataclass, replace
from typing import Any

from pos_app.domain.errors import ValidationFailed
from pos_app.domain.money import BP_ONE


@dataclass(frozen=True)
class Tier:
    code: str
    name_zh: str
    name_en: str
    rank: int                      # higher is better
    discount_bp: int               # pay this share of regular-priced goods (8_800 = 8.8折)
    join_purchase_fen: int | None  # same-day receipt of at least this grants the tier
    upgrade_points: int | None     # accumulated points that grant the tier
    quarterly_gift: bool = False


@dataclass(frozen=True)
class TopUpBonus:
    min_topup_fen: int
    bonus_fen: int


@dataclass(frozen=True)
class RuleSet:
    version: int
    tiers: tuple[Tier, ...]
    points_unit_fen: int = 1_000                  # 1 point per full ¥10
    bonus_threshold_points: int = 200
    bonus_points: int = 10
    lottery_digit: int = 8
    referral_points: int = 50
    non_earning_tenders: tuple[str, ...] = ("points",)
    ladder_first_points: int = 1_000
    ladder_first_cap_fen: int = 20_000
    ladder_step_points: int = 500
    ladder_step_cap_fen: int = 20_000
    points_cash_enabled: bool = True
    points_per_yuan: int = 100                    # 100 points = ¥1.00
    points_cash_cap_bp: int = 2_000               # at most 20% of the sale total
    cash_rounding_to_jiao: bool = False
    stored_value_pin_threshold_fen: int = 20_000  # PIN above ¥200 from stored value
    topup_bonuses: tuple[TopUpBonus, ...] = (TopUpBonus(100_000, 10_000),)
    card_fee_fen: int = 0
    annual_fee_fen: int = 0
    replacement_fee_fen: int = 0
    card_validity_days: int | None = None
    manual_discount_limit_bp: tuple[tuple[str, int], ...] = (
        ("cashier", 0), ("manager", 2_000), ("admin", 5_000))
    max_line_qty: int = 9_999
    # A member without a PIN paying above the PIN threshold from stored value: "manager"
    # (a manager authorises in place) or "set_pin" (a manager sets the first PIN there and then).
    no_pin_stored_value: str = "manager"
    # The lowest role that may void (F4) a line once it was scanned; lower roles ask in place.
    line_void_role: str = "cashier"
    # The lowest role that may top up stored value (a lower role at the till key asks a
    # manager in place).
    topup_role: str = "manager"
    max_unit_price_fen: int = 10_000_000_00       # ¥10,000,000
    # 取款 with bonus money left: "forfeit_proportional" (the bonus the withdrawn money brought
    # in goes with it) or "refuse_while_bonus" (paid-in money stays until the bonus is spent).
    withdraw_bonus_policy: str = "forfeit_proportional"
    # A return (or a lapsed window) leaves the member below their tier: "automatic" lowers it,
    # "review" records it for a manager, "off" keeps it (and still records it).
    tier_downgrade: str = "automatic"
    # Points a till booked on a card head office already knew was blocked (a till that had
    # not pulled the block yet, or was offline): "flag" keeps them and flags the sale for
    # review; "reverse" also takes them back at head office with an adjustment entry,
    # which reaches the till with the member's balance at its next pull.
    points_after_block: str = "flag"
    # Rolling tier validity: accumulated points earned in the last N months keep the tier
    # (None: a tier, once earned, is kept unless a return takes it away).
    tier_validity_months: int | None = None
    # Days before a tier lapses that the receipt and the screen tell the member.
    tier_notice_days: int = 30
    # Points expiry (积分有效期, pos_app/domain/points_expiry.py): "never", "months" (N months
    # after they were earned) or "end_of_next_year"; spending takes the oldest points first.
    points_expiry: str = "never"
    points_expiry_months: int = 24
    points_expiry_notice_days: int = 30
    # Coupons (pos_app/domain/coupons.py): a coupon redeemed twice at two offline tills is
    # booked once; the second is charged to the shop that took it ("charge_shop") or owed by
    # the member ("charge_member"). Offline, a till takes coupons worth at most this much
    # until it reaches head office again.
    coupon_double_use: str = "charge_shop"
    coupon_offline_limit_fen: int = 50_000
    # Which promotion stacking classes combine (pos_app/domain/promotions.py); None: the
    # engine's default policy, whose pair ("promotion", "tier") is 折上折.
    promotion_stacking: tuple[tuple[str, str], ...] | None = None
    # A coupon template every new member gets at registration (None: none).
    registration_coupon_template: str | None = None
    # An IC card whose block was signed by a till head office has since revoked: "resign"
    # (accept it and rewrite it with this till's key on the tap) or "refuse" (the member
    # needs a replacement card).
    revoked_till_cards: str = "resign"
    # The last day old v1 (HMAC) IC blocks are accepted (ISO date, e.g. "2027-03-31"); until
    # then they are rewritten as v2 on their tap, after it refused with a message saying
    # since when (the card is replaced). None: no date, the window closes only when the v1
    # master key is removed from the tills.
    v1_blocks_accepted_until: str | None = None

    def v1_blocks_accepted_on(self, day: date) -> bool:
        until = self.v1_blocks_accepted_until
        return until is None or day <= date.fromisoformat(until)

    def tier(self, code: str) -> Tier:
        for t in self.tiers:
            if t.code == code:
                return t
        raise ValidationFailed("tier", f"unknown tier {code!r}")

    @property
    def base_tier(self) -> Tier:
        return min(self.tiers, key=lambda t: t.rank)

    def manual_discount_limit(self, role: str) -> int:
        return dict(self.manual_discount_limit_bp).get(role, 0)

    def role_for_discount(self, rate_bp: int, role: str | None) -> str:
        """The role that must confirm a manual discount to pay rate `rate_bp` asked for by a
        user of `role` (None: nobody logged in): "cashier" (anyone: within the asker's own
        limit), "manager" (within a manager's limit), else "admin"."""
        off = BP_ONE - rate_bp
        if off <= (self.manual_discount_limit(role) if role else 0):
            return "cashier"
        if off <= self.manual_discount_limit("manager"):
            return "manager"
        return "admin"

    def top_up_bonus(self, amount_fen: int) -> int:
        """Bonus for one top-up: the best step whose minimum the amount reaches."""
        best = 0
        for step in self.topup_bonuses:
            if amount_fen >= step.min_topup_fen:
                best = max(best, step.bonus_fen)
        return best

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @staticmethod
    def from_json(text: str) -> RuleSet:
        data: dict[str, Any] = json.loads(text)
        data["tiers"] = tuple(Tier(**t) for t in data["tiers"])
        data["topup_bonuses"] = tuple(TopUpBonus(**b) for b in data.get("topup_bonuses", ()))
        data["non_earning_tenders"] = tuple(data.get("non_earning_tenders", ()))
        data["manual_discount_limit_bp"] = tuple(
            (str(r), int(v)) for r, v in data.get("manual_discount_limit_bp", ()))
        if data.get("promotion_stacking") is not None:
            data["promotion_stacking"] = tuple((str(a), str(b))
                                               for a, b in data["promotion_stacking"])
        return RuleSet(**data)

    def __post_init__(self) -> None:
        if self.withdraw_bonus_policy not in ("forfeit_proportional", "refuse_while_bonus"):
            raise ValidationFailed("withdraw_bonus_policy",
                                   "forfeit_proportional or refuse_while_bonus")
        if self.tier_downgrade not in ("off", "review", "automatic"):
            raise ValidationFailed("tier_downgrade", "off, review or automatic")
        if self.points_after_block not in ("flag", "reverse"):
            raise ValidationFailed("points_after_block", "flag or reverse")
        if self.revoked_till_cards not in ("resign", "refuse"):
            raise ValidationFailed("revoked_till_cards", "resign or refuse")
        if self.v1_blocks_accepted_until is not None:
            try:
                date.fromisoformat(self.v1_blocks_accepted_until)
            except (TypeError, ValueError):
                raise ValidationFailed("v1_blocks_accepted_until",
                                       "a date like 2027-03-31, or none") from None
        if self.tier_validity_months is not None and self.tier_validity_months <= 0:
            raise ValidationFailed("tier_validity_months", "a positive number of months or none")
        if self.points_expiry not in ("never", "months", "end_of_next_year"):
            raise ValidationFailed("points_expiry", "never, months or end_of_next_year")
        if self.points_expiry_months <= 0:
            raise ValidationFailed("points_expiry_months", "a positive number of months")
        if self.coupon_double_use not in ("charge_shop", "charge_member"):
            raise ValidationFailed("coupon_double_use", "charge_shop or charge_member")

    def with_changes(self, **changes: Any) -> RuleSet:
        return replace(self, **changes)


DEFAULT_TIERS: tuple[Tier, ...] = (
    Tier("regular", "普通会员", "Regular", 0, 10_000, None, None),
    # Gold by a same-day ¥300 receipt only: the business text has no points threshold for
    # Gold, so none is in the default (a rule set may add one).
    Tier("gold", "金卡", "Gold", 1, 8_800, 30_000, None),
    Tier("diamond", "钻石卡", "Diamond", 2, 8_000, 300_000, 8_000, quarterly_gift=True),
)


def default_rule_set(version: int = 1) -> RuleSet:
    """The programme's defaults as written in membership-rules.md."""
    return RuleSet(version=version, tiers=DEFAULT_TIERS)


