"""The member page's use cases: SMS sign-in with limits, sessions, what the page shows, the
member code batch, 挂失, consent, the delete-my-data request and e-receipts. HTTP-free;
web.py turns these into pages.

Every read is scoped to the member of the session (never to an id the browser sends), so
one member cannot read another's page or receipt by changing a number in the address.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from headoffice import passes
from headoffice.console.periods import business_day
from headoffice.feeds import emit
from headoffice.member_site.codes import BATCH, IssuedCode, batch
from headoffice.member_site.messaging import MessagingService, mask_mobile
from headoffice.models import (
    CardRow,
    DocumentRow,
    MemberAccountRow,
    MemberDataRequestRow,
    MemberRow,
    MemberSessionRow,
    MemberSignInFailureRow,
    MemberSmsCodeRow,
    SaleRow,
    ShopRow,
)
from headoffice.signing import HeadOfficeSigner
from pos_app.domain.card import CardStatus
from pos_app.domain.member_code import SETTINGS_DOCUMENT, MemberCodeRules
from pos_app.domain.money import format_yuan, format_zhe
from pos_app.domain.points import ladder_step_for
from pos_app.domain.rules import RuleSet, default_rule_set

log = logging.getLogger("headoffice.member_site")

MOBILE = re.compile(r"^1[3-9]\d{9}$")
CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class MemberSiteConfig:
    public_url: str = "http://127.0.0.1:8700/m"
    code_ttl: timedelta = timedelta(minutes=5)
    code_attempts: int = 5                     # wrong tries before a code is dead
    resend_after: timedelta = timedelta(seconds=60)
    codes_per_number_hour: int = 5
    codes_per_number_day: int = 10
    codes_per_ip_hour: int = 20
    failures_per_ip_hour: int = 30             # wrong codes from one address, all numbers
    failures_per_number_day: int = 15          # wrong codes for one number, all addresses
    session_idle: timedelta = timedelta(minutes=30)
    session_max: timedelta = timedelta(hours=12)
    recheck_for_lost: timedelta = timedelta(minutes=10)
    secure_cookies: bool = True
    sms_reply_token: str = ""                  # the secret path part of the SMS reply callback


class SignInRefused(Exception):
    """Why a sign-in step was refused: invalid_mobile, rate_limited, wrong_code, expired,
    too_many_attempts, locked. `retry_after` in seconds when waiting helps."""

    def __init__(self, reason: str, retry_after: int = 0, tries_left: int = 0) -> None:
        super().__init__(reason, retry_after, tries_left)
        self.reason = reason
        self.retry_after = retry_after
        self.tries_left = tries_left


@dataclass(frozen=True)
class MemberSession:
    member_id: str
    csrf: str
    verified_at: datetime
    token_hash: str


@dataclass
class CodeBatch:
    server_unix: int
    step_s: int
    codes: list[IssuedCode] = field(default_factory=list)
    blocked: str = ""            # a card status that blocks the member ("lost", ...)
    digits: dict[int, str] = field(default_factory=dict)   # step -> numeric one-time code


@dataclass(frozen=True)
class ShortCodeDecision:
    decision: str                # accepted | refused
    reason: str = ""             # forged, replayed, expired, not_yet_valid, card_<status>
    member_id: str | None = None


SHORT_PREFIX = "96"
SHORT = re.compile(r"^96\d{16}$")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _code_hash(salt: str, code: str) -> str:
    return hmac.new(salt.encode(), code.encode(), hashlib.sha256).hexdigest()


class MemberSite:
    def __init__(self, ho: Any, signer: HeadOfficeSigner, messaging: MessagingService,
                 config: MemberSiteConfig | None = None) -> None:
        self.ho = ho
        self.signer = signer
        self.messaging = messaging
        self.config = config or MemberSiteConfig()

    # -- helpers ------------------------------------------------------------------------------
    def _now(self) -> datetime:
        return self.ho.clock()

    def _member_by_mobile(self, s: Session, mobile: str) -> MemberRow | None:
        return s.execute(select(MemberRow).where(MemberRow.mobile == mobile,
                                                 MemberRow.stub.is_(False))
                         .order_by(MemberRow.created_at).limit(1)).scalar_one_or_none()

    # -- SMS sign-in --------------------------------------------------------------------------
    def request_code(self, mobile: str, ip: str, purpose: str = "sign_in",
                     member_id: str | None = None) -> None:
        """Send a one-time code if the number belongs to a member. The answer is the same
        either way (no probing which numbers are members); limits apply either way."""
        mobile = mobile.strip()
        if not MOBILE.match(mobile):
            raise SignInRefused("invalid_mobile")
        cfg = self.config
        mhash = _sha(mobile)

        def work(s: Session) -> None:
            now = self._now()
            last = s.execute(select(func.max(MemberSmsCodeRow.created_at)).where(
                MemberSmsCodeRow.mobile_hash == mhash,
                MemberSmsCodeRow.purpose == purpose)).scalar()
            if last is not None and now - last < cfg.resend_after:
                raise SignInRefused("rate_limited",
                                    int((cfg.resend_after - (now - last)).total_seconds()) + 1)
            hour = s.execute(select(func.count()).select_from(MemberSmsCodeRow).where(
                MemberSmsCodeRow.mobile_hash == mhash,
                MemberSmsCodeRow.created_at > now - timedelta(hours=1))).scalar_one()
            day = s.execute(select(func.count()).select_from(MemberSmsCodeRow).where(
                MemberSmsCodeRow.mobile_hash == mhash,
                MemberSmsCodeRow.created_at > now - timedelta(days=1))).scalar_one()
            by_ip = s.execute(select(func.count()).select_from(MemberSmsCodeRow).where(
                MemberSmsCodeRow.ip == ip,
                MemberSmsCodeRow.created_at > now - timedelta(hours=1))).scalar_one()
            if hour >= cfg.codes_per_number_hour or by_ip >= cfg.codes_per_ip_hour:
                raise SignInRefused("rate_limited", 3600)
            if day >= cfg.codes_per_number_day:
                raise SignInRefused("rate_limited", 86400)
            member = self._member_by_mobile(s, mobile)
            if member_id is not None and (member is None or member.id != member_id):
                member = None
            code = f"{secrets.randbelow(10 ** 6):06d}"
            salt = secrets.token_hex(8)
            # The row is written whether or not a member has this number, so the limits
            # count every request and the timing does not tell the two apart.
            s.add(MemberSmsCodeRow(mobile_hash=mhash, member_id=member.id if member else None,
                                   purpose=purpose, code_hash=_code_hash(salt, code), salt=salt,
                                   ip=ip[:45], attempts=0, created_at=now,
                                   expires_at=now + cfg.code_ttl, used_at=None))
            if member is not None:
                # Sign-in and 挂失 checks use the one verification-code template.
                self.messaging.send(s, member.id, mobile, "sign_in", {"code": code})
        self.ho.transaction(work)

    def verify_code(self, mobile: str, code: str, ip: str, purpose: str = "sign_in"
                    ) -> tuple[str, str]:
        """Check a code; on success a new session (token, member id). Wrong codes count
        against the code, the number and the address."""
        mobile, code = mobile.strip(), code.strip()
        if not MOBILE.match(mobile):
            raise SignInRefused("invalid_mobile")
        cfg = self.config
        mhash = _sha(mobile)

        def work(s: Session) -> tuple[str, str] | SignInRefused:
            now = self._now()
            ip_failures = s.execute(select(func.count()).select_from(MemberSignInFailureRow)
                                    .where(MemberSignInFailureRow.ip == ip,
                                           MemberSignInFailureRow.at > now - timedelta(hours=1))
                                    ).scalar_one()
            number_failures = s.execute(
                select(func.count()).select_from(MemberSignInFailureRow)
                .where(MemberSignInFailureRow.mobile_hash == mhash,
                       MemberSignInFailureRow.at > now - timedelta(days=1))).scalar_one()
            if ip_failures >= cfg.failures_per_ip_hour or \
                    number_failures >= cfg.failures_per_number_day:
                return SignInRefused("locked", 3600)
            row = s.execute(select(MemberSmsCodeRow).where(
                MemberSmsCodeRow.mobile_hash == mhash, MemberSmsCodeRow.purpose == purpose,
                MemberSmsCodeRow.used_at.is_(None))
                .order_by(MemberSmsCodeRow.id.desc()).limit(1).with_for_update()
            ).scalar_one_or_none()
            if row is None or row.expires_at <= now:
                # Guessing without a live code counts against the address all the same.
                s.add(MemberSignInFailureRow(mobile_hash=mhash, ip=ip[:45], at=now))
                return SignInRefused("expired")
            if row.attempts >= cfg.code_attempts:
                return SignInRefused("too_many_attempts")
            ok = CODE.match(code) is not None and hmac.compare_digest(
                row.code_hash, _code_hash(row.salt, code))
            if not ok or row.member_id is None:
                row.attempts += 1
                s.add(MemberSignInFailureRow(mobile_hash=mhash, ip=ip[:45], at=now))
                left = cfg.code_attempts - row.attempts
                return SignInRefused("wrong_code" if left > 0 else "too_many_attempts",
                                     tries_left=max(left, 0))
            row.used_at = now
            token = secrets.token_urlsafe(32)
            s.add(MemberSessionRow(token_hash=_sha(token), member_id=row.member_id,
                                   csrf=secrets.token_urlsafe(32), created_at=now,
                                   verified_at=now, last_seen_at=now,
                                   expires_at=now + cfg.session_idle, revoked_at=None))
            return token, row.member_id

        # The failure rows must be kept even though the step is refused: commit, then raise.
        out = self.ho.transaction(work)
        if isinstance(out, SignInRefused):
            raise out
        return out

    def recheck(self, session: MemberSession, mobile_code: str, ip: str) -> None:
        """A fresh SMS check for a grave step (挂失): the code sent for purpose 'lost'."""
        mobile = self._mobile_of(session.member_id)
        token, member_id = self.verify_code(mobile, mobile_code, ip, purpose="lost")
        if member_id != session.member_id:
            raise SignInRefused("wrong_code")

        def work(s: Session) -> None:
            now = self._now()
            s.execute(update(MemberSessionRow).where(
                MemberSessionRow.token_hash == session.token_hash).values(verified_at=now))
            s.execute(delete(MemberSessionRow).where(MemberSessionRow.token_hash == _sha(token)))
        self.ho.transaction(work)

    def _mobile_of(self, member_id: str) -> str:
        with self.ho.sessions() as s:
            mobile = s.execute(select(MemberRow.mobile).where(MemberRow.id == member_id)
                               ).scalar_one_or_none()
        if not mobile:
            raise SignInRefused("invalid_mobile")
        return mobile

    def send_lost_code(self, session: MemberSession, ip: str) -> None:
        self.request_code(self._mobile_of(session.member_id), ip, purpose="lost",
                          member_id=session.member_id)

    # -- sessions -----------------------------------------------------------------------------
    def session(self, token: str | None) -> MemberSession | None:
        """The live session behind a cookie (sliding idle expiry, hard maximum), else None."""
        if not token or len(token) > 100:
            return None
        th = _sha(token)
        cfg = self.config

        now = self._now()
        with self.ho.sessions() as s:
            row = s.get(MemberSessionRow, th)
            if (row is None or row.revoked_at is not None or row.expires_at <= now
                    or now - row.created_at >= cfg.session_max):
                return None
            found = MemberSession(row.member_id, row.csrf, row.verified_at, th)
            stale = now - row.last_seen_at >= timedelta(minutes=1)
        if stale:
            # The idle expiry slides at most once a minute: most page loads write nothing.
            def work(s: Session) -> None:
                s.execute(update(MemberSessionRow).where(
                    MemberSessionRow.token_hash == th, MemberSessionRow.revoked_at.is_(None))
                    .values(last_seen_at=now,
                            expires_at=func.least(now + cfg.session_idle,
                                                  MemberSessionRow.created_at + cfg.session_max)
                            if self.ho.pg else now + cfg.session_idle))
            self.ho.transaction(work)
        return found

    def logout(self, token: str | None) -> None:
        if not token:
            return

        def work(s: Session) -> None:
            s.execute(update(MemberSessionRow).where(MemberSessionRow.token_hash == _sha(token))
                      .values(revoked_at=self._now()))
        self.ho.transaction(work)

    # -- what the page shows ------------------------------------------------------------------
    def rules(self, s: Session) -> RuleSet:
        # Parsing every rule set on each page load is most of its work: keep the result until
        # a rule set is added or changed.
        stamp = tuple(s.execute(select(func.count(), func.max(DocumentRow.updated_at),
                                       func.sum(DocumentRow.version))
                                .where(DocumentRow.stream == "rule_sets")).one())
        cached = getattr(self, "_rules_cache", None)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        rules = self._read_rules(s)
        self._rules_cache = (stamp, rules)
        return rules

    def _read_rules(self, s: Session) -> RuleSet:
        now = self._now()
        best: tuple[str, RuleSet] | None = None
        for body in s.scalars(select(DocumentRow.body).where(DocumentRow.stream == "rule_sets")):
            try:
                d = json.loads(body)
                rules = RuleSet.from_json(json.dumps(d["rules"]))
                eff = str(d.get("effective_from", ""))
            except (KeyError, TypeError, ValueError):
                continue
            if eff <= now.isoformat() and (best is None or eff > best[0]):
                best = (eff, rules)
        return best[1] if best else default_rule_set()

    def code_rules(self, s: Session) -> MemberCodeRules:
        row = s.get(DocumentRow, SETTINGS_DOCUMENT)
        try:
            return MemberCodeRules.from_document(json.loads(row.body) if row else None)
        except (TypeError, ValueError):
            return MemberCodeRules()

    def overview(self, member_id: str) -> dict[str, Any]:
        """Everything the home page shows, for the session's member only."""
        with self.ho.sessions() as s:
            m = s.get(MemberRow, member_id)
            a = s.get(MemberAccountRow, member_id)
            rules = self.rules(s)
            cards = s.execute(select(CardRow.card_no, CardRow.status, CardRow.kind)
                              .where(CardRow.member_id == member_id)
                              .order_by(CardRow.issued_at)).all()
            sales = s.execute(
                select(SaleRow.id, SaleRow.receipt_no, SaleRow.kind, SaleRow.paid_fen,
                       SaleRow.client_at, SaleRow.booked_at, ShopRow.name)
                .join(ShopRow, ShopRow.id == SaleRow.shop_id)
                .where(SaleRow.member_id == member_id)
                .order_by(SaleRow.booked_at.desc()).limit(10)).all()
            expiring = self._expiring(s, member_id, rules)
            deletion = s.execute(select(MemberDataRequestRow.id).where(
                MemberDataRequestRow.member_id == member_id, MemberDataRequestRow.kind == "erase",
                MemberDataRequestRow.status == "open")).first() is not None
            coupons = self._coupons(s, member_id)
            held = [p for p in passes.member_view(s, member_id, business_day(self._now()))
                    if p["status"] == "active"]
        balance = [a.balance_paid_fen, a.balance_bonus_fen, a.spendable_points,
                   a.accumulated_points] if a else [0, 0, 0, 0]
        try:
            tier = rules.tier(m.tier_code)
        except Exception:  # noqa: BLE001 - an unknown tier code shows as the base tier
            tier = rules.base_tier
        higher = sorted((t for t in rules.tiers if t.rank > tier.rank), key=lambda t: t.rank)
        next_tier = None
        if higher:
            t = higher[0]
            next_tier = {"name": t.name_zh, "discount_bp": t.discount_bp,
                         "points_needed": (max(t.upgrade_points - balance[3], 0)
                                           if t.upgrade_points is not None else None),
                         "receipt_fen": t.join_purchase_fen}
        spendable = balance[2]
        step = ladder_step_for(spendable, rules)
        if step is None:
            next_points = rules.ladder_first_points
            next_cap = rules.ladder_first_cap_fen
        else:
            next_points = step.points + rules.ladder_step_points
            next_cap = step.cap_fen + rules.ladder_step_cap_fen
        blocked = next((c.status for c in cards if c.status == CardStatus.LOST.value), "")
        usable = [c for c in cards if c.status == CardStatus.ACTIVE.value]
        return {
            "member_id": member_id, "name": m.name, "mobile": mask_mobile(m.mobile or ""),
            "tier": {"code": tier.code, "name": tier.name_zh, "discount_bp": tier.discount_bp},
            "next_tier": next_tier,
            "points": {"spendable": spendable, "accumulated": balance[3],
                       "gift_now_cap_fen": step.cap_fen if step else 0,
                       "gift_now_points": step.points if step else 0,
                       "next_step_points": next_points, "next_step_cap_fen": next_cap,
                       "next_step_missing": max(next_points - spendable, 0),
                       "cash_fen": (spendable // rules.points_per_yuan) * 100
                       if rules.points_cash_enabled else 0,
                       "cash_cap_bp": rules.points_cash_cap_bp,
                       "expiring": expiring},
            "stored_value": {"paid_fen": balance[0], "bonus_fen": balance[1],
                             "total_fen": balance[0] + balance[1]},
            "passes": [{"name": p["name"], "uses_left": p["uses_left"],
                        "uses_total": p["uses_total"],
                        "expires_on": p["expires_on"].isoformat() if p["expires_on"] else None}
                       for p in held],
            "coupons": coupons,
            "cards": [{"card_no": "****" + c.card_no[-4:], "status": c.status, "kind": c.kind}
                      for c in cards],
            "blocked": blocked if not usable else "",
            "consent_messages": bool(m.consent_messages),
            "birthday": m.birthday, "gender": m.gender,
            "purchases": [{"sale_id": r.id, "receipt_no": r.receipt_no, "kind": r.kind,
                           "total_fen": r.paid_fen, "shop": r.name,
                           "at": (r.client_at or r.booked_at)} for r in sales],
            "deletion_requested": deletion,
        }

    def _expiring(self, s: Session, member_id: str, rules: RuleSet) -> list[dict[str, Any]]:
        """Points lapsing within the rule set's notice period (none when points never lapse)."""
        from headoffice.promotions import points_moves
        from pos_app.domain.points_expiry import expiring_soon, expiry_policy_of
        policy = expiry_policy_of(rules)
        if policy.mode.value == "never":
            return []
        points, first = expiring_soon(points_moves(s, member_id), policy, self._now().date(),
                                      rules.points_expiry_notice_days)
        return [{"points": points, "on": first.isoformat()}] if points and first else []

    def _coupons(self, s: Session, member_id: str) -> list[dict[str, Any]]:
        """The member's coupons that can be used now or later (state from the coupon ledger)."""
        from headoffice.models import CouponRow
        from headoffice.promotions import coupon_history, find_template
        from pos_app.domain.coupons import CouponKind, CouponStatus, coupon_state
        now = self._now()
        out = []
        for row in s.scalars(select(CouponRow).where(CouponRow.member_id == member_id)
                             .order_by(CouponRow.valid_until, CouponRow.code).limit(50)):
            _coupon, entries = coupon_history(s, row.code)
            if coupon_state(row.code, entries).status is not CouponStatus.AVAILABLE:
                continue
            if row.valid_until is not None and row.valid_until <= now:
                continue
            t = find_template(s, row.template_id)
            if t is None:
                continue
            if t.kind is CouponKind.AMOUNT_OFF:
                what = (f"满{format_yuan(t.threshold_fen)}减{format_yuan(t.amount_fen)}"
                        if t.threshold_fen else f"立减{format_yuan(t.amount_fen)}")
            elif t.kind is CouponKind.PERCENT_OFF:
                what = f"{format_zhe(t.rate_bp)}折" + (f"，最多减{format_yuan(t.cap_fen)}"
                                                       if t.cap_fen else "")
            else:
                what = "免费领取一件"
            out.append({"code": row.code, "name": t.name, "what": what,
                        "valid_from": row.valid_from, "valid_until": row.valid_until})
        return out

    def code_batch(self, member_id: str, count: int = BATCH, digits: bool = True) -> CodeBatch:
        """A short run of pre-signed codes from now on; none when the card status blocks."""
        now = self._now()
        now_unix = int(now.replace(tzinfo=UTC).timestamp())
        with self.ho.sessions() as s:
            rules = self.code_rules(s)
            statuses = [st for (st,) in s.execute(select(CardRow.status).where(
                CardRow.member_id == member_id))]
        if not any(st == CardStatus.ACTIVE.value for st in statuses):
            return CodeBatch(now_unix, rules.step_s, [],
                             next((st for st in statuses), "no_card") or "no_card")
        codes = batch(self.signer, member_id, now_unix, rules, count)
        if not digits:
            return CodeBatch(now_unix, rules.step_s, codes)
        return CodeBatch(now_unix, rules.step_s, codes,
                         digits=self.short_codes(member_id, [c.step for c in codes], rules.step_s))

    # -- the numeric form, checked online ----------------------------------------------------
    def short_codes(self, member_id: str, steps: list[int], step_s: int) -> dict[int, str]:
        """A random 18-digit one-time number per step (kept, so a reload shows the same)."""
        from headoffice.models import MemberShortCodeRow

        def work(s: Session) -> dict[int, str]:
            have = dict(s.execute(select(MemberShortCodeRow.step, MemberShortCodeRow.code).where(
                MemberShortCodeRow.member_id == member_id,
                MemberShortCodeRow.step.in_(steps))).all())
            for step in steps:
                if step not in have:
                    code = SHORT_PREFIX + f"{secrets.randbelow(10 ** 16):016d}"
                    s.add(MemberShortCodeRow(code=code, member_id=member_id, step=step,
                                             step_s=step_s, used_at=None, used_by_till=None))
                    have[step] = code
            return have
        return self.ho.transaction(work)

    def resolve_short_code(self, till_id: str, code: str) -> ShortCodeDecision:
        """A till asks who a numeric code names: once in the whole chain, inside its window
        (give or take the tolerated skew), and only for a member whose card lets them buy."""
        from headoffice.models import MemberShortCodeRow
        if not SHORT.match(code or ""):
            return ShortCodeDecision("refused", "malformed")

        def work(s: Session) -> ShortCodeDecision:
            now = self._now()
            now_unix = now.replace(tzinfo=UTC).timestamp()
            skew = self.code_rules(s).skew_s
            row = s.get(MemberShortCodeRow, code, with_for_update=True)
            if row is None:
                return ShortCodeDecision("refused", "forged")
            if row.used_at is not None:
                return ShortCodeDecision("refused", "replayed")
            if now_unix < row.step * row.step_s - skew:
                return ShortCodeDecision("refused", "not_yet_valid")
            if now_unix >= (row.step + 1) * row.step_s + skew:
                return ShortCodeDecision("refused", "expired")
            statuses = [st for (st,) in s.execute(select(CardRow.status).where(
                CardRow.member_id == row.member_id))]
            if CardStatus.ACTIVE.value not in statuses:
                return ShortCodeDecision("refused", "card_" + (statuses[0] if statuses
                                                               else "unknown"))
            row.used_at, row.used_by_till = now, till_id
            return ShortCodeDecision("accepted", "", row.member_id)
        return self.ho.transaction(work)

    # -- member actions -----------------------------------------------------------------------
    def report_lost(self, session: MemberSession) -> list[str]:
        """挂失 every active card of the member, as a shop would; needs a fresh SMS check.
        Every other session of the member ends (a lost phone may still be signed in)."""
        now = self._now()
        if now - session.verified_at > self.config.recheck_for_lost:
            raise SignInRefused("recheck_needed")
        with self.ho.sessions() as s:
            cards = [c for (c,) in s.execute(select(CardRow.card_no).where(
                CardRow.member_id == session.member_id,
                CardRow.status == CardStatus.ACTIVE.value))]
            mobile = s.execute(select(MemberRow.mobile).where(
                MemberRow.id == session.member_id)).scalar_one()
        for card_no in cards:
            self.ho.set_card_status(card_no, "lost")

        def work(s: Session) -> None:
            s.execute(update(MemberSessionRow).where(
                MemberSessionRow.member_id == session.member_id,
                MemberSessionRow.token_hash != session.token_hash,
                MemberSessionRow.revoked_at.is_(None)).values(revoked_at=now))
            if cards:
                self.messaging.send(s, session.member_id, mobile, "card_lost",
                                    {"card": cards[-1][-4:]})
        self.ho.transaction(work)
        log.info("member reported %d card(s) lost from the member page", len(cards))
        return cards

    def set_consent(self, member_id: str, consent: bool) -> None:
        def work(s: Session) -> None:
            m = s.get(MemberRow, member_id, with_for_update=True)
            if bool(m.consent_messages) == consent:
                return
            m.consent_messages = consent
            m.updated_at = self._now()
            s.flush()
            emit(s, "members", {member_id})
        self.ho.transaction(work)

    def request_deletion(self, member_id: str) -> int:
        """Record a delete-my-data request for the console's PIPL flow (one open at a time)."""
        def work(s: Session) -> int:
            open_id = s.execute(select(MemberDataRequestRow.id).where(
                MemberDataRequestRow.member_id == member_id,
                MemberDataRequestRow.kind == "erase",
                MemberDataRequestRow.status == "open")).scalar_one_or_none()
            if open_id is not None:
                return open_id
            row = MemberDataRequestRow(member_id=member_id, kind="erase", source="member_page",
                                       status="open", note="", requested_at=self._now())
            s.add(row)
            s.flush()
            return row.id
        return self.ho.transaction(work)

    def deletion_requested(self, member_id: str) -> bool:
        with self.ho.sessions() as s:
            return s.execute(select(MemberDataRequestRow.id).where(
                MemberDataRequestRow.member_id == member_id,
                MemberDataRequestRow.kind == "erase",
                MemberDataRequestRow.status == "open")).first() is not None

    # -- e-receipts ---------------------------------------------------------------------------
    def receipt_for_member(self, member_id: str, sale_id: str) -> dict[str, Any] | None:
        """A receipt of the session's member; None for anyone else's (same as not found)."""
        with self.ho.sessions() as s:
            row = s.execute(select(SaleRow, ShopRow.name).join(ShopRow, ShopRow.id == SaleRow.shop_id)
                            .where(SaleRow.id == sale_id, SaleRow.member_id == member_id)).first()
        return _receipt(row[0], row[1]) if row else None

    def receipt_by_link(self, receipt_no: str, token: str) -> tuple[dict[str, Any] | None, str | None]:
        """The receipt a printed QR points at: (receipt, None) when the token matches and the
        sale has no member; (None, member_id) when it is a member's (sign in to see it)."""
        if not re.fullmatch(r"[0-9A-Za-z_-]{16,64}", token or ""):
            return None, None
        with self.ho.sessions() as s:
            rows = s.execute(select(SaleRow, ShopRow.name).join(ShopRow, ShopRow.id == SaleRow.shop_id)
                             .where(SaleRow.receipt_no == receipt_no)).all()
        for sale, shop in rows:
            link = str(json.loads(sale.body).get("receipt_link") or "")
            stored = link.rstrip("/").rsplit("/", 1)[-1] if "/r/" in link else ""
            if stored and hmac.compare_digest(stored, token):
                if sale.member_id:
                    return None, sale.member_id
                return _receipt(sale, shop), None
        return None, None


def _receipt(sale: SaleRow, shop: str) -> dict[str, Any]:
    body = json.loads(sale.body)
    return {"sale_id": sale.id, "receipt_no": sale.receipt_no, "kind": sale.kind, "shop": shop,
            "at": sale.client_at or sale.booked_at, "total_fen": sale.paid_fen,
            "lines": [{"name": ln.get("name", ""), "qty": ln.get("qty", 1),
                       "amount_fen": ln.get("amount_fen", 0)} for ln in body.get("lines", [])],
            "tenders": [{"kind": t.get("kind", ""), "amount_fen": t.get("amount_fen", 0)}
                        for t in body.get("tenders", [])],
            "change_fen": body.get("change_fen", 0),
            "member": bool(sale.member_id)}
