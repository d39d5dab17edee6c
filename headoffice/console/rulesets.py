"""Rule-set versions edited in the console: drafts, validation, diff against the version in
force, publishing with an effective time on the `rule_sets` feed, and the "try it" prices.

The form is built from the RuleSet dataclass itself (its fields and their types), so a field
added to pos_app.domain.rules.RuleSet appears in the editor without a change here."""
from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from headoffice.console.auth import BadUserInput, Who, audit
from headoffice.console.models import RuleSetVersionRow
from headoffice.console.periods import business_tz
from headoffice.feeds import put_document
from headoffice.models import DocumentRow
from pos_app.domain.catalog import Product, ProductKind
from pos_app.domain.errors import InvalidAmount, PosError, ValidationFailed
from pos_app.domain.money import BP_ONE, parse_rate, parse_yuan
from pos_app.domain.points import points_for_spend
from pos_app.domain.pricing import BasketItem, price_basket
from pos_app.domain.rules import RuleSet, default_rule_set

IMMEDIATE_SKEW = timedelta(minutes=5)


# -- the form, from the dataclass ---------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str            # int | money | bp | bool | optint | optmoney | str | strlist | pairs | rows | json
    rows_of: Any = None  # the dataclass of a "rows" field
    subs: tuple[FieldSpec, ...] = ()
    pair_int: bool = False
    optional: bool = False


def _base(tp: Any) -> tuple[Any, bool]:
    """(type without None, whether None is allowed)."""
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return (rest[0] if len(rest) == 1 else tp), True
    return tp, False


def _spec(name: str, tp: Any) -> FieldSpec:
    tp, optional = _base(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is bool:
        return FieldSpec(name, "bool")
    if tp is int:
        unit = "money" if name.endswith("_fen") else "bp" if name.endswith("_bp") else "int"
        return FieldSpec(name, ("opt" + unit if unit != "bp" else "bp") if optional and unit != "bp"
                         else unit)
    if tp is str:
        return FieldSpec(name, "str", optional=optional)
    if origin is tuple and args and args[-1] is Ellipsis:
        inner = args[0]
        if inner is str:
            return FieldSpec(name, "strlist")
        if dataclasses.is_dataclass(inner):
            hints = typing.get_type_hints(inner)
            return FieldSpec(name, "rows", inner,
                             tuple(_spec(f.name, hints[f.name]) for f in dataclasses.fields(inner)))
        if typing.get_origin(inner) is tuple and len(typing.get_args(inner)) == 2:
            return FieldSpec(name, "pairs", pair_int=typing.get_args(inner)[1] is int,
                             optional=optional)
    return FieldSpec(name, "json")


def form_specs() -> list[FieldSpec]:
    hints = typing.get_type_hints(RuleSet)
    return [_spec(f.name, hints[f.name]) for f in dataclasses.fields(RuleSet)
            if f.name != "version"]


def _show(spec: FieldSpec, value: Any) -> Any:
    """A value as the form shows it."""
    if value is None:
        return ""
    if spec.kind in ("money", "optmoney"):
        return _yuan_text(value)
    if spec.kind == "bool":
        return bool(value)
    if spec.kind == "strlist":
        return ", ".join(value)
    if spec.kind == "pairs":
        return ", ".join(f"{a}={b}" for a, b in value)
    if spec.kind == "json":
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _yuan_text(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def form_values(rules: RuleSet) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in form_specs():
        value = getattr(rules, spec.name)
        if spec.kind == "rows":
            for i, row in enumerate(value):
                for sub in spec.subs:
                    out[f"{spec.name}.{i}.{sub.name}"] = _show(sub, getattr(row, sub.name))
            out[f"{spec.name}.count"] = len(value)
        else:
            out[spec.name] = _show(spec, value)
    return out


def _parse(spec: FieldSpec, text: str, key: str) -> Any:
    text = text.strip()
    try:
        if spec.kind == "bool":
            return text in ("on", "true", "1")
        if spec.kind in ("optint", "optmoney") and not text:
            return None
        if spec.kind in ("int", "optint"):
            if not re.fullmatch(r"-?\d{1,15}", text):
                raise BadUserInput(key, "Enter a whole number.")
            return int(text)
        if spec.kind in ("money", "optmoney"):
            return parse_yuan(text)
        if spec.kind == "bp":
            if not re.fullmatch(r"\d{1,5}", text) or int(text) > BP_ONE:
                raise BadUserInput(key, "Enter basis points from 0 to 10000 (8800 = 8.8折).")
            return int(text)
        if spec.kind == "str":
            if not text and spec.optional:
                return None
            if len(text) > 60:
                raise BadUserInput(key, "At most 60 characters.")
            return text
        if spec.kind == "strlist":
            return tuple(p.strip() for p in text.split(",") if p.strip())
        if spec.kind == "pairs":
            if not text:
                return None if spec.optional else ()
            pairs = []
            for part in text.split(","):
                a, sep, b = part.partition("=")
                if not sep or not a.strip() or not b.strip():
                    raise BadUserInput(key, "Write pairs as name=value, separated by commas.")
                if spec.pair_int:
                    if not b.strip().isdigit():
                        raise BadUserInput(key, "Write pairs as name=value, separated by commas.")
                    pairs.append((a.strip(), int(b)))
                else:
                    pairs.append((a.strip(), b.strip()))
            return tuple(pairs)
        if spec.kind == "json":
            return json.loads(text) if text else None
    except InvalidAmount:
        raise BadUserInput(key, "Enter an amount in yuan, like 12.50.") from None
    except json.JSONDecodeError:
        raise BadUserInput(key, "This is not valid JSON.") from None
    raise AssertionError(spec.kind)


def parse_form(form: dict[str, str], version: int) -> RuleSet:
    """The RuleSet the form describes, or BadUserInput naming the field that is wrong."""
    data: dict[str, Any] = {"version": version}
    for spec in form_specs():
        if spec.kind == "rows":
            count = int(form.get(f"{spec.name}.count", "0") or 0)
            rows = []
            for i in range(min(count + 1, 50)):      # the existing rows and one blank for adding
                keys = [f"{spec.name}.{i}.{sub.name}" for sub in spec.subs]
                texts = [form.get(k, "") for k in keys]
                if form.get(f"{spec.name}.{i}.remove") == "on":
                    continue
                if i >= count and not any(t.strip() for t, sub in zip(texts, spec.subs)
                                          if sub.kind != "bool"):
                    continue
                values = {sub.name: _parse(sub, text, key)
                          for sub, text, key in zip(spec.subs, texts, keys)}
                try:
                    rows.append(spec.rows_of(**values))
                except (TypeError, ValueError, PosError) as exc:
                    raise BadUserInput(keys[0], "This row is not complete: {detail}",
                                       detail=str(exc)) from None
            data[spec.name] = tuple(rows)
        else:
            data[spec.name] = _parse(spec, form.get(spec.name, ""), spec.name)
    try:
        rules = RuleSet(**data)
    except ValidationFailed as exc:
        field = str(exc.args[0]) if exc.args else "form"
        detail = str(exc.args[1]) if len(exc.args) > 1 else ""
        raise BadUserInput(field, "Not allowed here: {detail}", detail=detail) from None
    validate(rules)
    return rules


def validate(r: RuleSet) -> None:
    """Refuse a rule set that would make no sense at a till, naming the field."""
    if not r.tiers:
        raise BadUserInput("tiers.0.code", "The programme needs at least one tier.")
    codes, ranks = set(), set()
    for i, t in enumerate(r.tiers):
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,15}", t.code):
            raise BadUserInput(f"tiers.{i}.code",
                               "A tier code is 1-16 lower-case letters, digits or _.")
        if t.code in codes:
            raise BadUserInput(f"tiers.{i}.code", "Two tiers have the same code.")
        if t.rank in ranks:
            raise BadUserInput(f"tiers.{i}.rank", "Two tiers have the same rank.")
        if not t.name_zh or not t.name_en:
            raise BadUserInput(f"tiers.{i}.name_zh", "A tier needs a Chinese and an English name.")
        if not 1 <= t.discount_bp <= BP_ONE:
            raise BadUserInput(f"tiers.{i}.discount_bp",
                               "A tier pays between 1 and 10000 basis points (10000 = full price).")
        codes.add(t.code)
        ranks.add(t.rank)
    base = r.base_tier
    if base.join_purchase_fen is not None or base.upgrade_points is not None:
        key = f"tiers.{r.tiers.index(base)}.join_purchase_fen"
        raise BadUserInput(key,
                           "The lowest tier is where everyone starts: no purchase or points to join.")
    for t in r.tiers:
        if t.rank > base.rank and t.join_purchase_fen is None and t.upgrade_points is None:
            key = f"tiers.{r.tiers.index(t)}.upgrade_points"
            raise BadUserInput(key,
                               "A higher tier needs a purchase or points to join.")
    for name in ("points_unit_fen", "points_per_yuan", "max_line_qty", "max_unit_price_fen",
                 "ladder_step_points"):
        if getattr(r, name, 1) <= 0:
            raise BadUserInput(name, "Must be more than zero.")
    for spec in form_specs():
        value = getattr(r, spec.name)
        if spec.kind in ("int", "money", "optint", "optmoney") and value is not None and value < 0:
            raise BadUserInput(spec.name, "Must not be negative.")
    if not 0 <= r.lottery_digit <= 9:
        raise BadUserInput("lottery_digit", "The lottery digit is one digit, 0 to 9.")
    mins = set()
    for i, step in enumerate(r.topup_bonuses):
        if step.min_topup_fen <= 0:
            raise BadUserInput(f"topup_bonuses.{i}.min_topup_fen", "Must be more than zero.")
        if not 0 <= step.bonus_fen < step.min_topup_fen:
            raise BadUserInput(f"topup_bonuses.{i}.bonus_fen",
                               "The bonus must be less than the top-up that earns it.")
        if step.min_topup_fen in mins:
            raise BadUserInput(f"topup_bonuses.{i}.min_topup_fen", "Two steps have the same minimum.")
        mins.add(step.min_topup_fen)


# -- versions ---------------------------------------------------------------------------------
def _published(s: Session) -> list[tuple[int, datetime, RuleSet]]:
    out = []
    for d in s.scalars(select(DocumentRow).where(DocumentRow.stream == "rule_sets")):
        try:
            body = json.loads(d.body)
            out.append((int(d.key), datetime.fromisoformat(body["effective_from"]),
                        RuleSet.from_json(json.dumps(body["rules"]))))
        except (KeyError, ValueError, TypeError):
            continue
    return sorted(out, key=lambda x: (x[1], x[0]))


def local_now(now_utc: datetime) -> datetime:
    from datetime import UTC
    return now_utc.replace(tzinfo=UTC).astimezone(business_tz()).replace(tzinfo=None)


def in_force(s: Session, now_utc: datetime) -> RuleSet:
    """The version tills use now (effective times are the chain's local wall time, as tills
    compare them with their own clocks), or the programme defaults."""
    now = local_now(now_utc)
    current = [r for _v, eff, r in _published(s) if eff <= now]
    return current[-1] if current else default_rule_set(1)


def rules_in_force(console: Any) -> RuleSet:
    return console.read(lambda s: in_force(s, console.now()))


def versions(s: Session) -> list[dict[str, Any]]:
    rows = {r.version: r for r in s.scalars(select(RuleSetVersionRow))}
    out = []
    for v, eff, _r in _published(s):
        row = rows.pop(v, None)
        out.append({"version": v, "status": "published", "effective_from": eff,
                    "note": row.note if row else "", "by": row.published_by if row else ""})
    for v, row in rows.items():
        out.append({"version": v, "status": row.status, "effective_from": row.effective_from,
                    "note": row.note, "by": row.created_by})
    return sorted(out, key=lambda x: -x["version"])


def new_draft(s: Session, now: datetime, who: Who) -> int:
    published = _published(s)
    highest = max([v for v, _e, _r in published] +
                  [s.scalar(select(func.max(RuleSetVersionRow.version))) or 0, 1])
    base = in_force(s, now)
    version = highest + 1
    body = dataclasses.replace(base, version=version).to_json()
    s.add(RuleSetVersionRow(version=version, body=body, effective_from=None, status="draft",
                            note="", created_by=who.username, created_at=now))
    audit(s, now, who, None, "rules.draft_created", f"v{version}", None,
          {"from_version": base.version})
    return version


def get_version(s: Session, version: int) -> tuple[RuleSet, str, datetime | None]:
    row = s.get(RuleSetVersionRow, version)
    if row is not None:
        return RuleSet.from_json(row.body), row.status, row.effective_from
    for v, eff, r in _published(s):
        if v == version:
            return r, "published", eff
    if version == 1:
        return default_rule_set(1), "default", None
    raise KeyError(version)


def save_draft(s: Session, now: datetime, who: Who, version: int, rules: RuleSet,
               note: str) -> None:
    row = s.get(RuleSetVersionRow, version, with_for_update=True)
    if row is None or row.status != "draft":
        raise BadUserInput("form", "Only a draft can be changed; start a new version.")
    before = json.loads(row.body)
    row.body, row.note = rules.to_json(), note[:200]
    audit(s, now, who, None, "rules.draft_saved", f"v{version}",
          _changed_only(before, json.loads(row.body), "old"),
          _changed_only(before, json.loads(row.body), "new"))


def _changed_only(old: dict[str, Any], new: dict[str, Any], side: str) -> dict[str, Any]:
    keys = [k for k in set(old) | set(new) if old.get(k) != new.get(k)]
    src = old if side == "old" else new
    return {k: src.get(k) for k in sorted(keys)}


def publish(s: Session, now: datetime, who: Who, version: int, effective_text: str) -> datetime:
    """Publish a draft: on the feed now, in force from `effective_text` (local time) or at once."""
    row = s.get(RuleSetVersionRow, version, with_for_update=True)
    if row is None or row.status != "draft":
        raise BadUserInput("effective_from", "Only a draft can be published.")
    local = local_now(now)
    if effective_text.strip():
        try:
            effective = datetime.fromisoformat(effective_text.strip()).replace(tzinfo=None,
                                                                               second=0)
        except ValueError:
            raise BadUserInput("effective_from", "Pick a date and time, or leave empty for now.") from None
        if effective < local - timedelta(minutes=1):
            raise BadUserInput("effective_from", "The effective time is in the past: leave it empty to publish at once.")
    else:
        effective = local - IMMEDIATE_SKEW
    rules = RuleSet.from_json(row.body)
    validate(rules)
    row.status, row.effective_from = "published", effective
    row.published_by, row.published_at = who.username, now
    audit(s, now, who, None, "rules.published", f"v{version}", None,
          {"effective_from": effective.isoformat()})
    put_document(s, "rule_sets", str(version),
                 {"effective_from": effective.isoformat(), "rules": json.loads(row.body)}, now)
    return effective


def diff(old: RuleSet, new: RuleSet) -> list[tuple[str, str, str]]:
    """(field, old, new) for every field that differs, rows flattened."""
    a, b = form_values(old), form_values(new)
    keys = sorted(set(a) | set(b), key=lambda k: (k.split(".")[0], k))
    return [(k, str(a.get(k, "")), str(b.get(k, ""))) for k in keys
            if a.get(k, "") != b.get(k, "") and not k.endswith(".count")]


# -- try it ---------------------------------------------------------------------------------
def parse_basket(text: str) -> list[BasketItem]:
    """Lines 'price [xQTY] [special|excluded] [promo RATE] [sku CODE] [cat PATH]', e.g.
    '128.00 x2 promo 0.8' or '128.00 x2 cat 服装' (a SKU and a category let promotions and
    coupons with a scope be tried too)."""
    items: list[BasketItem] = []
    for n, line in enumerate(text.splitlines(), 1):
        words = line.replace("×", "x").split()
        if not words:
            continue
        try:
            price = parse_yuan(words[0])
            qty, kind, promo, sku, cat = 1, ProductKind.REGULAR, None, f"L{n}", ""
            rest = words[1:]
            while rest:
                w = rest.pop(0).lower()
                if re.fullmatch(r"x\d{1,4}", w):
                    qty = int(w[1:])
                elif w in ("special", "excluded", "regular"):
                    kind = ProductKind(w)
                elif w == "promo" and rest:
                    promo = parse_rate(rest.pop(0))
                elif w == "sku" and rest:
                    sku = rest.pop(0)[:40]
                elif w == "cat" and rest:
                    cat = rest.pop(0)[:120]
                else:
                    raise ValueError(w)
        except (InvalidAmount, ValueError):
            raise BadUserInput("basket", "Line {n} is not like '128.00 x2 promo 0.8'.", n=n) from None
        items.append(BasketItem(Product(id=f"try-{n}", sku=sku, name=line.strip()[:40],
                                        price_fen=price, kind=kind, category=cat,
                                        promo_rate_bp=promo), qty))
    if not items:
        raise BadUserInput("basket", "Write at least one line, like '128.00 x2'.")
    return items


def try_prices(rules: RuleSet, items: list[BasketItem], tier_code: str, day: date
               ) -> dict[str, Any]:
    """The basket priced by the till's own functions: lines, total, points."""
    tier = None
    if tier_code:
        try:
            tier = rules.tier(tier_code)
        except ValidationFailed:
            return {"error": True}
    try:
        basket = price_basket(items, rules, tier, day)
    except PosError:
        return {"error": True}
    pts = points_for_spend(basket.eligible_fen, rules) if tier else None
    return {"lines": [(ln.name, ln.qty, ln.gross_fen, ln.amount_fen) for ln in basket.lines],
            "total_fen": basket.total_fen, "discount_fen": basket.discount_fen,
            "points": pts.total if pts else None, "error": False}


# -- offline allowances (the `settings` feed's offline_limits) --------------------------------
def limits_values(limits: dict[str, int]) -> dict[str, str]:
    return {k: _yuan_text(v) if k.endswith("_fen") else str(v) for k, v in limits.items()}


def save_limits(s: Session, now: datetime, who: Who, current: dict[str, int],
                form: dict[str, str]) -> dict[str, int]:
    """Offline spending caps every till pulls; whole numbers (yuan for the _fen ones) > 0."""
    new: dict[str, int] = {}
    for key in current:
        text = form.get(f"limit.{key}", "").strip()
        spec = FieldSpec(f"limit.{key}", "money" if key.endswith("_fen") else "int")
        value = _parse(spec, text, f"limit.{key}")
        if value <= 0:
            raise BadUserInput(f"limit.{key}", "Must be more than zero.")
        new[key] = value
    if new != current:
        audit(s, now, who, None, "limits.saved", "offline_limits",
              {k: v for k, v in current.items() if new[k] != v},
              {k: v for k, v in new.items() if current[k] != v})
        put_document(s, "settings", "offline_limits", new, now)
    return new
