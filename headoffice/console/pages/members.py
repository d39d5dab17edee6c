"""Members: search across the chain, a member's page, edit, 挂失/解挂, merge, PIPL."""
from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from headoffice.console import members as svc
from headoffice.console.auth import BadUserInput, Who
from headoffice.console.i18n import translator
from headoffice.console.periods import business_day
from headoffice.console.rulesets import rules_in_force
from headoffice.console.web import console_of, form_error, language, need, no_store
from headoffice.ledger import Ledger
from headoffice.models import MemberRow

router = APIRouter(prefix="/console", include_in_schema=False)
NAV = [("members", "/console/members", "Members"),
       ("privacy", "/console/privacy", "Privacy requests")]
MESSAGES = ("Saved.", "Card reported lost: tills refuse it after their next pull.",
            "Card unblocked.", "Records merged.", "Member erased.",
            *(f"card:{s}" for s in ("active", "lost", "replaced", "cancelled", "expired")),
            "pipl:export", "pipl:erase", "source:member", "source:head_office",
            "pipl-status:open", "pipl-status:done", "pipl-status:refused",
            *(f"pass:{s}" for s in ("active", "used_up", "refunded", "expired")))


@router.get("/members")
def members(request: Request, q: str = "", who: Who = need("members")) -> Response:
    console = console_of(request)
    q = q[:60]
    results = console.read(lambda s: svc.search(s, q)) if q.strip() else []
    template = "_member_results.html" if "hx-request" in request.headers else "members.html"
    return console.render(request, who, template, q=q, results=results)


def _page(request: Request, who: Who, member_id: str, status: int = 200,
          errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,
          flash: str = "") -> Response:
    console = console_of(request)

    def work(s: Session) -> dict[str, Any] | None:
        try:
            return svc.detail(s, member_id, business_day(console.now()))
        except KeyError:
            return None
    data = console.read(work)
    if data is None:
        return console.render(request, who, "not_found.html", status=404)
    rules = rules_in_force(console)
    m = data["m"]
    vals = values or {f: getattr(m, f) if getattr(m, f) is not None else ""
                      for f in ("name", "mobile", "gender", "birthday", "birthday_calendar",
                                "tier_code")}
    if values is None:
        vals["consent_messages"] = m.consent_messages
    return console.render(request, who, "member.html", status=status, errors=errors or {},
                          values=vals, tiers=[(t.code, t.name_zh if language(request) == "zh_CN"
                                               else t.name_en) for t in rules.tiers],
                          flash=flash, **data)


@router.get("/members/{member_id}")
def member(request: Request, member_id: str, done: str = "",
           who: Who = need("members")) -> Response:
    _ = translator(language(request))
    flash = {"saved": _("Saved."),
             "block": _("Card reported lost: tills refuse it after their next pull."),
             "unblock": _("Card unblocked."), "merged": _("Records merged."),
             "erased": _("Member erased.")}.get(done, "")
    return _page(request, who, member_id[:36], flash=flash)


def _redirect(member_id: str, done: str) -> Response:
    r = Response(status_code=303, headers={"Location": f"/console/members/{member_id}?done={done}"})
    return r


@router.post("/members/{member_id}/edit")
async def edit(request: Request, member_id: str, who: Who = need("members.write")) -> Response:
    console = console_of(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    _ = translator(language(request))
    tiers = [t.code for t in rules_in_force(console).tiers]
    try:
        values = svc.validate_profile(form, tiers)
        console.tx(lambda s: svc.edit_profile(s, Ledger(s, console.ho.ids), console.now(), who,
                                              member_id, values))
    except BadUserInput as exc:
        form["consent_messages"] = form.get("consent_messages") == "on"
        return _page(request, who, member_id, 422, form_error(exc, _), form)
    return _redirect(member_id, "saved")


@router.post("/members/{member_id}/cards/{card_no}/{action}")
def card_action(request: Request, member_id: str, card_no: str, action: str,
                who: Who = need("members.write")) -> Response:
    console = console_of(request)
    if action not in ("block", "unblock"):
        return Response(status_code=404)
    try:
        console.tx(lambda s: svc.set_card(s, console.now(), who, member_id, card_no[:40], action))
    except BadUserInput as exc:
        return _page(request, who, member_id, 422, form_error(exc, translator(language(request))))
    return _redirect(member_id, action)


@router.post("/members/{member_id}/merge")
async def merge(request: Request, member_id: str, who: Who = need("members.write")) -> Response:
    console = console_of(request)
    other = str((await request.form()).get("other", ""))[:60]
    try:
        console.tx(lambda s: svc.merge(s, Ledger(s, console.ho.ids), console.now(), who,
                                       member_id, other))
    except BadUserInput as exc:
        return _page(request, who, member_id, 422, form_error(exc, translator(language(request))))
    return _redirect(member_id, "merged")


@router.post("/members/{member_id}/export")
def export(request: Request, member_id: str, who: Who = need("privacy.write")) -> Response:
    console = console_of(request)
    try:
        doc = console.tx(lambda s: svc.export(s, console.now(), who, member_id))
    except KeyError:
        return Response(status_code=404)
    response = Response(json.dumps(doc, ensure_ascii=False, indent=1, default=str),
                        media_type="application/json",
                        headers={"Content-Disposition":
                                 f'attachment; filename="member-{member_id}.json"'})
    no_store(response)
    return response


@router.post("/members/{member_id}/erase")
async def erase(request: Request, member_id: str, who: Who = need("privacy.write")) -> Response:
    console = console_of(request)
    form = await request.form()
    _ = translator(language(request))
    if form.get("confirm") != "on":
        return _page(request, who, member_id, 422,
                     {"erase": _("Tick the box to confirm: erasing cannot be undone.")})
    try:
        console.tx(lambda s: svc.erase(s, Ledger(s, console.ho.ids), console.now(), who,
                                       member_id))
    except BadUserInput as exc:
        return _page(request, who, member_id, 422, form_error(exc, _))
    return _redirect(member_id, "erased")


@router.get("/privacy")
def privacy(request: Request, who: Who = need("privacy")) -> Response:
    console = console_of(request)

    def work(s: Session) -> list[Any]:
        rows = svc.requests_of(s)
        names = dict(s.execute(select(MemberRow.id, MemberRow.name).where(
            MemberRow.id.in_({r["member_id"] for r in rows}))).all()) if rows else {}
        return [(r, names.get(r["member_id"], "")) for r in rows]
    return console.render(request, who, "privacy.html", rows=console.read(work))
