"""Head office mints member codes: a short pre-signed batch for the member page."""
from __future__ import annotations

from dataclasses import dataclass

from headoffice.signing import HeadOfficeSigner
from pos_app.domain.member_code import (
    MemberCodeRules,
    encode,
    signed_part,
    steps_from,
)
from pos_app.domain.signing import CONTEXT_MEMBER_CODE

BATCH = 20          # 10 minutes of 30-second codes: enough to walk into a shop without signal


@dataclass(frozen=True)
class IssuedCode:
    step: int
    starts_at: int
    ends_at: int
    text: str


def mint(signer: HeadOfficeSigner, member_id: str, step: int, step_s: int) -> str:
    signed = signed_part(signer.kid, member_id, step, step_s)
    return encode(signed, signer.sign(CONTEXT_MEMBER_CODE, signed))


def batch(signer: HeadOfficeSigner, member_id: str, now_unix: int, rules: MemberCodeRules,
          count: int = BATCH) -> list[IssuedCode]:
    """Codes for the current step and the next count-1, each with its window."""
    return [IssuedCode(step, step * rules.step_s, (step + 1) * rules.step_s,
                       mint(signer, member_id, step, rules.step_s))
            for step in steps_from(now_unix, rules.step_s, count)]
