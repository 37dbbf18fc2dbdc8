"""The digital certificate: issued to an admitted candidate on first request, as a compact
JWS (RFC 7515) signed ES256 by the KMS signing key (anyone checks it offline with the key
published at /.well-known/jwks.json); shared by unguessable codes, each revocable; and
verified by anyone who has a certificate's or a share's code."""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from dataclasses import replace
from datetime import datetime

from chalicelib import clock
from chalicelib.credentials.statuslist import Reference
from chalicelib.identity import Principal
from chalicelib.refusals import FieldError, LostRace, Refusal
from chalicelib.services.bac import domain, ports
from chalicelib.services.bac import problems as _problems  # noqa: F401  (registers slugs)
from chalicelib.services.bac.domain import Candidate
from chalicelib.services.bac.domain import certificate as rules
from chalicelib.store.bac.certificates import Certificate, Share

SHARE_PREFIX = "S"  # a share code; a certificate's own code is its id (32 hex digits)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def compact_jws(claims: dict[str, object]) -> str:
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    signer = ports.signer()
    header = {"alg": "ES256", "typ": "JWT", "kid": signer.key_id()}
    signing_input = f"{_b64(_json(header))}.{_b64(_json(claims))}"
    # KMS gives DER; JWS wants r and s, 32 bytes each (RFC 7518, section 3.4).
    r, s = decode_dss_signature(signer.sign(signing_input.encode()))
    return f"{signing_input}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def issue(candidate: Candidate, now: datetime) -> Certificate:
    """A new signed certificate (not yet stored). Its id is 128 random bits: it is also
    the code of the verification link printed on the PDF. The same certificate is issued as
    an SD-JWT VC with a fresh status-list bit (decision 48); the id is not in it, so no
    presentation reveals the code."""
    certificate_id = uuid.uuid4().hex
    claims = rules.certificate_claims(candidate, certificate_id, now)
    bit, sd_jwt = sd_jwt_vc(candidate, now)
    jws = compact_jws(claims)
    return Certificate(certificate_id, jws, claims, "valid", now, None, "", sd_jwt, bit)


def sd_jwt_vc(candidate: Candidate, now: datetime) -> tuple[Reference, str]:
    """The certificate as an SD-JWT VC, with its status bit (allocated here)."""
    from chalicelib.credentials import types

    clear, disclosable = types.bac_claims(candidate, domain.result_for(candidate))
    issuance = ports.credentials()
    bit = issuance.allocate()
    return bit, issuance.issue(types.BAC, clear, disclosable, bit, now)


def credential(citizen: Principal, year: int | None = None) -> str:
    """The caller's certificate as an SD-JWT VC with every disclosure (the holder chooses
    which to present). A certificate issued before credentials existed gets one, once."""
    candidate, current = certificate(citizen, year)
    if current.sd_jwt:
        return current.sd_jwt
    bit, sd_jwt = sd_jwt_vc(candidate, clock.now())
    if ports.certificates().attach_credential(current.certificate_id, sd_jwt, bit):
        return sd_jwt
    found = ports.certificates().load_certificate(current.certificate_id)
    if found is None or not found.sd_jwt:
        raise Refusal("conflict", "Your certificate just changed; ask again.")
    return found.sd_jwt


def bit_says_invalid(found: Certificate) -> bool:
    """What the certificate's status-list bit says: the same bit any verifier reads."""
    return found.status_bit is not None and ports.credentials().is_invalid(found.status_bit)


def new_share_code() -> str:
    """192 random bits: a link nobody finds by trying."""
    return SHARE_PREFIX + secrets.token_urlsafe(24)


def share_id(code: str) -> str:
    """The share's id: a digest of its code, so the id (in the owner's list and DELETE URLs)
    never reveals the code."""
    import hashlib

    return hashlib.sha256(code.encode()).hexdigest()[:32]


def is_certificate_code(code: str) -> bool:
    return len(code) == 32 and all(c in "0123456789abcdef" for c in code)


def is_share_code(code: str) -> bool:
    return code.startswith(SHARE_PREFIX) and 20 <= len(code) <= 64


# ------------------------------------------------------------------ use cases


def certificate(citizen: Principal, year: int | None = None) -> tuple[Candidate, Certificate]:
    """The caller's certificate of session ``year``, issued on first request (signed by KMS).
    Without a year: the newest session that gives one (a holder sitting again keeps the
    certificate they hold while the new session's results are not out, or not a pass)."""
    if year is not None:
        return _certificate_of(ports.candidates().candidate_of_cnie(citizen.cnie, year))
    sessions = ports.candidates().candidates_of_cnie(citizen.cnie)
    if sessions and _refusal(sessions[0])[0]:
        older = next((c for c in sessions[1:] if not _refusal(c)[0]), None)
        if older is not None:
            return _certificate_of(older)
    return _certificate_of(sessions[0] if sessions else None)


def _refusal(candidate: Candidate | None) -> tuple[str, str]:
    visible = False
    if candidate is not None and candidate.cnie:
        session = ports.sessions().load_session(candidate.year, candidate.academy)
        visible = session is not None and domain.published(session.visible_from, clock.now())
    return rules.certificate_refusal(candidate, visible)


def _certificate_of(candidate: Candidate | None) -> tuple[Candidate, Certificate]:
    slug, why_not = _refusal(candidate)
    if slug:
        raise Refusal(slug, why_not)
    assert candidate is not None
    if candidate.certificate_id:
        found = ports.certificates().load_certificate(candidate.certificate_id)
        if found is not None and found.status == "valid":
            return candidate, found
    issued = issue(candidate, clock.now())
    try:
        ports.writes().run(ports.certificates().certificate_issued(candidate, issued, clock.now()))
    except LostRace as error:
        raise Refusal("conflict", "Your certificate was just issued; ask again.") from error
    return replace(candidate, certificate_id=issued.certificate_id), issued


def create_share(
    citizen: Principal,
    recipient: str,
    days: int,
    year: int | None = None,
    claims: list[str] | None = None,
) -> Share:
    """A share of the certificate that shows ``claims`` only (all when None): its SD-JWT
    presentation holds those disclosures and no others, and never the certificate's code."""
    from chalicelib.credentials import sdjwt, types

    _, current = certificate(citizen, year)
    why_not = rules.share_refusal(days)
    if why_not:
        raise Refusal("validation-failed", errors=[FieldError("body.days", why_not)])
    chosen = sorted(set(claims if claims is not None else types.BAC.disclosable))
    unknown = [c for c in chosen if c not in types.BAC.disclosable]
    if unknown or not chosen:
        why = f"one or more of {', '.join(types.BAC.disclosable)}"
        raise Refusal("validation-failed", errors=[FieldError("body.claims", why)])
    held = current.sd_jwt or credential(citizen, year)
    presentation = sdjwt.present(held, chosen)
    code = new_share_code()
    at = clock.now()
    share = Share(
        share_id(code),
        code,
        citizen.subject,
        current.certificate_id,
        recipient,
        at,
        rules.share_expiry(at, days),
        None,
        0,
        [],
        chosen,
        presentation,
    )
    ports.certificates().save_share(share)
    return share


def rotate_code(citizen: Principal, year: int | None = None) -> Certificate:
    """A new verification code for the certificate (decision 52): the same statements issued
    again under a new id, the old one replaced in the same transaction (its code answers
    ``replaced``, its shares ``revoked``, its SD-JWT VC's status bit set). Every access given
    before ends; the holder shares the new one as they choose."""
    candidate, current = certificate(citizen, year)
    at = clock.now()
    new = issue(candidate, at)
    pointed = replace(candidate, certificate_id=current.certificate_id)
    try:
        ports.writes().run(ports.certificates().certificate_issued(pointed, new, at))
    except LostRace as error:
        raise Refusal("conflict", "Your certificate just changed; ask again.") from error
    return new


def shares(citizen: Principal) -> list[tuple[Share, str]]:
    """The caller's shares with their status, newest first."""
    at = clock.now()
    return [
        (s, rules.share_status(s.revoked_at is not None, s.expires_at, False, at))
        for s in ports.certificates().shares_of(citizen.subject)
    ]


def revoke_share(citizen: Principal, share_id: str) -> None:
    share = ports.certificates().load_share(share_id) if len(share_id) == 32 else None
    if share is None or share.owner != citizen.subject:
        raise Refusal("not-found")
    try:
        ports.certificates().revoke_share(share_id, citizen.subject, clock.now())
    except LostRace as error:
        raise Refusal("not-found") from error


def verify_code(code: str) -> tuple[str, Certificate | None, Share | None]:
    """What a verification link says: (valid | expired | revoked | replaced | unknown, the
    certificate when valid, the share when the code is one). A verified share counts the
    verification."""
    at = clock.now()
    if is_certificate_code(code):
        found = ports.certificates().load_certificate(code)
        if found is None:
            return "unknown", None, None
        if found.status == "valid" and not bit_says_invalid(found):
            return "valid", found, None
        # Issued again in its place (a correction of the data or of the marks): said so, and
        # never which certificate replaced it (its code opens it).
        return ("replaced" if found.replaced_by else "revoked"), None, None
    share = ports.certificates().load_share(share_id(code)) if is_share_code(code) else None
    if share is None or share.code != code:
        return "unknown", None, None
    found = ports.certificates().load_certificate(share.certificate_id)
    status = rules.share_status(
        share.revoked_at is not None,
        share.expires_at,
        found is None or found.status != "valid" or bit_says_invalid(found),
        at,
    )
    if status != "valid":
        return status, None, None
    ports.certificates().count_verification(share.share_id, at)
    return status, found, share
