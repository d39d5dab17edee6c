"""Points: earning per sale, the bonus, lottery, the gift ladder and tier changes (rules §1, §3, §4)."""
from __future__ import annotations

from dataclasses import dataclass

from pos_app.domain.rules import RuleSet, Tier


@dataclass(frozen=True)
class PointsEarned:
    base: int
    bonus: int

    @property
    def total(self) -> int:
        return self.base + self.bonus


def points_for_spend(eligible_fen: int, rules: RuleSet) -> PointsEarned:
    """One point per full unit (¥10) of eligible spend, remainder dropped, plus the bonus."""
    if eligible_fen <= 0:
        return PointsEarned(0, 0)
    base = eligible_fen // rules.points_unit_fen
    bonus = rules.bonus_points if base >= rules.bonus_threshold_points else 0
    return PointsEarned(base, bonus)


def is_lottery_balance(spendable_points: int, rules: RuleSet) -> bool:
    """积分尾数为8: the spendable balance after the sale ends in the lottery digit."""
    return spendable_points > 0 and spendable_points % 10 == rules.lottery_digit


@dataclass(frozen=True)
class LadderStep:
    points: int
    cap_fen: int


def ladder_step_for(points: int, rules: RuleSet) -> LadderStep | None:
    """The highest gift step a spendable balance reaches, or None below the first step."""
    if points < rules.ladder_first_points:
        return None
    extra_steps = (points - rules.ladder_first_points) // rules.ladder_step_points
    return LadderStep(rules.ladder_first_points + extra_steps * rules.ladder_step_points,
                      rules.ladder_first_cap_fen + extra_steps * rules.ladder_step_cap_fen)


def step_for_price(list_price_fen: int, rules: RuleSet) -> LadderStep:
    """The cheapest ladder step whose cap covers a gift of this list price."""
    if list_price_fen <= rules.ladder_first_cap_fen:
        return LadderStep(rules.ladder_first_points, rules.ladder_first_cap_fen)
    over = list_price_fen - rules.ladder_first_cap_fen
    extra = -(-over // rules.ladder_step_cap_fen)
    return LadderStep(rules.ladder_first_points + extra * rules.ladder_step_points,
                      rules.ladder_first_cap_fen + extra * rules.ladder_step_cap_fen)


def next_ladder_step(points: int, rules: RuleSet) -> tuple[int, LadderStep]:
    """(points still needed, the next step above what the balance reaches now)."""
    current = ladder_step_for(points, rules)
    if current is None:
        nxt = LadderStep(rules.ladder_first_points, rules.ladder_first_cap_fen)
    else:
        nxt = LadderStep(current.points + rules.ladder_step_points,
                         current.cap_fen + rules.ladder_step_cap_fen)
    return nxt.points - max(points, 0), nxt


def tier_for_points(current: Tier, accumulated: int, rules: RuleSet) -> Tier:
    """The best tier the accumulated points reach; never lower than the current tier."""
    best = current
    for tier in rules.tiers:
        if tier.upgrade_points is not None and accumulated >= tier.upgrade_points \
                and tier.rank > best.rank:
            best = tier
    return best


def tier_for_purchase(current: Tier | None, receipt_total_fen: int, rules: RuleSet) -> Tier | None:
    """Join by purchase: the best tier a same-day receipt qualifies for, if above `current`."""
    best: Tier | None = None
    for tier in rules.tiers:
        if tier.join_purchase_fen is not None and receipt_total_fen >= tier.join_purchase_fen:
            if best is None or tier.rank > best.rank:
                best = tier
    if best is None or (current is not None and best.rank <= current.rank):
        return None
    return best
