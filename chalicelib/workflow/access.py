"""Who may see a case: its owner, staff of its office (or of the committee its type lets in
for now), an admin. Anyone else gets 404, as if the case did not exist. Staff reads are
written to the audit trail. The owner of a case whose type requires the electronic ID card
(``Machine.requires_cnie``: the baccalaureate's) reaches it only signed in with it: 403
``cnie-required`` on every route that goes through here, and left out of ``/me/cases``."""

from __future__ import annotations

from chalicelib import clock
from chalicelib.identity import Principal
from chalicelib.refusals import Refusal
from chalicelib.store import audit, outbox
from chalicelib.workflow import lifecycle, registry
from chalicelib.workflow.case import Case
from chalicelib.workflow.engine import Actor


def actor_of(principal: Principal) -> Actor:
    return Actor(principal.subject, principal.roles, principal.office)


def may_see(principal: Principal, case: Case) -> bool:
    if principal.is_citizen:
        return principal.subject == case.owner
    if "admin" in principal.roles:
        return True
    return (_serves(principal, case) and principal.office == case.office) or _guest(principal, case)


def cnie_withheld(principal: Principal, case: Case) -> bool:
    """A citizen signed in without the CNIe asks for a case whose type requires it."""
    if not principal.is_citizen or principal.signed_in_with_cnie:
        return False
    try:
        return registry.machine_for(case.case_type).requires_cnie
    except KeyError:
        return False


def _serves(principal: Principal, case: Case) -> bool:
    """The staff role works this case type: an office code that two kinds of office share
    (a school and a consulate, say) opens nothing across roles."""
    try:
        machine = registry.machine_for(case.case_type)
    except KeyError:
        return False
    return bool(principal.roles & machine.staff_roles)


def _guest(principal: Principal, case: Case) -> bool:
    """Staff of another office whom the case's type lets in for now (its committee)."""
    try:
        guests = registry.machine_for(case.case_type).guests_of(case)
    except KeyError:
        return False
    return any((role, principal.office) in guests for role in principal.roles)


def visible_case(
    principal: Principal, case_id: str, purpose: str, correlation_id: str, *, read: bool = True
) -> Case:
    """The case if ``principal`` may see it, else a 404 problem. A staff read is audited;
    ``read=False`` when the caller acts on the case, whose transition is audited instead."""
    return checked(principal, lifecycle.find(case_id), purpose, correlation_id, read=read)


def checked(
    principal: Principal,
    case: Case | None,
    purpose: str,
    correlation_id: str,
    *,
    read: bool = True,
) -> Case:
    """``case`` if ``principal`` may see it (a staff read is audited), else a 404 problem."""
    if case is None or not may_see(principal, case):
        raise Refusal("not-found")
    if cnie_withheld(principal, case):
        # Only the owner gets here (anyone else had the 404): telling them how to reach
        # their own case leaks nothing.
        raise Refusal(
            "cnie-required",
            "This case is reached only when signed in with your electronic national ID "
            "card (CNIe).",
        )
    if read and not principal.is_citizen:
        role = sorted(principal.roles)[0]
        seq = _recorded(case.id, principal, role, "read", purpose, correlation_id)
        if principal.office != case.office and not _guest(principal, case):
            _tell_owner_of_outside_read(case, role, principal.office, purpose, seq)
    return case


def listed(principal: Principal, purpose: str, case_ids: list[str], correlation_id: str) -> None:
    """A staff list of citizens' files is a read too: one record per page served, naming
    every case it showed, before the page leaves. It goes to the reader's own chain of the
    day, so readers never wait on each other and no chain outgrows its six-digit places;
    the daily digest and the verifier take it like any other chain."""
    if principal.is_citizen or not case_ids:
        return
    day = clock.now().date().isoformat()
    subject = f"lists:{principal.office or '-'}:{principal.subject}:{day}"
    reason = f"{purpose}; {len(case_ids)} cases: {' '.join(case_ids)}"
    _recorded(subject, principal, sorted(principal.roles)[0], "list", reason, correlation_id)


def _recorded(
    subject: str, principal: Principal, role: str, action: str, why: str, correlation_id: str
) -> int:
    """The place of the new record in the subject's read chain."""
    try:
        record = audit.append(
            subject, principal.subject, role, principal.office, action, why, correlation_id
        )
    except audit.ChainBusy as busy:
        raise Refusal(
            "unavailable",
            "Too many reads of this file at once; retry shortly.",
            retry_after=1,
        ) from busy
    return int(record.seq or 0)


def _tell_owner_of_outside_read(
    case: Case, role: str, office: str, purpose: str, read_seq: int
) -> None:
    """The applicant hears of any read from outside the case's office (an admin, an
    auditor), by role and office, never by name. One notice per audited read: it is keyed
    by the read's place in the case's chain, never by the caller's correlation id (a reader
    who sent the same X-Correlation-Id twice would have silenced every read after the first)."""
    if not case.contact.email:
        return
    now = clock.now()
    reader = f"{role} ({office})" if office else role
    outbox.enqueue(
        case.id,
        case.reference,
        f"read-{read_seq:06d}",
        "email",
        "file_read_by_outsider",
        case.contact.email,
        case.contact.language,
        {
            "reference": case.reference,
            "reader": reader,
            "reason": purpose,
            "read_at": now.isoformat(),
            "name": case.contact.name,
        },
        now,
    )
