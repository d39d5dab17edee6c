"""The console's promotion, coupon-template and top-up-package forms (issue 16): the fields of
each kind as people type them (yuan, 折 rates, lists separated by commas, dates) turned into
the plain form the domain reads (`promotion_from_dict`, `template_from_dict`,
`package_from_dict`), and back for editing. Anything unusable is a BadUserInput naming the
form field, with a message id the page translates; the domain's own checks are mapped to the
same fields, so every error is shown beside the field it is about and nothing is recorded.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from headoffice.console.auth import BadUserInput
from pos_app.domain.coupons import CouponKind, CouponTemplate
from pos_app.domain.errors import InvalidAmount, ValidationFailed
from pos_app.domain.money import BP_ONE, format_yuan, parse_rate, parse_yuan
from pos_app.domain.packages import TopUpPackage
from pos_app.domain.promotions import Promotion, PromotionKind, StackClass

T = TypeVar("T")
Form = Mapping[str, Any]

PROMOTION_KINDS = [k.value for k in PromotionKind]
TEMPLATE_KINDS = [k.value for k in CouponKind]
STACK_CLASSES = [c.value for c in StackClass]

#: What the domain's field checks mean, as message ids the console translates.
FIELD_MESSAGES = {
    "id": "An id (letters, digits, - and _) is needed.",
    "rate_bp": "Give a rate like 0.8 (pay 80%), or a fixed unit price, not both.",
    "unit_price_fen": "Give a rate like 0.8 (pay 80%), or a fixed unit price, not both.",
    "threshold_fen": "A spend threshold above zero is needed.",
    "save_fen": "The saving is above zero and at most the threshold.",
    "gift_sku": "Name a gift item or a coupon template.",
    "group_size": "A group bigger than its discounted units, and a rate.",
    "tier_prices": "Give a price for at least one tier.",
    "tier_rates": "A member day gives a tier discount, a points multiplier or both.",
    "points_multiplier_bp": "A multiplier above 1 (2 = double points) is needed.",
    "points_cap": "A cap is zero or more.",
    "amount_fen": "An amount above zero is needed.",
    "free_sku": "Name the free item.",
    "cap_fen": "A threshold of zero or more and a cap above zero.",
    "valid_days": "A validity of at least one day.",
    "bonus_fen": "Bonus, points and coupon counts are zero or more.",
    "pass_value_fen": "A pass value from zero up to the top-up amount.",
    "pass_sku": "Name the pass product the value is for.",
    "upgrade_tier": "No such tier.",
}


def _s(form: Form, name: str, limit: int = 64) -> str:
    return str(form.get(name, "") or "").strip()[:limit]


def _on(form: Form, name: str) -> bool:
    return str(form.get(name, "")).lower() in ("on", "true", "1", "yes")


def _yuan(form: Form, name: str, required: bool = False) -> int | None:
    text = _s(form, name, 20).replace("¥", "").replace("￥", "")
    if not text:
        if required:
            raise BadUserInput(name, "Enter an amount like 20.00.")
        return None
    try:
        fen = parse_yuan(text)
    except InvalidAmount:
        raise BadUserInput(name, "Enter an amount like 20.00.") from None
    if fen < 0:
        raise BadUserInput(name, "Enter an amount like 20.00.")
    return fen


def _rate(form: Form, name: str) -> int | None:
    """'0.8', '0.85' or '8折' / '8.5折' (pay that share) into basis points."""
    text = _s(form, name, 12).replace("折", "")
    if not text:
        return None
    try:
        if "折" in str(form.get(name, "")) or (Decimal(text) > 1):
            bp = int(Decimal(text) * 1000)
            if not 0 < bp <= BP_ONE or Decimal(text) * 1000 != bp:
                raise InvalidAmount(text)
            return bp
        return parse_rate(text)
    except (InvalidAmount, InvalidOperation):
        raise BadUserInput(name, "Enter a rate like 0.8 (pay 80%) or 8折.") from None


def _int(form: Form, name: str, lo: int = 0, hi: int = 10**9) -> int | None:
    text = _s(form, name, 12)
    if not text:
        return None
    if not re.fullmatch(r"\d{1,10}", text) or not lo <= int(text) <= hi:
        raise BadUserInput(name, "Enter a whole number from {lo} to {hi}.", lo=lo, hi=hi)
    return int(text)


def _multiplier(form: Form, name: str) -> int | None:
    text = _s(form, name, 8).replace("倍", "").replace("x", "").replace("×", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadUserInput(name, "Enter a multiplier like 2 (double points).") from None
    bp = value * BP_ONE
    if bp != bp.to_integral_value() or not BP_ONE <= bp <= 10 * BP_ONE:
        raise BadUserInput(name, "Enter a multiplier like 2 (double points).")
    return int(bp)


def _list(form: Form, name: str, limit: int = 64) -> list[str]:
    text = _s(form, name, 2000)
    parts = re.split(r"[,，;；、\s]+", text)
    return list(dict.fromkeys(p[:limit] for p in parts if p))


def _when(form: Form, name: str) -> str | None:
    text = _s(form, name, 25)
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        raise BadUserInput(name, "Enter a date and time like 2026-12-01 00:00.") from None


def _clock(form: Form, name: str) -> str | None:
    text = _s(form, name, 8)
    if not text:
        return None
    try:
        return time.fromisoformat(text).isoformat()
    except ValueError:
        raise BadUserInput(name, "Enter a time of day like 18:00.") from None


def _ident(form: Form) -> str:
    pid = _s(form, "id", 64)
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", pid):
        raise BadUserInput("id", FIELD_MESSAGES["id"])
    return pid


def _scope(form: Form) -> dict[str, Any]:
    skus, cats = _list(form, "skus"), _list(form, "categories", 120)
    return {"all_goods": _on(form, "all_goods") or not (skus or cats), "skus": skus,
            "categories": cats, "exclude_skus": _list(form, "exclude_skus"),
            "exclude_categories": _list(form, "exclude_categories", 120)}


def _version(form: Form) -> int:
    return _int(form, "version", 1, 10**6) or 1


def checked(make: Callable[[dict[str, Any]], T], d: dict[str, Any]) -> T:
    """The domain's reading of `d`; its refusal becomes a BadUserInput on the same field."""
    try:
        return make(d)
    except ValidationFailed as exc:
        field = exc.field if exc.field in FIELD_MESSAGES else "form"
        if field == "form":
            raise BadUserInput("form", "Not accepted: {reason}", reason=exc.reason) from None
        raise BadUserInput(field, FIELD_MESSAGES[field]) from None


# -- promotions ------------------------------------------------------------------------------

def promotion_dict(form: Form, tiers: Sequence[str]) -> dict[str, Any]:
    """A promotion's plain form from the editor's fields (kind decides which are read)."""
    kind = _s(form, "kind", 20)
    if kind not in PROMOTION_KINDS:
        raise BadUserInput("kind", "Choose a kind.")
    weekdays = [d for d in range(1, 8) if _on(form, f"weekday_{d}")]
    month_days = []
    for part in _list(form, "month_days"):
        if not part.isdigit() or not 1 <= int(part) <= 31:
            raise BadUserInput("month_days", "Days of the month from 1 to 31, like 8, 18, 28.")
        month_days.append(int(part))
    stack = _s(form, "stack_class", 20)
    if stack and stack not in STACK_CLASSES:
        raise BadUserInput("stack_class", "Choose a stacking class.")
    d: dict[str, Any] = {
        "id": _ident(form), "version": _version(form), "kind": kind,
        "name": _s(form, "name", 60), "scope": _scope(form),
        "schedule": {"start": _when(form, "start"), "end": _when(form, "end"),
                     "weekdays": weekdays, "month_days": month_days,
                     "from_time": _clock(form, "from_time"), "to_time": _clock(form, "to_time")},
        "shops": _list(form, "shops", 32),
        "tiers": [t for t in tiers if _on(form, f"tier_{t}")],
        "members_only": _on(form, "members_only"), "stack_class": stack}
    if not d["name"]:
        raise BadUserInput("name", "Give it a name the cashier and the receipt show.")
    if d["schedule"]["start"] and d["schedule"]["end"] \
            and d["schedule"]["end"] <= d["schedule"]["start"]:
        raise BadUserInput("end", "The end comes after the start.")
    if kind == "price":
        d["rate_bp"] = _rate(form, "rate_bp")
        d["unit_price_fen"] = _yuan(form, "unit_price_fen")
    elif kind in ("spend_save", "spend_gift"):
        d["threshold_fen"] = _yuan(form, "threshold_fen", True)
        d["repeat"] = _on(form, "repeat")
        d["max_repeats"] = _int(form, "max_repeats", 1, 1000)
        d["include_special"] = _on(form, "include_special")
        if kind == "spend_save":
            d["save_fen"] = _yuan(form, "save_fen", True)
        else:
            d["gift_sku"] = _s(form, "gift_sku", 40) or None
            d["gift_qty"] = _int(form, "gift_qty", 1, 99) or 1
            d["coupon_template_id"] = _s(form, "coupon_template_id", 64) or None
    elif kind == "multi_buy":
        d["group_size"] = _int(form, "group_size", 2, 99) or 0
        d["discounted_units"] = _int(form, "discounted_units", 1, 98) or 0
        free = _s(form, "rate_bp") in ("0", "0.0", "0.00", "免费")
        d["rate_bp"] = 0 if free else _rate(form, "rate_bp")
    elif kind == "member_price":
        prices = []
        for t in tiers:
            fen = _yuan(form, f"tier_price_{t}")
            if fen is not None:
                prices.append([t, fen])
        d["tier_prices"] = prices
    elif kind in ("member_day", "points"):
        if kind == "member_day":
            rates = []
            for t in tiers:
                bp = _rate(form, f"tier_rate_{t}")
                if bp is not None:
                    rates.append([t, bp])
            d["tier_rates"] = rates
        d["points_multiplier_bp"] = _multiplier(form, "points_multiplier_bp") or BP_ONE
        d["points_cap"] = _int(form, "points_cap", 0, 10**7)
    return d


def _yuan_text(fen: int | None) -> str:
    return format_yuan(fen) if fen is not None else ""


def _rate_text(bp: int | None) -> str:
    return f"{Decimal(bp) / BP_ONE:.4f}".rstrip("0").rstrip(".") if bp is not None else ""


def _dt_text(v: datetime | None) -> str:
    return v.strftime("%Y-%m-%dT%H:%M") if v else ""


def _scope_values(scope: Any) -> dict[str, Any]:
    return {"all_goods": scope.all_goods, "skus": ", ".join(sorted(scope.skus)),
            "categories": ", ".join(sorted(scope.categories)),
            "exclude_skus": ", ".join(sorted(scope.exclude_skus)),
            "exclude_categories": ", ".join(sorted(scope.exclude_categories))}


def promotion_values(p: Promotion, next_version: bool = True) -> dict[str, Any]:
    """The editor's fields for an existing promotion (its next version)."""
    sch = p.schedule
    v: dict[str, Any] = {
        "id": p.id, "version": str(p.version + 1 if next_version else p.version),
        "kind": p.kind.value, "name": p.name, **_scope_values(p.scope),
        "start": _dt_text(sch.start), "end": _dt_text(sch.end),
        "month_days": ", ".join(str(x) for x in sorted(sch.month_days)),
        "from_time": sch.from_time.strftime("%H:%M") if sch.from_time else "",
        "to_time": sch.to_time.strftime("%H:%M") if sch.to_time else "",
        "shops": ", ".join(sorted(p.shops)), "members_only": p.members_only,
        "stack_class": p.stack_class, "rate_bp": _rate_text(p.rate_bp),
        "unit_price_fen": _yuan_text(p.unit_price_fen),
        "threshold_fen": _yuan_text(p.threshold_fen or None),
        "save_fen": _yuan_text(p.save_fen or None), "repeat": p.repeat,
        "max_repeats": str(p.max_repeats or ""), "include_special": p.include_special,
        "gift_sku": p.gift_sku or "", "gift_qty": str(p.gift_qty),
        "coupon_template_id": p.coupon_template_id or "",
        "group_size": str(p.group_size or ""), "discounted_units": str(p.discounted_units or ""),
        "points_multiplier_bp": _rate_text(p.points_multiplier_bp)
        if p.points_multiplier_bp != BP_ONE else "",
        "points_cap": str(p.points_cap) if p.points_cap is not None else ""}
    for d in sch.weekdays:
        v[f"weekday_{d}"] = True
    for t in p.tiers:
        v[f"tier_{t}"] = True
    for t, fen in p.tier_prices:
        v[f"tier_price_{t}"] = format_yuan(fen)
    for t, bp in p.tier_rates:
        v[f"tier_rate_{t}"] = _rate_text(bp)
    if p.kind is PromotionKind.POINTS or p.kind is PromotionKind.MEMBER_DAY:
        v["points_multiplier_bp"] = _rate_text(p.points_multiplier_bp) \
            if p.points_multiplier_bp != BP_ONE else ""
    return v


# -- coupon templates -----------------------------------------------------------------------

def template_dict(form: Form) -> dict[str, Any]:
    kind = _s(form, "kind", 20)
    if kind not in TEMPLATE_KINDS:
        raise BadUserInput("kind", "Choose a kind.")
    d: dict[str, Any] = {
        "id": _ident(form), "version": _version(form), "kind": kind,
        "name": _s(form, "name", 60), "threshold_fen": _yuan(form, "threshold_fen") or 0,
        "scope": _scope(form), "include_special": _on(form, "include_special"),
        "shops": _list(form, "shops", 32), "valid_from": _when(form, "valid_from"),
        "valid_until": _when(form, "valid_until"),
        "valid_days": _int(form, "valid_days", 1, 3650),
        "per_member_limit": _int(form, "per_member_limit", 1, 1000),
        "stackable": _on(form, "stackable")}
    if not d["name"]:
        raise BadUserInput("name", "Give it a name the cashier and the receipt show.")
    if d["valid_days"] is None and not d["valid_until"]:
        raise BadUserInput("valid_days", "Give N days from issue, or an end date.")
    if d["valid_days"] is not None and (d["valid_from"] or d["valid_until"]):
        raise BadUserInput("valid_days", "Either N days from issue or a window, not both.")
    if d["valid_from"] and d["valid_until"] and d["valid_until"] <= d["valid_from"]:
        raise BadUserInput("valid_until", "The end comes after the start.")
    if kind == "amount_off":
        d["amount_fen"] = _yuan(form, "amount_fen", True)
    elif kind == "percent_off":
        d["rate_bp"] = _rate(form, "rate_bp")
        if d["rate_bp"] is None:
            raise BadUserInput("rate_bp", "Enter a rate like 0.8 (pay 80%) or 8折.")
        d["cap_fen"] = _yuan(form, "cap_fen")
    else:
        d["free_sku"] = _s(form, "free_sku", 40) or None
    return d


def template_values(t: CouponTemplate) -> dict[str, Any]:
    return {"id": t.id, "version": str(t.version + 1), "kind": t.kind.value, "name": t.name,
            "threshold_fen": _yuan_text(t.threshold_fen or None), **_scope_values(t.scope),
            "include_special": t.include_special, "shops": ", ".join(sorted(t.shops)),
            "valid_from": _dt_text(t.valid_from), "valid_until": _dt_text(t.valid_until),
            "valid_days": str(t.valid_days or ""),
            "per_member_limit": str(t.per_member_limit or ""), "stackable": t.stackable,
            "amount_fen": _yuan_text(t.amount_fen or None),
            "rate_bp": _rate_text(t.rate_bp) if t.kind is CouponKind.PERCENT_OFF else "",
            "cap_fen": _yuan_text(t.cap_fen), "free_sku": t.free_sku or ""}


# -- top-up packages ------------------------------------------------------------------------

COUPON_ROWS = 3


def package_dict(form: Form) -> dict[str, Any]:
    coupons = []
    for i in range(COUPON_ROWS):
        template_id = _s(form, f"coupon_{i}", 64)
        n = _int(form, f"coupon_count_{i}", 1, 50)
        if template_id:
            coupons.append([template_id, n or 1])
    d = {"id": _ident(form), "version": _version(form), "name": _s(form, "name", 60),
         "amount_fen": _yuan(form, "amount_fen", True), "bonus_fen": _yuan(form, "bonus_fen") or 0,
         "points": _int(form, "points", 0, 10**7) or 0, "coupons": coupons,
         "upgrade_tier": _s(form, "upgrade_tier", 16) or None,
         "pass_sku": _s(form, "pass_sku", 40) or None,
         "pass_value_fen": _yuan(form, "pass_value_fen") or 0}
    if not d["name"]:
        raise BadUserInput("name", "Give it a name the cashier and the receipt show.")
    return d


def package_values(p: TopUpPackage) -> dict[str, Any]:
    v: dict[str, Any] = {"id": p.id, "version": str(p.version + 1), "name": p.name,
                         "amount_fen": format_yuan(p.amount_fen),
                         "bonus_fen": _yuan_text(p.bonus_fen or None),
                         "points": str(p.points or ""), "upgrade_tier": p.upgrade_tier or "",
                         "pass_sku": p.pass_sku or "",
                         "pass_value_fen": _yuan_text(p.pass_value_fen or None)}
    for i, (template_id, n) in enumerate(p.coupons[:COUPON_ROWS]):
        v[f"coupon_{i}"], v[f"coupon_count_{i}"] = template_id, str(n)
    return v
