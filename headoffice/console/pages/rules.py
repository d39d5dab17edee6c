"""Rules: rule-set versions, the draft editor (built from the RuleSet dataclass), diff,
validation, "try it" and publishing with an effective time."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from headoffice.console import rulesets as svc
from headoffice.console.auth import BadUserInput, Who
from headoffice.console.i18n import translator
from headoffice.console.periods import business_day
from headoffice.console.web import console_of, form_error, language, need
from headoffice.authorisation import DEFAULT_LIMITS

router = APIRouter(prefix="/console", include_in_schema=False)
NAV = [("rules", "/console/rules", "Rules")]
# Labels of the rule-set fields; a field without one shows its own name.
MESSAGES = tuple(f"rule:{s.name}" for s in svc.form_specs()) + tuple(
    f"rule:{s.name}.{sub.name}" for s in svc.form_specs() for sub in s.subs) + (
    "state:draft", "state:published", "state:default")


MESSAGES = MESSAGES + ("Offline allowances saved: tills get them on their next pull.",) + \
    tuple(f"limit:{k}" for k in DEFAULT_LIMITS)


def _list(request: Request, who: Who, status: int = 200, **ctx: Any) -> Response:
    console = console_of(request)
    ctx.setdefault("errors", {})
    ctx.setdefault("limits", svc.limits_values(console.ho.limits()))
    return console.render(request, who, "rules.html", status=status,
                          versions=console.read(svc.versions),
                          in_force=svc.rules_in_force(console).version, **ctx)


@router.get("/rules")
def rules(request: Request, done: str = "", who: Who = need("rules")) -> Response:
    _ = translator(language(request))
    return _list(request, who, flash=_("Offline allowances saved: tills get them on their "
                                       "next pull.") if done == "limits" else "")


@router.post("/rules/limits")
async def limits(request: Request, who: Who = need("rules.write")) -> Response:
    console = console_of(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        console.tx(lambda s: svc.save_limits(s, console.now(), who, console.ho.limits(s), form))
    except BadUserInput as exc:
        return _list(request, who, 422, errors=form_error(exc, translator(language(request))),
                     limits={k.removeprefix("limit."): v for k, v in form.items()
                             if k.startswith("limit.")})
    return RedirectResponse("/console/rules?done=limits", status_code=303)


@router.post("/rules/new")
def new_version(request: Request, who: Who = need("rules.write")) -> Response:
    console = console_of(request)
    version = console.tx(lambda s: svc.new_draft(s, console.now(), who))
    return RedirectResponse(f"/console/rules/{version}", status_code=303)


def _editor(request: Request, who: Who, version: int, status: int = 200,
            values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
            draft: Any = None, flash: str = "") -> Response:
    console = console_of(request)
    try:
        rules, state, effective = console.read(lambda s: svc.get_version(s, version))
    except KeyError:
        return console.render(request, who, "not_found.html", status=404)
    current = svc.rules_in_force(console)
    shown = draft or rules
    vals = values or svc.form_values(rules)
    return console.render(
        request, who, "rule_edit.html", status=status, version=version, state=state,
        effective=effective, specs=svc.form_specs(), values=vals, errors=errors or {},
        diff=svc.diff(current, shown), current=current, flash=flash,
        tiers=[(t.code, t.name_zh if language(request) == "zh_CN" else t.name_en)
               for t in shown.tiers],
        editable=state == "draft" and who.can("rules.write"))


@router.get("/rules/{version}")
def edit_page(request: Request, version: int, done: str = "",
              who: Who = need("rules")) -> Response:
    _ = translator(language(request))
    flash = {"saved": _("Draft saved."), "published": _("Published: tills get it on their next pull.")
             }.get(done, "")
    return _editor(request, who, version, flash=flash)


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


@router.post("/rules/{version}")
async def save(request: Request, version: int, who: Who = need("rules.write")) -> Response:
    console = console_of(request)
    form = await _form(request)
    _ = translator(language(request))
    try:
        rules = svc.parse_form(form, version)
        console.tx(lambda s: svc.save_draft(s, console.now(), who, version, rules,
                                            form.get("note", "")))
    except BadUserInput as exc:
        return _editor(request, who, version, 422, _form_values(form), form_error(exc, _))
    return RedirectResponse(f"/console/rules/{version}?done=saved", status_code=303)


def _form_values(form: dict[str, str]) -> dict[str, Any]:
    """What was typed, shown again beside its error (checkboxes as booleans)."""
    out: dict[str, Any] = dict(form)
    for spec in svc.form_specs():
        if spec.kind == "bool":
            out[spec.name] = form.get(spec.name) == "on"
        for sub in spec.subs:
            if sub.kind == "bool":
                for k in list(form) + [f"{spec.name}.{i}.{sub.name}" for i in range(
                        int(form.get(f"{spec.name}.count", "0") or 0) + 1)]:
                    if k.startswith(spec.name + ".") and k.endswith("." + sub.name):
                        out[k] = form.get(k) == "on"
    return out


@router.post("/rules/{version}/publish")
async def publish(request: Request, version: int, who: Who = need("rules.write")) -> Response:
    console = console_of(request)
    form = await _form(request)
    _ = translator(language(request))
    try:
        console.tx(lambda s: svc.publish(s, console.now(), who, version,
                                         form.get("effective_from", "")))
    except BadUserInput as exc:
        return _editor(request, who, version, 422, errors=form_error(exc, _))
    return RedirectResponse(f"/console/rules/{version}?done=published", status_code=303)


@router.post("/rules/{version}/try")
async def try_it(request: Request, version: int, who: Who = need("rules")) -> Response:
    """Price a sample basket under the draft as typed (unsaved) and under the version in
    force, side by side, with the till's own pricing and points functions."""
    console = console_of(request)
    form = await _form(request)
    _ = translator(language(request))
    errors: dict[str, str] = {}
    result: dict[str, Any] = {}
    try:
        items = svc.parse_basket(form.get("basket", ""))
        try:
            draft = svc.parse_form(form, version) if "tiers.count" in form else \
                console.read(lambda s: svc.get_version(s, version))[0]
        except BadUserInput as exc:
            raise BadUserInput("basket", "Fix the rule set first: {field}", field=exc.field) from None
        current = svc.rules_in_force(console)
        day = business_day(console.now())
        tier = form.get("tier", "")
        result = {"draft": svc.try_prices(draft, items, tier, day),
                  "current": svc.try_prices(current, items, tier, day),
                  "draft_version": version, "current_version": current.version}
    except BadUserInput as exc:
        errors = form_error(exc, _)
    return console.render(request, who, "_try.html", status=200, errors=errors, result=result)
