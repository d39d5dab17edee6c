"""Promotions, coupon templates and issue runs: list, create or replace (as the JSON the
domain reads, validated by the same functions the tills use), withdraw, issue coupons to a
filtered set of members, and "try it": a sample basket priced with the promotions in force,
with and without the draft, by the till's own engine."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from headoffice import promotions as svc
from headoffice.console import auth
from headoffice.console import rulesets
from headoffice.console.auth import BadUserInput, Who
from headoffice.console.i18n import translator
from headoffice.console.web import console_of, form_error, language, need
from pos_app.domain.coupons import template_from_dict, template_to_dict
from pos_app.domain.errors import PosError, ValidationFailed
from pos_app.domain.packages import package_from_dict, package_to_dict
from pos_app.domain.promotions import (
    PromotionBook,
    price_with_promotions,
    promotion_from_dict,
    promotion_to_dict,
    stacking_of,
)

router = APIRouter(prefix="/console", include_in_schema=False)
NAV = [("promotions", "/console/promotions", "Promotions and coupons")]

EXAMPLE_PROMOTION = {"id": "MJ200", "version": 1, "kind": "spend_save", "name": "满200减20",
                     "threshold_fen": 20000, "save_fen": 2000, "repeat": True,
                     "scope": {"categories": ["服装"]},
                     "schedule": {"start": "2026-12-01T00:00:00", "end": "2027-01-01T00:00:00"}}
EXAMPLE_PACKAGE = {"id": "P1000", "version": 1, "name": "充1000送100+500分+2张券",
                   "amount_fen": 100000, "bonus_fen": 10000, "points": 500,
                   "coupons": [["GOLD20", 2]], "upgrade_tier": "gold"}
EXAMPLE_TEMPLATE = {"id": "GOLD20", "version": 1, "kind": "amount_off", "name": "满100减20券",
                    "amount_fen": 2000, "threshold_fen": 10000, "valid_days": 30,
                    "scope": {"all_goods": True, "exclude_categories": ["烟酒"]},
                    "per_member_limit": 1}


def _page(request: Request, who: Who, status: int = 200, **ctx: Any) -> Response:
    console = console_of(request)
    rows = console.read(lambda s: (svc.promotions(s, include_withdrawn=False),
                                   svc.templates(s), svc.packages(s), svc.all_tags(s)))
    ctx.setdefault("errors", {})
    ctx.setdefault("values", {"promotion": json.dumps(EXAMPLE_PROMOTION, ensure_ascii=False,
                                                      indent=1),
                              "template": json.dumps(EXAMPLE_TEMPLATE, ensure_ascii=False,
                                                     indent=1),
                              "package": json.dumps(EXAMPLE_PACKAGE, ensure_ascii=False,
                                                    indent=1)})
    return console.render(request, who, "promotions.html", status=status,
                          promotions=[promotion_to_dict(p) for p in rows[0]],
                          templates=[template_to_dict(t) for t in rows[1]],
                          packages=[package_to_dict(p) for p in rows[2]],
                          tags_in_use=[f"{t} ({n})" for t, n in rows[3]],
                          tiers=[t.code for t in rulesets.rules_in_force(console).tiers], **ctx)


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


def _json(form: dict[str, str], field: str) -> dict[str, Any]:
    try:
        value = json.loads(form.get(field, ""))
    except ValueError:
        raise BadUserInput(field, "Not valid JSON: check the brackets, commas and quotes.") \
            from None
    if not isinstance(value, dict):
        raise BadUserInput(field, "Not valid JSON: check the brackets, commas and quotes.")
    return value


def _checked(field: str, make: Any, value: dict[str, Any]) -> Any:
    try:
        return make(value)
    except ValidationFailed as exc:
        raise BadUserInput(field, "Not accepted: {reason}", reason=exc.reason) from None


@router.get("/promotions")
def promotions(request: Request, done: str = "", who: Who = need("promotions")) -> Response:
    _ = translator(language(request))
    flash = {"published": _("Published: tills get it on their next pull."),
             "withdrawn": _("Withdrawn: tills stop applying it after their next pull.")
             }.get(done, "")
    return _page(request, who, flash=flash)


@router.post("/promotions")
async def publish_promotion(request: Request, who: Who = need("promotions.write")) -> Response:
    console = console_of(request)
    form = await _form(request)
    try:
        p = _checked("promotion", promotion_from_dict, _json(form, "promotion"))

        def work(s: Any) -> None:
            before = svc.find_promotion(s, p.id)
            svc.publish_promotion(s, p, console.now())
            auth.audit(s, console.now(), who, None, "promotion.publish", p.id,
                       promotion_to_dict(before) if before else None, promotion_to_dict(p))
        console.tx(work)
    except BadUserInput as exc:
        return _page(request, who, 422, errors=form_error(exc, translator(language(request))),
                     values=form)
    return RedirectResponse("/console/promotions?done=published", status_code=303)


@router.post("/promotions/{promotion_id}/withdraw")
def withdraw(request: Request, promotion_id: str,
             who: Who = need("promotions.write")) -> Response:
    console = console_of(request)

    def work(s: Any) -> None:
        svc.withdraw_promotion(s, promotion_id[:64], console.now())
        auth.audit(s, console.now(), who, None, "promotion.withdraw", promotion_id[:64],
                   None, None)
    try:
        console.tx(work)
    except ValidationFailed:
        return console.render(request, who, "not_found.html", status=404)
    return RedirectResponse("/console/promotions?done=withdrawn", status_code=303)


@router.post("/promotions/templates")
async def publish_template(request: Request, who: Who = need("promotions.write")) -> Response:
    console = console_of(request)
    form = await _form(request)
    try:
        t = _checked("template", template_from_dict, _json(form, "template"))

        def work(s: Any) -> None:
            svc.publish_template(s, t, console.now())
            auth.audit(s, console.now(), who, None, "coupon_template.publish", t.id, None,
                       template_to_dict(t))
        console.tx(work)
    except BadUserInput as exc:
        return _page(request, who, 422, errors=form_error(exc, translator(language(request))),
                     values=form)
    return RedirectResponse("/console/promotions?done=published", status_code=303)


@router.post("/promotions/packages")
async def publish_package(request: Request, who: Who = need("promotions.write")) -> Response:
    """A top-up package (储值套餐): top-up, bonus, points, coupons and a tier in one."""
    console = console_of(request)
    form = await _form(request)
    try:
        p = _checked("package", package_from_dict, _json(form, "package"))

        def work(s: Any) -> None:
            for template_id, _n in p.coupons:
                if svc.find_template(s, template_id) is None:
                    raise BadUserInput("package", "No coupon template {id}.", id=template_id)
            try:
                svc.publish_package(s, p, console.now())
            except ValidationFailed as exc:
                raise BadUserInput("package", "Not accepted: {reason}",
                                   reason=exc.reason) from None
            auth.audit(s, console.now(), who, None, "package.publish", p.id, None,
                       package_to_dict(p))
        console.tx(work)
    except BadUserInput as exc:
        return _page(request, who, 422, errors=form_error(exc, translator(language(request))),
                     values=form)
    return RedirectResponse("/console/promotions?done=published", status_code=303)


@router.post("/promotions/issue")
async def issue(request: Request, who: Who = need("promotions.write")) -> Response:
    """An issue run: one coupon of a template to every member the filter selects."""
    console = console_of(request)
    form = await _form(request)
    _ = translator(language(request))
    try:
        try:
            f = svc.MemberFilter.from_dict({
                "tiers": [t for t in form.get("tiers", "").replace("，", ",").split(",")
                          if t.strip()],
                "birthday_month": form.get("birthday_month") or None,
                "last_purchase_before": form.get("last_purchase_before") or None,
                "member_ids": [m for m in form.get("member_ids", "").split() if m]})
        except (ValueError, ValidationFailed):
            raise BadUserInput("birthday_month", "Check the filter: a month 1-12, a date "
                                                 "like 2026-10-01.") from None
        try:
            f = replace(f, tags=frozenset(svc.parse_tags(form.get("tags", ""))))
        except ValidationFailed:
            raise BadUserInput("tags", "At most {n} tags of at most {m} characters each.",
                               n=svc.MAX_TAGS, m=svc.TAG_LENGTH) from None
        template_id = form.get("template_id", "")[:64]

        def work(s: Any) -> tuple[str, int]:
            if svc.find_template(s, template_id) is None:
                raise BadUserInput("template_id", "No coupon template {id}.", id=template_id)
            run_id, n = svc.issue_run(s, console.ho.ids, template_id, f, console.now())
            auth.audit(s, console.now(), who, None, "coupon.issue_run", run_id, None,
                       {"template": template_id, "filter": f.to_dict(), "issued": n})
            return run_id, n
        run_id, n = console.tx(work)
    except BadUserInput as exc:
        return _page(request, who, 422, errors=form_error(exc, _), values=form)
    return _page(request, who, flash=_("Issued {n} coupons (run {run}).", n=n, run=run_id))


# -- member tags (标签), edited on the member page, used by issue runs ---------------------

def _tags_fragment(request: Request, who: Who, member_id: str, status: int = 200,
                   **ctx: Any) -> Response:
    console = console_of(request)
    tags = console.read(lambda s: svc.member_tags(s, member_id))
    ctx.setdefault("values", {"tags": ", ".join(tags)})
    return console.render(request, who, "_member_tags.html", status=status,
                          member_id=member_id, tags=tags, **ctx)


@router.get("/members/{member_id}/tags")
def member_tags(request: Request, member_id: str, who: Who = need("members")) -> Response:
    return _tags_fragment(request, who, member_id[:36])


@router.post("/members/{member_id}/tags")
async def save_member_tags(request: Request, member_id: str,
                           who: Who = need("members.write")) -> Response:
    """Replace the member's tags; a bad tag list is refused beside the field, nothing saved."""
    console = console_of(request)
    form = await _form(request)
    _ = translator(language(request))
    member_id = member_id[:36]
    try:
        try:
            tags = svc.parse_tags(form.get("tags", ""))
        except ValidationFailed:
            raise BadUserInput("tags", "At most {n} tags of at most {m} characters each.",
                               n=svc.MAX_TAGS, m=svc.TAG_LENGTH) from None

        def work(s: Any) -> None:
            try:
                before, after = svc.set_member_tags(s, member_id, tags, console.now())
            except ValidationFailed:
                raise BadUserInput("tags", "No such member.") from None
            if before != after:
                auth.audit(s, console.now(), who, None, "member.tags", member_id,
                           {"tags": before}, {"tags": after})
        console.tx(work)
    except BadUserInput as exc:
        return _tags_fragment(request, who, member_id, 200, errors=form_error(exc, _),
                              values=form)
    return _tags_fragment(request, who, member_id, flash=_("Tags saved."))


@router.post("/promotions/try")
async def try_it(request: Request, who: Who = need("promotions")) -> Response:
    """The sample basket priced with the promotions in force, and with the draft added (or
    replacing the published one of the same id), side by side."""
    console = console_of(request)
    form = await _form(request)
    _ = translator(language(request))
    errors: dict[str, str] = {}
    result: dict[str, Any] = {}
    try:
        items = rulesets.parse_basket(form.get("basket", ""))
        draft = None
        if form.get("promotion", "").strip():
            draft = _checked("promotion", promotion_from_dict, _json(form, "promotion"))
        rules = rulesets.rules_in_force(console)
        tier = None
        if form.get("tier"):
            try:
                tier = rules.tier(form["tier"])
            except ValidationFailed:
                raise BadUserInput("tier", "No tier {id}.", id=form["tier"]) from None
        try:
            at = datetime.fromisoformat(form["at"]) if form.get("at") else console.now()
        except ValueError:
            raise BadUserInput("at", "Check the filter: a month 1-12, a date like "
                                     "2026-10-01.") from None
        published = console.read(lambda s: svc.promotions(s))
        shop = form.get("shop", "")[:32]
        with_draft = [p for p in published if draft is None or p.id != draft.id]
        with_draft += [draft] if draft is not None else []
        for key, promos in (("current", published), ("draft", with_draft)):
            try:
                out = price_with_promotions(items, rules, tier, at, shop,
                                            PromotionBook(tuple(promos), stacking_of(rules)))
            except PosError:
                result[key] = {"error": True}
                continue
            result[key] = {"error": False, "total_fen": out.total_fen,
                           "discount_fen": out.basket.discount_fen,
                           "extra_points": out.extra_points,
                           "lines": [(ln.name, ln.qty, ln.gross_fen, ln.amount_fen,
                                      [(r.label or r.kind.value, r.discount_fen)
                                       for r in ln.reasons if r.discount_fen])
                                     for ln in out.basket.lines],
                           "rewards": [(r.promotion_id, r.gift_sku, r.gift_qty,
                                        r.coupon_template_id) for r in out.rewards]}
    except BadUserInput as exc:
        errors = form_error(exc, _)
    return console.render(request, who, "_promo_try.html", status=200, errors=errors,
                          result=result)

