"""The equivalence order as an SD-JWT VC (decision 49): a granted or conditional order, in
force (neither revoked nor replaced), issued to whoever may read the file's decision. Each
order has one status bit, recorded the first time a credential of it is issued; the
transition that revokes or replaces the order sets that bit in its own transaction
(``superseded``). The holder shares the order (decision 54), lists the shares, and gives the
order a verification code of its own, which a new one replaces (decision 55): the order then
moves to a new bit, so everything given before ends.

The order's record, shares and codes are the ``OrderCredentials`` port's (``ports.py``), its
bits the credentials' ``StatusBits``: DynamoDB's, or a unit test's in memory (decision 77)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.credentials import issuance, types
from chalicelib.credentials import ports as credential_ports
from chalicelib.credentials.orders import OrderCode, OrderShare
from chalicelib.credentials.sdjwt import Verified
from chalicelib.credentials.statuslist import Reference
from chalicelib.refusals import LostRace, Refusal
from chalicelib.services.equivalence import ports
from chalicelib.workflow.case import Case

if TYPE_CHECKING:
    from chalicelib.store.cases import Also


def in_force(decision: Mapping[str, Any] | None) -> bool:
    """An order a credential may state: granted or conditional, published, not revoked or
    replaced since."""
    return (
        decision is not None
        and decision.get("outcome") in types.GRANTED_OUTCOMES
        and bool(decision.get("bo"))
        and not decision.get("revoked_from")
        and not decision.get("replaced_by")
    )


def order_bit(case: Case, decision: Mapping[str, Any]) -> Reference:
    """The order's status bit: the one recorded, or a new one recorded now (once)."""

    number = int(decision["number"])
    records = ports.order_credentials()
    found = records.order_reference(case.id, number)
    if found is not None:
        return found
    return records.record_order_reference(case.id, number, issuance.allocate(), clock.now())


def sd_jwt_vc(
    case: Case, decision: Mapping[str, Any], holder_jwk: Any = None, bit: Reference | None = None
) -> str:
    """The order as an SD-JWT VC with every disclosure (with ``bit``: under that bit, one
    being given to the order by a new code, decision 55)."""
    from chalicelib.services.equivalence import domain
    from chalicelib.workflow.lifecycle import find

    if not in_force(decision):
        raise Refusal(
            "conflict",
            "Only an equivalence order granted or conditional, and in force, is issued as a "
            "credential.",
        )
    bit = bit or order_bit(case, decision)
    # The file may have moved on between its read and the bit's record: a revocation that
    # committed meanwhile did not know the bit, so it is set here.
    again = find(case.id)
    current = domain.current_decision(again.payload) if again else None
    if current is None or current.get("number") != decision["number"] or not in_force(current):
        credential_ports.status_bits().set_invalid(bit)
        raise Refusal("conflict", "The decision just changed; ask again.")
    clear, disclosable = types.equivalence_claims(
        case.reference,
        case.case_type,
        case.contact.name,
        case.payload.get("diploma") or {},
        decision,
    )
    return issuance.issue(types.EQUIVALENCE, clear, disclosable, bit, clock.now(), holder_jwk)


def held(citizen: Any, case: Case, decision: Mapping[str, Any]) -> str:
    """The order as its holder's credential: an officer who reads the file reads its copy,
    the credential is the holder's to hold."""
    if case.owner != citizen.subject:
        raise Refusal("forbidden", "The credential is issued to the file's holder only.")
    return sd_jwt_vc(case, decision)


def superseded(case: Case, decisions_after: list[Mapping[str, Any]]) -> list[Also]:
    """The writes that go with a transition setting ``decisions``: the bit of each order it
    revokes or replaces, set (or, if none was issued, a check that none is meanwhile). The
    store is the ``Orders`` port's: DynamoDB's, or a unit test's in memory."""
    before = {int(d["number"]): d for d in case.payload.get("decisions") or []}
    writes = []
    for after in decisions_after:
        number = int(after.get("number", 0))
        earlier = before.get(number)
        if earlier is not None and in_force(earlier) and not in_force(after):
            writes.append(ports.orders().order_superseded(case.id, number))
    return writes


# ---------------------------------------------------------------- shares (decision 54)

SHARE_PREFIX = "O"  # an order share's code; its id is a digest of it
MAX_SHARE_DAYS = 90


def share_id(code: str) -> str:
    import hashlib

    return hashlib.sha256(code.encode()).hexdigest()[:32]


def create_share(
    citizen: Any, case_id: str, recipient: str, days: int, claims: list[str] | None, cid: str
) -> tuple[str, Any]:
    """A share of the file's order in force showing ``claims`` only (all when None): its
    code, and the stored share. The holder only (staff read files, they do not share them)."""
    import secrets
    from datetime import timedelta

    from chalicelib.credentials import sdjwt
    from chalicelib.refusals import FieldError
    from chalicelib.services.equivalence import domain

    case = holders_file(citizen, case_id, "POST decision share", cid, read=False)
    chosen = sorted(set(claims if claims is not None else types.EQUIVALENCE.disclosable))
    if not chosen or any(c not in types.EQUIVALENCE.disclosable for c in chosen):
        why = f"one or more of {', '.join(types.EQUIVALENCE.disclosable)}"
        raise Refusal("validation-failed", errors=[FieldError("body.claims", why)])
    if not 1 <= days <= MAX_SHARE_DAYS:
        why = f"A share lasts from 1 to {MAX_SHARE_DAYS} days."
        raise Refusal("validation-failed", errors=[FieldError("body.days", why)])
    decision = domain.current_decision(case.payload)
    presentation = sdjwt.present(sd_jwt_vc(case, decision or {}), chosen)
    code = SHARE_PREFIX + secrets.token_urlsafe(24)
    at = clock.now()
    share = OrderShare(
        share_id(code), citizen.subject, case.id, recipient, presentation, at,
        at + timedelta(days=days), None,
    )  # fmt: skip
    ports.order_credentials().save_order_share(share)
    return code, share


def holders_file(citizen: Any, case_id: str, purpose: str, cid: str, read: bool) -> Case:
    """The file, if it is the caller's (an officer who may read it, or anyone else: 404)."""
    from chalicelib.services.equivalence import service
    from chalicelib.workflow import access

    case = access.visible_case(citizen, case_id, purpose, cid, read=read)
    service.machine_of(case)
    if case.owner != citizen.subject:
        raise Refusal("not-found")
    return case


def share_status(share: OrderShare, at: Any) -> str:
    """valid, expired or revoked (by its holder, or the order's bit: read when verified)."""
    if share.revoked_at is not None:
        return "revoked"
    return "expired" if at >= share.expires_at else "valid"


def shares(citizen: Any, case_id: str, cid: str) -> list[tuple[OrderShare, str]]:
    """The file's order shares with their status as their holder sees it, newest first: a
    share whose order's bit was set since (a new code, a revocation) says revoked."""
    case = holders_file(citizen, case_id, "GET decision shares", cid, read=True)
    at = clock.now()
    of_file = ports.order_credentials().order_shares_of(case.id)
    found = [s for s in of_file if s.owner == citizen.subject]
    bits: dict[Reference | None, bool] = {}
    listed = []
    for share in found:
        status = share_status(share, at)
        if status == "valid":
            bit = shown(share.presentation)[0]
            if bit not in bits:
                bits[bit] = bit is None or issuance.is_invalid(bit)
            status = "revoked" if bits[bit] else status
        listed.append((share, status))
    return listed


def shown(presentation: str) -> tuple[Reference | None, list[str]]:
    """The status bit a share's presentation carries and the claims it discloses (none
    readable: no bit, no claims)."""
    import json

    from chalicelib.credentials import jose, sdjwt

    try:
        parsed = sdjwt.parse(presentation)
        payload = json.loads(jose.unb64(parsed.jwt.split(".")[1]))
        names = sorted(sdjwt.decode_disclosure(d).name for d in parsed.disclosures)
    except ValueError:
        return None, []
    bit = issuance.reference_of(payload) if isinstance(payload, dict) else None
    return bit, names


def rotate_code(citizen: Any, case_id: str, cid: str) -> tuple[str, OrderCode]:
    """A new verification code for the file's order in force (decision 55), as the bac
    certificate's (decision 52): the order is issued again under a new status bit, in one
    transaction with the old bit set and the old code marked replaced, so the old code
    answers ``replaced``, every share made before and every credential held before (a
    wallet's too) answer revoked. The code itself (128 random bits) is answered once; only
    its digest is stored."""
    import secrets

    from chalicelib.services.equivalence import domain
    from chalicelib.workflow.lifecycle import find

    case = holders_file(citizen, case_id, "POST decision code", cid, read=False)
    decision = domain.current_decision(case.payload) or {}
    if not in_force(decision):
        raise Refusal(
            "conflict",
            "Only an equivalence order granted or conditional, and in force, has a code.",
        )
    number = int(decision["number"])
    records = ports.order_credentials()
    old = records.order_reference(case.id, number)
    new = issuance.allocate()
    at = clock.now()
    code = secrets.token_hex(16)
    made = OrderCode(code_id(code), case.id, number, sd_jwt_vc(case, decision, bit=new), at)
    try:
        records.order_code_rotated(old, new, made)
    except LostRace as error:
        raise Refusal("conflict", "The order's code just changed; ask again.") from error
    # A revocation committed meanwhile set the old bit, not this one: set here.
    again = find(case.id)
    current = domain.current_decision(again.payload) if again else None
    if current is None or current.get("number") != number or not in_force(current):
        credential_ports.status_bits().set_invalid(new)
    return code, made


def code_id(code: str) -> str:
    import hashlib

    return hashlib.sha256(("order-code:" + code).encode()).hexdigest()[:32]


def is_order_code(code: str) -> bool:
    return len(code) == 32 and all(c in "0123456789abcdef" for c in code)


def revoke_share(citizen: Any, share: str) -> None:
    """The holder's share revoked (anyone else's, or none: 404)."""
    if len(share) != 32:
        raise Refusal("not-found")
    if not ports.order_credentials().revoke_order_share(share, citizen.subject, clock.now()):
        raise Refusal("not-found")


def verify_share(code: str) -> tuple[str, Verified | None]:
    """(valid | expired | revoked | replaced | unknown, what its presentation proves when
    valid): a share's or the order's own code (decision 55); the presentation checked as any
    verifier would, status bit included. A code a new one replaced says so, and never which
    (the new code opens the order). A valid share's verification is counted."""

    at = clock.now()
    records = ports.order_credentials()
    if is_order_code(code):
        own = records.load_order_code(code_id(code))
        if own is None:
            return "unknown", None
        if own.replaced_at is not None:
            return "replaced", None
        return _checked(own.presentation, at)
    found = records.load_order_share(share_id(code)) if code.startswith(SHARE_PREFIX) else None
    if found is None:
        return "unknown", None
    status = share_status(found, at)
    if status != "valid":
        return status, None
    status, proved = _checked(found.presentation, at)
    if proved is not None:
        records.count_order_verification(found.share_id, at)
    return status, proved


def presented(code: str) -> str | None:
    """What a code presents, as stored: the order's own code (decision 55) every claim, a
    share the claims it names."""
    records = ports.order_credentials()
    if is_order_code(code):
        own = records.load_order_code(code_id(code))
        return own.presentation if own else None
    found = records.load_order_share(share_id(code))
    return found.presentation if found else None


def _checked(presentation: str, at: Any) -> tuple[str, Verified | None]:
    try:
        proved, bit = issuance.verify(presentation, int(at.timestamp()))
    except ValueError:
        return "revoked", None
    return ("valid", proved) if bit == "valid" else ("revoked", None)
