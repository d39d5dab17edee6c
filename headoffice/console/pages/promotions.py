"""Promotions, coupon templates, top-up packages and issue runs through real forms (the fields
of each kind; a wrong field is answered beside it and nothing is recorded), withdraw, issue
coupons to members filtered by tier, birthday month, last purchase and tag, and "try it": a
sample basket priced with the promotions in force and with the draft, a coupon taken off it
and a package's parts, by the domain functions the tills use (issue 16)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from headoffice import promotions as svc
from headoffice.console import auth
from headoffice.console import promotion_forms as pf
from headoffice.console import rulesets
from headoffice.console.auth import BadUserInput, Who
from headoffice.console.i18n import translator
from headoffice.console.web import console_of, form_error, language, need
from pos_app.domain.coupons import (
    CouponNotUsable,
    CouponRefusal,
    CouponState,
    CouponStatus,
    CouponTemplate,
    apply_coupons,
    issue_coupon,
    template_from_dict,
    template_to_dict,
)
from pos_app.domain.errors import PosError, ValidationFailed
from pos_app.domain.ledger import LedgerName
from pos_app.domain.packages import (
    TopUpPackage,
    package_entries,
    package_from_dict,
    package_to_dict,
)
from pos_app.domain.promotions import (
    Promotion,
    PromotionBook,
    price_with_promotions,
    promotion_from_dict,
    promotion_to_dict,
    stacking_of,
)

router = APIRouter(prefix="/console", include_in_schema=False)
NAV = [("promotions", "/console/promotions", "Promotions and coupons")]
#: Message ids built at run time (kinds, weekdays, coupon refusals, the domain's field checks).
MESSAGES = (*(f"kind:{k}" for k in pf.PROMOTION_KINDS), *(f"coupon:{k}" for k in pf.TEMPLATE_KINDS),
            *(f"weekday:{d}" for d in range(1, 8)),
            *(f"refusal:{r.value}" for r in CouponRefusal), *pf.FIELD_MESSAGES.values())


def _tiers(request: Request) -> list[tuple[str, str]]:
    rules = rulesets.rules_in_force(console_of(request))
    zh = language(request) == "zh_CN"
    return [(t.code, t.name_zh if zh else t.name_en) for t in rules.tiers]


def _page(request: Request, who: Who, status: int = 200, **ctx: Any) -> Response:
    console = console_of(request)
    rows = console.read(lambda s: (svc.promotions(s, include_withdrawn=False),
                                   svc.templates(s), svc.packages(s), svc.all_tags(s)))
    ctx.setdefault("errors", {})
    ctx.setdefault("values", {})
    return console.render(request, who, "promotions.html", status=status,
                          promotions=[promotion_to_dict(p) for p in rows[0]],
                          templates=[template_to_dict(t) for t in rows[1]],
                          packages=[package_to_dict(p) for p in rows[2]],
                          tags_in_use=[f"{t} ({n})" for t, n in rows[3]],
                          tiers=_tiers(request), promotion_kinds=pf.PROMOTION_KINDS,
                          template_kinds=pf.TEMPLATE_KINDS, **ctx)


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


def _editor(request: Request, who: Who, template: str, status: int = 200,
            **ctx: Any) -> Response:
    """One of the three editors (promotion, coupon template, package) with its try-it box."""
    console = console_of(request)
    names = console.read(lambda s: ([(t.id, t.name) for t in svc.templates(s)],
                                    [(p.id, p.name) for p in svc.packages(s)]))
    ctx.setdefault("errors", {})
    return console.render(request, who, template, status=status, tiers=_tiers(request),
                          coupon_templates=names[0], package_names=names[1],
                          stack_options=[(c, c) for c in pf.STACK_CLASSES],
                          coupon_rows=pf.COUPON_ROWS, **ctx)


@router.get("/promotions")
def promotions(request: Request, done: str = "", who: Who = need("promotions")) -> Response:
    _ = translator(language(request))
    flash = {"published": _("Published: tills get it on their next pull."),
             "withdrawn": _("Withdrawn: tills stop applying it after their next pull.")
             }.get(done, "")
    return _page(request, who, flash=flash)


# -- promotions ------------------------------------------------------------------------------

@router.get("/promotions/new")
def new_promotion(request: Request, kind: str = "price",
                  who: Who = need("promotions.write")) -> Response:
    kind = kind if kind in pf.PROMOTION_KINDS else "price"
    return _editor(request, who, "promotion_form.html",
                   values={"kind": kind, "version": "1", "all_goods": True}, editing=False)


@router.get("/promotions/{promotion_id}/edit")
def edit_promotion(request: Request, promotion_id: str,
                   who: Who = need("promotions.write")) -> Response:
    console = console_of(request)
    p = console.read(lambda s: svc.find_promotion(s, promotion_id[:64]))
    if p is None:
        return console.render(request, who, "not_found.html", status=404)
    return _editor(request, who, "promotion_form.html", values=pf.promotion_values(p),
                   editing=True)


def _promotion(request: Request, form: dict[str, str]) -> Promotion:
    tiers = [code for code, _name in _tiers(request)]
    return pf.checked(promotion_from_dict, pf.promotion_dict(form, tiers))


@router.post("/promotions")
async def publish_promotion(request: Request, who: Who = need("promotions.write")) -> Response:
    console = console_of(request)
    form = await _form(request)
    try:
        p = _promotion(request, form)

        def work(s: Any) -> None:
            before = svc.find_promotion(s, p.id)
            if before is not None and p.version <= before.version and form.get("new") == "1":
                raise BadUserInput("id", "A promotion with this id exists: edit it instead.")
            if p.coupon_template_id and svc.find_template(s, p.coupon_template_id) is None:
                raise BadUserInput("coupon_template_id", "No coupon template {id}.",
                                   id=p.coupon_template_id)
            svc.publish_promotion(s, p, console.now())
            auth.audit(s, console.now(), who, None, "promotion.publish", p.id,
                       promotion_to_dict(before) if before else None, promotion_to_dict(p))
        console.tx(work)
    except BadUserInput as exc:
        return _editor(request, who, "promotion_form.html", 422,
                       errors=form_error(exc, translator(language(request))), values=form,
                       editing=form.get("new") != "1")
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


# -- coupon templates ------------------------------------------------------------------------

@router.get("/promotions/templates/new")
def new_template(request: Request, kind: str = "amount_off",
                 who: Who = need("promotions.write")) -> Response:
    kind = kind if kind in pf.TEMPLATE_KINDS else "amount_off"
    return _editor(request, who, "coupon_template_form.html",
                   values={"kind": kind, "version": "1", "all_goods": True,
                           "valid_days": "30"}, editing=False)


@router.get("/promotions/templates/{template_id}/edit")
def edit_template(request: Request, template_id: str,
                  who: Who = need("promotions.write")) -> Response:
    console = console_of(request)
    t = console.read(lambda s: svc.find_template(s, template_id[:64]))
    if t is None:
        return console.render(request, who, "not_found.html", status=404)
    return _editor(request, who, "coupon_template_form.html", values=pf.template_values(t),
                   editing=True)


@router.post("/promotions/templates")
async def publish_template(request: Request, who: Who = need("promotions.write")) -> Response:
    console = console_of(request)
    form = await _form(request)
    try:
        t = pf.checked(template_from_dict, pf.template_dict(form))

        def work(s: Any) -> None:
            before = svc.find_template(s, t.id)
            if before is not None and form.get("new") == "1":
                raise BadUserInput("id", "A coupon template with this id exists: edit it "
                                         "instead.")
            svc.publish_template(s, t, console.now())
            auth.audit(s, console.now(), who, None, "coupon_template.publish", t.id,
                       template_to_dict(before) if before else None, template_to_dict(t))
        console.tx(work)
    except BadUserInput as exc:
        return _editor(request, who, "coupon_template_form.html", 422,
                       errors=form_error(exc, translator(language(request))), values=form,
                       editing=form.get("new") != "1")
    return RedirectResponse("/console/promotions?done=published", status_code=303)


# -- top-up packages -------------------------------------------------------------------------

@router.get("/promotions/packages/new")
def new_package(request: Request, who: Who = need("promotions.write")) -> Response:
    return _editor(request, who, "package_form.html", values={"version": "1"}, editing=False)


@router.get("/promotions/packages/{package_id}/edit")
def edit_package(request: Request, package_id: str,
                 who: Who = need("promotions.write")) -> Response:
    console = console_of(request)
    p = console.read(lambda s: next((x for x in svc.packages(s) if x.id == package_id[:64]),
                                    None))
    if p is None:
        return console.render(request, who, "not_found.html", status=404)
    return _editor(request, who, "package_form.html", values=pf.package_values(p),
                   editing=True)


def _package_checked(s: Any, p: TopUpPackage) -> None:
    for i, (template_id, _n) in enumerate(p.coupons):
        if svc.find_template(s, template_id) is None:
            raise BadUserInput(f"coupon_{i}", "No coupon template {id}.", id=template_id)
    try:
        p.validate(svc.current_rules(s))
    except ValidationFailed as exc:
        field = exc.field if exc.field in pf.FIELD_MESSAGES else "upgrade_tier"
        raise BadUserInput(field, pf.FIELD_MESSAGES[field]) from None


@router.post("/promotions/packages")
async def publish_package(request: Request, who: Who = need("promotions.write")) -> Response:
    """A top-up package (储值套餐): top-up, bonus, points, coupons, a pass and a tier."""
    console = console_of(request)
    form = await _form(request)
    try:
        p = pf.checked(package_from_dict, pf.package_dict(form))

        def work(s: Any) -> None:
            _package_checked(s, p)
            if form.get("new") == "1" and any(x.id == p.id for x in svc.packages(s)):
                raise BadUserInput("id", "A package with this id exists: edit it instead.")
            svc.publish_package(s, p, console.now())
            auth.audit(s, console.now(), who, None, "package.publish", p.id, None,
                       package_to_dict(p))
        console.tx(work)
    except BadUserInput as exc:
        return _editor(request, who, "package_form.html", 422,
                       errors=form_error(exc, translator(language(request))), values=form,
                       editing=form.get("new") != "1")
    return RedirectResponse("/console/promotions?done=published", status_code=303)


# -- issue runs -------------------------------------------------------------------------------

@router.post("/promotions/issue")
async def issue(request: Request, who: Who = need("promotions.write")) -> Response:
    """An issue run: one coupon of a template to every member the filter selects."""
    console = console_of(request)
    form = await _form(request)
    _ = translator(language(request))
    tiers = [code for code, _name in _tiers(request)]
    try:
        month = (form.get("birthday_month") or "").strip()
        if month and not (month.isdigit() and 1 <= int(month) <= 12):
            raise BadUserInput("birthday_month", "A month from 1 to 12.")
        before = (form.get("last_purchase_before") or "").strip()
        try:
            f = svc.MemberFilter.from_dict({
                "tiers": [t for t in tiers if form.get(f"tier_{t}") == "on"],
                "birthday_month": month or None, "last_purchase_before": before or None,
                "member_ids": [m for m in form.get("member_ids", "").split() if m]})
        except (ValueError, ValidationFailed):
            raise BadUserInput("last_purchase_before", "A date like 2026-10-01.") from None
        try:
            f = replace(f, tags=frozenset(svc.parse_tags(form.get("tags", ""))))
        except ValidationFailed:
            raise BadUserInput("tags", "At most {n} tags of at most {m} characters each.",
                               n=svc.MAX_TAGS, m=svc.TAG_LENGTH) from None
        template_id = form.get("template_id", "")[:64]
        if not template_id:
            raise BadUserInput("template_id", "Choose a coupon template.")

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


# -- try it -----------------------------------------------------------------------------------

def _drafts(request: Request, form: dict[str, str]
            ) -> tuple[Promotion | None, CouponTemplate | None, TopUpPackage | None]:
    """The editor's draft (the form it was sent from), read as publishing would read it."""
    draft = form.get("draft", "")
    if draft == "promotion":
        return _promotion(request, form), None, None
    if draft == "template":
        return None, pf.checked(template_from_dict, pf.template_dict(form)), None
    if draft == "package":
        return None, None, pf.checked(package_from_dict, pf.package_dict(form))
    return None, None, None


def _priced(promoted: Any) -> dict[str, Any]:
    return {"error": False, "total_fen": promoted.total_fen,
            "discount_fen": promoted.basket.discount_fen,
            "extra_points": promoted.extra_points,
            "lines": [(ln.name, ln.qty, ln.gross_fen, ln.amount_fen,
                       [(r.label or r.kind.value, r.discount_fen)
                        for r in ln.reasons if r.discount_fen])
                      for ln in promoted.basket.lines],
            "rewards": [(r.promotion_id, r.gift_sku, r.gift_qty, r.coupon_template_id)
                        for r in promoted.rewards]}


@router.post("/promotions/try")
async def try_it(request: Request, who: Who = need("promotions")) -> Response:
    """The sample basket priced with the promotions in force, and with the draft added (or
    replacing the published one of the same id), side by side; then, on the draft side, a
    coupon of the chosen (or draft) template taken off as the till would, and what the chosen
    (or draft) top-up package gives a member of the chosen tier."""
    console = console_of(request)
    form = await _form(request)
    _ = translator(language(request))
    errors: dict[str, str] = {}
    result: dict[str, Any] = {}
    try:
        items = rulesets.parse_basket(form.get("try_basket", form.get("basket", "")))
        draft, draft_template, draft_package = _drafts(request, form)
        rules = rulesets.rules_in_force(console)
        tier = None
        if form.get("try_tier"):
            try:
                tier = rules.tier(form["try_tier"])
            except ValidationFailed:
                raise BadUserInput("try_tier", "No tier {id}.", id=form["try_tier"]) from None
        try:
            at = datetime.fromisoformat(form["try_at"]) if form.get("try_at") else console.now()
        except ValueError:
            raise BadUserInput("try_at", "Enter a date and time like 2026-12-01 00:00.") \
                from None
        shop = form.get("try_shop", "")[:32]
        template_id = form.get("try_template", "")[:64]
        package_id = form.get("try_package", "")[:64]
        published, template, package = console.read(lambda s: (
            svc.promotions(s), svc.find_template(s, template_id) if template_id else None,
            next((p for p in svc.packages(s) if p.id == package_id), None)))
        template = draft_template or template
        package = draft_package or package
        with_draft = [p for p in published if draft is None or p.id != draft.id]
        with_draft += [draft] if draft is not None else []
        stacking = stacking_of(rules)
        for key, promos in (("current", published), ("draft", with_draft)):
            try:
                promoted = price_with_promotions(items, rules, tier, at, shop,
                                                 PromotionBook(tuple(promos), stacking))
            except PosError:
                result[key] = {"error": True}
                continue
            result[key] = _priced(promoted)
            if key == "draft" and template is not None:
                result["coupon"] = _try_coupon(template, promoted, items, at, shop, stacking)
        if package is not None:
            result["package"] = _try_package(package, rules, tier)
    except BadUserInput as exc:
        errors = form_error(exc, _)
    return console.render(request, who, "_promo_try.html", status=200, errors=errors,
                          result=result)


def _try_coupon(template: CouponTemplate, promoted: Any, items: Any, at: datetime, shop: str,
                stacking: Any) -> dict[str, Any]:
    """One coupon of the template, issued now, taken off the basket by apply_coupons."""
    coupon = issue_coupon(template, "try-it", None, at, "try")
    state = CouponState(coupon.code, CouponStatus.AVAILABLE)
    try:
        after, uses = apply_coupons(promoted, items, [(coupon, template, state, coupon.code)],
                                    at, shop, None, stacking)
    except CouponNotUsable as exc:
        return {"name": template.name, "refused": exc.reason.value,
                "shortfall_fen": exc.shortfall_fen, "skus": list(exc.skus)}
    return {"name": template.name, "refused": "", "value_fen": uses[0].value_fen,
            "total_fen": after.total_fen}


def _try_package(p: TopUpPackage, rules: Any, tier: Any) -> dict[str, Any]:
    """What the package's top-up books for a member of the chosen tier (package_entries)."""
    try:
        lowest = min(rules.tiers, key=lambda t: t.rank).code
        entries = package_entries(p, tier.code if tier else lowest, rules)
    except ValidationFailed:
        return {"name": p.name, "error": True}
    money = [e for e in entries if e.ledger is LedgerName.STORED_VALUE]
    return {"name": p.name, "error": False, "paid_fen": sum(e.paid_fen for e in money),
            "bonus_fen": sum(e.bonus_fen for e in money),
            "points": sum(e.spendable for e in entries),
            "coupons": [list(c) for c in p.coupons], "pass_sku": p.pass_sku,
            "tier": next((e.tier for e in entries if e.ledger is LedgerName.TIER), None)}
