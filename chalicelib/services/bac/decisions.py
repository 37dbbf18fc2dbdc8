"""The exam office's queue of its academy's cases, and its answers to them: a data
correction (accepted only once its supporting document is verified: the record changes, the
candidate confirms again), a grant application, and a complaint (an accepted one corrects
the marks, and any certificate issued before is revoked and, if still admitted, issued
again)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from chalicelib import clock
from chalicelib.identity import Principal
from chalicelib.refusals import FieldError, Refusal
from chalicelib.services.bac import certificates, domain, ports
from chalicelib.services.bac import problems as _problems  # noqa: F401  (registers slugs)
from chalicelib.services.bac.domain import Candidate, data_check, results_day
from chalicelib.services.bac.machines import COMPLAINT, CORRECTION, GRANT
from chalicelib.store import cases as case_store
from chalicelib.workflow import access, actions, registry
from chalicelib.workflow.case import Case
from chalicelib.workflow.machine import Machine


def queue(
    officer: Principal,
    case_type: str,
    state: str,
    limit: int,
    start_after: dict[str, Any] | None,
    correlation_id: str,
) -> case_store.Page:
    """The officer's academy's cases of ``case_type`` in ``state``, oldest first: one Query;
    the page audited as a read before it leaves."""
    page = ports.queues().queue(case_type, officer.office, state, limit, start_after)
    purpose = f"GET /bac/queue type={case_type} state={state}"
    ports.reads().listed(officer, purpose, [c.id for c in page.cases], correlation_id)
    return page


def decide(
    officer: Principal,
    case_id: str,
    action: str,
    reason: str,
    corrections: dict[str, Decimal],
    correlation_id: str,
) -> Case:
    """An exam officer answers a correction, a grant or a complaint of their academy."""
    case = access.visible_case(officer, case_id, f"action {action}", correlation_id, read=False)
    machine = registry.machine_for(case.case_type)
    if machine not in (CORRECTION, GRANT, COMPLAINT):
        raise Refusal("not-found")
    if action == APPROVE[machine.case_type]:
        _required_documents_verified(machine, case)
    also: list[case_store.Also] = []
    payload: dict[str, Any] = {}
    if action in ("accept", "refuse") and machine in (CORRECTION, COMPLAINT):
        record = case.payload["candidate"]
        candidate = ports.candidates().load_candidate(
            int(record["year"]), case.office, str(record["candidate_number"])
        )
        if candidate is None:
            raise Refusal("conflict", "The candidate record is gone.")
        if machine is CORRECTION:
            fields = dict(case.payload["corrections"]) if action == "accept" else {}
            also, payload = _data_corrected(candidate, fields)
        elif action == "accept":
            also, payload = _corrected(candidate, corrections)
    return actions.perform(
        machine, officer, case.id, action, payload, reason, correlation_id, also=also
    )


def answered(
    candidate: Principal, case_id: str, action: str, note: str, correlation_id: str
) -> Case:
    """The candidate says the document the office asked for is attached."""
    case = access.visible_case(candidate, case_id, f"action {action}", correlation_id, read=False)
    machine = registry.machine_for(case.case_type)
    if machine not in (CORRECTION, GRANT, COMPLAINT):
        raise Refusal("not-found")
    payload = {"note": note} if note else {}
    return actions.perform(machine, candidate, case.id, action, payload, "", correlation_id)


# The action that decides in the candidate's favour, by case type: it needs every document
# its type requires, verified (the machine's guard says so too; here it is said precisely).
APPROVE = {CORRECTION.case_type: "accept", GRANT.case_type: "grant", COMPLAINT.case_type: "accept"}


def _required_documents_verified(machine: Machine, case: Case) -> None:
    """A correction is accepted, a grant granted, on evidence: every document the case type
    requires has arrived and passed the checks. The problem names each one missing and
    where it stands (missing, awaiting_upload, rejected)."""
    from chalicelib.documents.checklist import checklist

    missing = [
        {"kind": item.kind, "status": item.status}
        for item in checklist(machine, case, clock.now())
        if item.required and item.status != "verified"
    ]
    if not missing:
        return
    if machine is CORRECTION:
        why_not = data_check.correction_acceptance_refusal(missing[0]["status"])
    else:
        kinds = ", ".join(f"{m['kind']} ({m['status']})" for m in missing)
        why_not = f"Decided on its documents: not yet verified: {kinds}."
    raise Refusal(
        "bac-document-not-verified",
        why_not,
        extra={"missing_step": "document_verification", "missing_documents": missing},
    )


def _data_corrected(
    candidate: Candidate, fields: dict[str, str]
) -> tuple[list[case_store.Also], dict[str, Any]]:
    """An answered correction's writes: accepted ``fields`` join the record; a certificate
    issued before states the old data, so it is replaced by one issued on the corrected
    record (the old one verifies as ``replaced``, its shares as revoked)."""
    if not fields or not candidate.certificate_id:
        return [ports.candidates().correction_answered(candidate, fields)], {}
    certificate_store = ports.certificates()
    held = certificate_store.load_certificate(candidate.certificate_id)
    if held is None or held.status != "valid":
        return [ports.candidates().correction_answered(candidate, fields)], {}
    at = clock.now()
    new = certificates.issue(data_check.with_corrections(candidate, fields), at)
    writes = [
        ports.candidates().correction_answered(candidate, fields, new.certificate_id),
        certificate_store.put_certificate(new),
        certificate_store.revoke_certificate(candidate.certificate_id, new, at),
    ]
    return writes, {"certificate_reissued": True}


def _corrected(
    candidate: Candidate, corrections: dict[str, Decimal]
) -> tuple[list[case_store.Also], dict[str, Any]]:
    """An accepted complaint's writes: marks and result corrected; a certificate issued
    before is revoked and, if the candidate is still admitted, a new one issued."""
    if not corrections:
        raise Refusal(
            "validation-failed", errors=[FieldError("body.corrections", "give the corrected marks")]
        )
    marks, why_not = results_day.corrected_marks(candidate.stream, candidate.marks, corrections)
    if why_not:
        raise Refusal(
            "validation-failed", why_not, errors=[FieldError("body.corrections", why_not)]
        )
    session = ports.sessions().load_session(candidate.year, candidate.academy)
    if session is None:
        raise Refusal("conflict", "The session is gone.")
    after = replace(candidate, marks=marks)
    at = clock.now()
    new = None
    if candidate.certificate_id and domain.result_for(after).outcome == "admitted":
        new = certificates.issue(after, at)
    payload = {
        "corrections": {k: str(v) for k, v in corrections.items()},
        "certificate_reissued": bool(new),
    }
    return ports.sessions().marks_corrected(candidate, marks, session, new, at), payload
