"""The eTimbre stamp that pays for a request, attached or replaced before the visit
(decision 38): a stamp named at creation may turn out wrong or unusable (refunded, spent on
another appointment, for another service); the citizen attaches another, checked exactly as
at creation, and the check-in spends the one attached."""

from __future__ import annotations

from chalicelib.identity import Principal
from chalicelib.refusals import Refusal
from chalicelib.services.consular.request_cases import (
    parts,
    stamp_or_422,
    visible_request,
    wrong_state,
)
from chalicelib.workflow import access, lifecycle
from chalicelib.workflow.case import Case

# Until the visit: once checked in (the stamp spent), or closed, the request keeps its own.
BEFORE_THE_VISIT = ("submitted", "documents_requested", "validated", "waiting", "offered", "booked")


def attach_stamp(principal: Principal, case_id: str, number: str, correlation_id: str) -> Case:
    case = visible_request(principal, case_id, "stamp", correlation_id)
    if principal.subject != case.owner:
        raise Refusal("forbidden", "Only the applicant attaches a stamp to their request.")
    consulate, svc, _ = parts(case)
    if case.state not in BEFORE_THE_VISIT:
        raise wrong_state(case, "paid with another stamp")
    stamp_or_422(number, case.owner, svc.code, consulate.code)
    before = str(case.payload.get("stamp") or "")
    if before == number:
        return case
    data = {"stamp": number, **({"replaced": before} if before else {})}
    return lifecycle.record(
        case, "stamp_attached", access.actor_of(principal), data, changes={"stamp": number}
    )
