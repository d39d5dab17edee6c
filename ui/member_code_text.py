"""What the cashier reads when a phone member code is refused (pos_app.domain.member_code)."""
from __future__ import annotations

from pos_app.domain.member_code import MemberCodeRefused, Refusal
from ui.formatting import tr_fill


def member_code_problem(exc: MemberCodeRefused) -> str:
    """One sentence: what happened and what to do next; never who the code named."""
    r = exc.reason
    if r is Refusal.EXPIRED:
        return tr_fill("MemberCode", "This member code has expired (an old screen or a "
                       "screenshot). Ask the member to refresh the member page and scan again.")
    if r is Refusal.NOT_YET_VALID:
        return tr_fill("MemberCode", "This member code is not valid yet: the till's clock may be "
                       "behind. Check the till's date and time, or swipe the card.")
    if r is Refusal.REPLAYED:
        return tr_fill("MemberCode", "This member code was already used at this till. Ask the "
                       "member to wait for the next code (it changes every half minute).")
    if r is Refusal.FORGED:
        return tr_fill("MemberCode", "This member code is not genuine (head office did not sign "
                       "it). Do not give member prices; ask for the card or the member page.")
    if r in (Refusal.UNKNOWN_KEY, Refusal.KEY_RETIRED):
        return tr_fill("MemberCode", "This till cannot check this member code yet (head office's "
                       "key is missing or retired). Sync the till, or swipe the card.")
    if r is Refusal.NO_KEYS:
        return tr_fill("MemberCode", "This till has not received head office's keys yet, so it "
                       "cannot check member codes. Sync the till once, or swipe the card.")
    if r is Refusal.NEEDS_NETWORK:
        return tr_fill("MemberCode", "The numeric member code is checked by head office, which "
                       "cannot be reached now. Scan the QR code on the member's phone, or swipe "
                       "the card.")
    if r is Refusal.BLOCKED:
        return tr_fill("MemberCode", "Head office says this member's card is blocked (reported "
                       "lost or cancelled). No member price; the member can ask at the service "
                       "desk.")
    return tr_fill("MemberCode", "This is not a readable member code. Ask the member to show "
                   "the code again, brighter and closer to the scanner.")
