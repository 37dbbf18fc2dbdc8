"""The candidate's use cases, each found by the CNIe number in the token: the record held,
the personal-data check (confirm, or ask for corrections: a case for the academy), the
convocation, a grant application, the results and a complaint. Beside them: the exam
office's session jobs (``jobs``) and decisions (``decisions``), and the certificate
(``certificates``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib import clock
from chalicelib.identity import Principal
from chalicelib.refusals import FieldError, LostRace, Refusal
from chalicelib.services.bac import domain, ports
from chalicelib.services.bac import problems as _problems  # noqa: F401  (registers slugs)
from chalicelib.services.bac.domain import Candidate, data_check, results_day
from chalicelib.services.bac.machines import COMPLAINT, CORRECTION, GRANT
from chalicelib.store import cases as case_store
from chalicelib.store.bac.sessions import Session, StoredResult
from chalicelib.workflow import access, lifecycle
from chalicelib.workflow.case import Case
from chalicelib.workflow.machine import Machine

# ------------------------------------------------------------------ the candidate


def me(citizen: Principal, year: int | None = None) -> Candidate:
    """The caller's candidate record of session ``year`` (the newest without one), found by
    the CNIe number in the token: one Query."""
    candidate = ports.candidates().candidate_of_cnie(citizen.cnie, year)
    if candidate is None:
        session = f" for session {year}" if year is not None else ""
        raise Refusal(
            "bac-not-a-candidate",
            f"No candidate list of your academy carries your CNIe number{session}; your "
            "school or the exam office of your academy can check it.",
        )
    return candidate


@dataclass(frozen=True)
class Verification:
    data_status: str
    case: Case | None = None
    upload: Any = None  # (Document, PresignedPost) of the supporting document


def verify(citizen: Principal, action: str, fields: dict[str, str], document: Any) -> Verification:
    candidate = me(citizen)
    if action == "confirm":
        try:
            ports.candidates().confirm_data(candidate)
        except LostRace as error:
            raise Refusal("conflict", data_check.correction_refusal(candidate, {})) from error
        return Verification(domain.DataStatus.CONFIRMED)
    if candidate.data_status == domain.DataStatus.CORRECTION_REQUESTED:
        raise Refusal("conflict", data_check.correction_refusal(candidate, fields))
    why_not = data_check.correction_refusal(candidate, fields)
    if why_not:
        raise Refusal(
            "validation-failed", why_not, errors=[FieldError("body.corrections", why_not)]
        )
    if document is None:
        required = FieldError("body.document", "a correction needs a supporting document")
        raise Refusal("validation-failed", errors=[required])
    payload = {"corrections": fields, "current": {k: _field(candidate, k) for k in fields}}
    try:
        case = _open(
            CORRECTION,
            citizen,
            candidate,
            payload,
            [ports.candidates().correction_opened(candidate)],
        )
    except LostRace as error:
        raise Refusal("conflict", "A correction is already being examined.") from error
    upload = ports.uploads().attach(
        CORRECTION,
        case,
        access.actor_of(citizen),
        "supporting_document",
        document.content_type,
        document.size,
        document.file_name,
    )
    return Verification(domain.DataStatus.CORRECTION_REQUESTED, lifecycle.load(case.id), upload)


def _field(candidate: Candidate, name: str) -> str:
    value = getattr(candidate, name)
    return value.isoformat() if name == "birth_date" else str(value)


def convocation(citizen: Principal) -> tuple[Candidate, Session | None]:
    candidate = me(citizen)
    why_not = data_check.convocation_refusal(candidate)
    if why_not:
        raise Refusal("bac-data-not-confirmed", why_not, extra={"missing_step": "data_check"})
    return candidate, ports.sessions().load_session(candidate.year, candidate.academy)


def apply_for_grant(citizen: Principal, application: dict[str, Any]) -> Case:
    candidate = me(citizen)
    guard = ports.writes().guard(f"grant#{candidate.year}#{candidate.cnie}")
    try:
        return _open(GRANT, citizen, candidate, application, [guard])
    except LostRace as error:
        raise Refusal("conflict", "You have already applied for a grant this session.") from error


def results(citizen: Principal, year: int | None = None) -> tuple[StoredResult, bool]:
    """(the result of session ``year``, the newest without one; whether it may be shown):
    one GetItem (one Query for the newest) keyed by the token's CNIe."""
    result = ports.sessions().result_of_cnie(citizen.cnie, year)
    if result is None:
        session = f" for session {year}" if year is not None else ""
        raise Refusal("bac-not-a-candidate", f"No results are held for your CNIe number{session}.")
    return result, bool(result.marks) and domain.published(result.visible_from, clock.now())


def complain(
    citizen: Principal, subject: str, error: str, description: str, year: int | None = None
) -> Case:
    """A complaint about the marks of session ``year`` (the newest without one), in that
    session's window."""
    candidate = me(citizen, year)
    session = ports.sessions().load_session(candidate.year, candidate.academy)
    why_not = results_day.complaint_refusal(
        session.visible_from if session else None,
        session.complaint_until if session else None,
        clock.now(),
    )
    if why_not:
        raise Refusal("bac-complaints-closed", why_not)
    if subject not in domain.STREAMS[candidate.stream]:
        raise Refusal(
            "bac-subject-not-in-stream",
            errors=[
                FieldError("body.subject", f"one of {', '.join(domain.STREAMS[candidate.stream])}")
            ],
        )
    payload = {"subject": subject, "error": error, "description": description}
    return _open(COMPLAINT, citizen, candidate, payload, [])


def _open(
    machine: Machine,
    citizen: Principal,
    candidate: Candidate,
    payload: dict[str, Any],
    also: list[case_store.Also],
) -> Case:
    """A case of ``machine`` for the exam office of the candidate's academy, with the
    ``also`` writes in its transaction; messages go to the citizen's verified contacts and
    name the candidate as the exam's list does."""
    name = f"{candidate.first_name_fr} {candidate.last_name_fr}"
    contact = ports.contacts().reach(citizen, language=citizen.locale or "fr")._replace(name=name)
    record = {"year": candidate.year, "candidate_number": candidate.candidate_number}
    return lifecycle.open_case(
        machine,
        citizen.subject,
        candidate.academy,
        contact,
        {**payload, "candidate": record},
        access.actor_of(citizen),
        also=also,
    )
