"""Who may see a case: its owner, staff of its office, an admin. Anyone else gets 404, as
if the case did not exist. Staff reads are written to the audit trail."""

from __future__ import annotations

from chalicelib.api.principal import Principal
from chalicelib.api.problems import Problem
from chalicelib.store import audit
from chalicelib.workflow import service
from chalicelib.workflow.case import Case
from chalicelib.workflow.engine import Actor


def actor_of(principal: Principal) -> Actor:
    return Actor(principal.subject, principal.roles, principal.office)


def may_see(principal: Principal, case: Case) -> bool:
    if principal.is_citizen:
        return principal.subject == case.owner
    return "admin" in principal.roles or principal.office == case.office


def visible_case(
    principal: Principal, case_id: str, purpose: str, correlation_id: str, *, read: bool = True
) -> Case:
    """The case if ``principal`` may see it, else a 404 problem. A staff read is audited;
    ``read=False`` when the caller acts on the case, whose transition is audited instead."""
    return checked(principal, service.find(case_id), purpose, correlation_id, read=read)


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
        raise Problem("not-found")
    if read and not principal.is_citizen:
        audit.append(
            case.id,
            principal.subject,
            sorted(principal.roles)[0],
            principal.office,
            "read",
            purpose,
            correlation_id,
        )
    return case
