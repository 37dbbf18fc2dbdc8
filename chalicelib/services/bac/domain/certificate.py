"""The digital certificate: who may have one, what it states (the signed claims), and how
long a share of it lives and what a verification of a share says."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.services.bac.domain import Candidate, result_for

MAX_SHARE_DAYS = 90


def certificate_refusal(candidate: Candidate | None, visible: bool) -> tuple[str, str]:
    """(problem slug, why) when no certificate may be issued, or ("", "")."""
    if candidate is None or not candidate.cnie:
        return (
            "bac-cnie-not-on-file",
            "No baccalaureate record carries your CNIe number, and the certificate carries "
            "it: ask the exam office of your academy to add it to your candidate record.",
        )
    if not visible or not candidate.has_results:
        return "bac-results-not-published", "The results of your session are not published yet."
    if result_for(candidate).outcome != "admitted":
        return "bac-not-admitted", "A certificate is issued to admitted candidates only."
    return "", ""


def certificate_claims(
    candidate: Candidate, certificate_id: str, issued_at: datetime
) -> dict[str, object]:
    """What the signed certificate states (the JWS payload). Decimals are written as strings
    so that no verifier's float rounding changes an average."""
    result = result_for(candidate)
    return {
        "iss": "urn:khidmat:men:baccalaureate",
        "jti": certificate_id,
        "iat": int(issued_at.timestamp()),
        "type": "baccalaureate-certificate",
        "session": candidate.year,
        "candidate_number": candidate.candidate_number,
        "cnie": candidate.cnie,
        "names": {
            "ar": f"{candidate.first_name_ar} {candidate.last_name_ar}",
            "fr": f"{candidate.first_name_fr} {candidate.last_name_fr}",
        },
        "birth_date": candidate.birth_date.isoformat(),
        "birth_place": {"ar": candidate.birth_place_ar, "fr": candidate.birth_place_fr},
        "stream": candidate.stream,
        "academy": candidate.academy,
        "average": str(result.average),
        "mention": result.mention,
    }


def share_refusal(days: int) -> str:
    if not 1 <= days <= MAX_SHARE_DAYS:
        return f"A share lasts from 1 to {MAX_SHARE_DAYS} days."
    return ""


def share_status(
    revoked: bool, expires_at: datetime, certificate_revoked: bool, now: datetime
) -> str:
    """valid, expired or revoked (a share of a replaced certificate is revoked too)."""
    if revoked or certificate_revoked:
        return "revoked"
    if now >= expires_at:
        return "expired"
    return "valid"


def share_expiry(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)
