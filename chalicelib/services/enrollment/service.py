"""Use cases of school pre-registration: file, list for a director, approve, reject,
withdraw, record Massar's pupil code, follow up. Each transition writes the child's guard
and the school's counters in its own transaction (``Also``). The store, the catalogue and
the contacts are reached through ``ports.py`` (DynamoDB's by default; in-memory fakes in unit
tests, decision 67)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from chalicelib import clock
from chalicelib.identity import Principal
from chalicelib.refusals import FieldError, LostRace, Refusal
from chalicelib.services.enrollment import domain, ports, validation
from chalicelib.services.enrollment import problems as _problems  # noqa: F401 (registers them)
from chalicelib.services.enrollment.machines import ENROLLMENT
from chalicelib.services.enrollment.names import fold, matches
from chalicelib.store.cases import Also, TransactionCancelled
from chalicelib.store.enrollment.applications import Page
from chalicelib.workflow import access, lifecycle
from chalicelib.workflow.case import Case
from chalicelib.workflow.engine import Actor
from chalicelib.workflow.machine import StateKind

CREATE_TRIES = 3  # another filing at the same school may hold its counters a moment


def file(
    principal: Principal, application: dict[str, Any], language: str, today: date | None = None
) -> Case:
    """A new request, or a problem naming every field that breaks a rule (the age rule
    quoted if the child is under age, 409 if the child already has a live request)."""
    today = today or clock.now().date()
    year = domain.school_year_of_filing(today)
    school = ports.catalogue().school(application["school"])
    issues = validation.problems(application, school, year, today)
    if issues:  # the shape is right (the schema's); rules it cannot state are not met
        raise Refusal(
            "enrollment-rule-violated",
            errors=[FieldError(i.field, i.message, i.code) for i in issues],
        )
    assert school is not None
    child, level = application["child"], application["level"]
    verdict = domain.age_verdict(child["birth_date"], year, level)
    if verdict:
        rule = domain.age_rule(year, level, language)
        raise Refusal(
            f"{verdict}-school-age",
            rule,
            errors=[FieldError("body.child.birth_date", rule, f"{verdict}_age")],
            extra={"rule": rule, "school_year": year.label},
        )
    _is_the_guardian(principal, application)
    payload = _payload(application, school, year)
    guardian = validation.guardian_of(payload["application"])
    # The form's e-mail and phone are the guardian's details for the school; messages go
    # to them only if the guardian verified them, else to the guardian's verified contacts.
    contact = ports.contacts().reach(
        principal,
        email=guardian["email"],
        phone=guardian["phone"],
        language=application.get("language") or language,
        strict=False,
    )
    moves = {**domain.state_moves("", "submitted"), **_siblings(payload, 1)}
    also = [
        ports.applications().guard_taken(payload["guard"], principal.subject),
        ports.applications().not_registered(payload["guard"], year.start),
        ports.applications().counted(year.start, school, moves),
    ]
    actor = access.actor_of(principal)
    try:
        return _retrying(
            lambda: lifecycle.open_case(
                ENROLLMENT, principal.subject, school["code"], contact, payload, actor, also=also
            )
        )
    except LostRace as error:
        if "live_request" in error.failed:
            raise _already_filed(payload["guard"], principal) from error
        if "registered" in error.failed:
            raise _already_registered(payload["guard"], year, principal) from error
        raise Refusal("conflict", "Try again.") from error


def _is_the_guardian(principal: Principal, application: Mapping[str, Any]) -> None:
    """The guardian named in the request is the person signed in with the CNIe: nobody
    files for a child in someone else's name (their contacts get the notices)."""
    capacity = application["guardian_capacity"]
    named = validation.cnie_number(str(validation.guardian_of(application).get("cnie") or ""))
    if not principal.signed_in_with_cnie or named != validation.cnie_number(principal.cnie):
        field = f"body.{capacity}.cnie"
        message = "the guardian named must be you: the CNIe number you signed in with"
        raise Refusal("enrollment-not-the-guardian", errors=[FieldError(field, message)])


def _already_filed(guard: str, principal: Principal) -> Refusal:
    """The child has a live request. Its own filer is told so; anyone else learns nothing
    of the child (the same words whoever the child is), only where to turn."""
    if ports.applications().guard_holder(guard) == principal.subject:
        return Refusal(
            "child-already-filed",
            "You already filed a request for this child: see GET /me/cases.",
            errors=[FieldError("body.child", "already filed by you", "duplicate")],
        )
    return Refusal(
        "child-already-filed",
        "This request cannot be filed. The school's director can help.",
    )


def _already_registered(guard: str, year: domain.SchoolYear, principal: Principal) -> Refusal:
    """The child is registered in Massar for that school year already: its filer is told so,
    anyone else learns nothing of the child (the words of ``_already_filed``)."""
    if ports.applications().registered_by(guard, year.start) == principal.subject:
        return Refusal(
            "child-already-filed",
            f"This child is registered in Massar for {year.label}: see GET /me/cases.",
            errors=[FieldError("body.child", f"registered for {year.label}", "registered")],
        )
    return Refusal(
        "child-already-filed",
        "This request cannot be filed. The school's director can help.",
    )


def _payload(
    application: dict[str, Any], school: Mapping[str, Any], year: domain.SchoolYear
) -> dict[str, Any]:
    """What the case keeps: the request (normalised), the school as chosen, the guard key,
    the folded names the director's search reads, the siblings' forecast."""
    for person in (application["father"], application["mother"], application.get("guardian")):
        if person and person.get("phone"):
            person["phone"] = validation.moroccan_phone(person["phone"])
        if person and person.get("cnie"):
            person["cnie"] = validation.cnie_number(person["cnie"])
    child = application["child"]
    names = [child[f"{n}_{s}"] for n in ("first_name", "last_name") for s in ("ar", "latin")]
    forecast = domain.sibling_forecast([s["birth_date"] for s in application["siblings"]], year)
    guardian = validation.guardian_of(application)
    snapshot = {k: school[k] for k in ("code", "name_ar", "name_fr", "province", "region")}
    return {
        "application": _json(application),
        "school": snapshot,
        "school_year": year.start,
        "level": application["level"],
        "residence": dict(guardian["address"]),
        "guard": domain.guard_key(child["birth_certificate_number"], child["birth_date"]),
        "search": fold(" ".join(names)),
        "forecast": {str(y): n for y, n in forecast.items()},
    }


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def _siblings(payload: Mapping[str, Any], sign: int) -> dict[str, int]:
    return {f"siblings_{y}": sign * n for y, n in payload.get("forecast", {}).items()}


def _retrying(create: Callable[[], Case]) -> Case:
    """DynamoDB cancels a transaction that meets another on the same item (the school's
    counters) without a failed condition: that one is tried again."""
    for attempt in range(1, CREATE_TRIES + 1):
        try:
            return create()
        except TransactionCancelled:
            if attempt == CREATE_TRIES:
                raise
    raise AssertionError("unreachable")


def application_of(principal: Principal, case_id: str, purpose: str, correlation_id: str) -> Case:
    case = access.visible_case(principal, case_id, purpose, correlation_id, read=False)
    if case.case_type != ENROLLMENT.case_type:
        raise Refusal("not-found")
    return case


def _fire(
    case: Case,
    action: str,
    actor: Actor,
    payload: Mapping[str, Any],
    reason: str = "",
    also: Sequence[Also] = (),
) -> Case:
    return lifecycle.act(ENROLLMENT, case, action, actor, payload, reason, also=also).case


def _writes(case: Case, action: str) -> list[Also]:
    """What stands or falls with ``action``: the school's counters moved and, when the
    request ends (whatever its end: registered, rejected, withdrawn, refused by Massar),
    the child's guard released, so that the child may be filed for again (next year's
    level, or elsewhere). A registered child keeps its siblings in the forecast and is
    marked registered for its school year; any other end takes its siblings out."""
    transition = ENROLLMENT.transition(action)
    if transition is None:  # the engine refuses it: nothing to write
        return []
    to = transition.target
    school, year = case.payload["school"], int(case.payload["school_year"])
    moves = domain.state_moves(case.state, to)
    if ENROLLMENT.state(to).kind is not StateKind.TERMINAL:
        return [ports.applications().counted(year, school, moves)]
    guard = case.payload["guard"]
    writes = [ports.applications().guard_released(guard, case.owner)]
    if to == "registered":
        writes.append(ports.applications().registered(guard, year, case.owner, case.reference))
    else:
        moves.update(_siblings(case.payload, -1))
    return [*writes, ports.applications().counted(year, school, moves)]


def approve(principal: Principal, case_id: str, correlation_id: str) -> Case:
    case = application_of(principal, case_id, "approve", correlation_id)
    return _fire(case, "approve", access.actor_of(principal), {}, also=_writes(case, "approve"))


def reject(
    principal: Principal,
    case_id: str,
    code: str,
    details: str,
    correlation_id: str,
    language: str = "fr",
) -> Case:
    """The director rejects with a ground; a ground the request's own facts contradict (the
    checks the director is shown: the age rule, the sector) is refused on ``body.reason``."""
    why_not = domain.rejection_problem(code, details)
    if why_not:
        raise Refusal("validation-failed", errors=[FieldError("body.details", why_not, "required")])
    case = application_of(principal, case_id, "reject", correlation_id)
    contradiction = domain.rejection_contradicted(code, checks_of(case, language))
    if contradiction:
        raise Refusal(
            "enrollment-reason-contradicted",
            errors=[FieldError("body.reason", contradiction, "contradicted")],
        )
    guardian_language = case.contact.language
    year = domain.school_year(int(case.payload["school_year"]))
    rule = domain.age_rule(year, case.payload["level"], guardian_language)
    reason = domain.rejection_text(code, details, guardian_language, rule)
    # The e-mail gives ``reason`` in full; the SMS only the ground, as a category in words.
    notice = {"ground": domain.rejection_ground(code, guardian_language)}
    data = {
        "reason_code": code,
        "set": {"rejection": {"code": code, "details": details}, "notice": notice},
    }
    actor = access.actor_of(principal)
    return _fire(case, "reject", actor, data, reason, also=_writes(case, "reject"))


def checks_of(case: Case, language: str) -> domain.Checks:
    """What the director checks on ``case``: the age rule of its school year and level, and
    whether its residence lies in the sector of the school as the catalogue now has it."""
    payload = case.payload
    school = ports.catalogue().school(case.office) or {}
    return domain.checks(
        date.fromisoformat(payload["application"]["child"]["birth_date"]),
        domain.school_year(int(payload["school_year"])),
        payload["level"],
        school.get("sector", []),
        payload["residence"],
        language,
    )


def request_documents(principal: Principal, case_id: str, reason: str, correlation_id: str) -> Case:
    """The director asks the guardian for a document; the decision clock pauses."""
    case = application_of(principal, case_id, "request_documents", correlation_id)
    actor = access.actor_of(principal)
    also = _writes(case, "request_documents")
    return _fire(case, "request_documents", actor, {}, reason, also=also)


def documents_provided(principal: Principal, case_id: str, note: str, correlation_id: str) -> Case:
    """The guardian says the document is attached; the request is back with the director."""
    case = application_of(principal, case_id, "complete", correlation_id)
    data = {"note": note} if note else {}
    actor = access.actor_of(principal)
    return _fire(case, "complete", actor, data, also=_writes(case, "complete"))


def withdraw(principal: Principal, case_id: str, correlation_id: str) -> Case:
    case = application_of(principal, case_id, "withdraw", correlation_id)
    actor = access.actor_of(principal)
    return _fire(case, "withdraw", actor, {}, also=_writes(case, "withdraw"))


def record_pupil_code(case: Case, code: str) -> Case:
    """Massar acknowledged the pupil: its code is kept on the case and sent to the guardian
    (system transition); the request ends, and with it the child's guard."""
    actor = Actor.system("massar")
    data = {"set": {"massar_code": code, "notice": {"massar_code": code}}}
    also = _writes(case, "exported")
    return lifecycle.act(ENROLLMENT, case, "exported", actor, data, also=also).case


def record_massar_refusal(case: Case, status: int, reason: str) -> Case:
    """Massar refused the pupil for good (a 4xx about the pupil, not a throttle): the request
    settles in ``massar_refused`` with Massar's words, shown to the director and sent to the
    guardian; it ends, and with it the child's guard (system transition)."""
    actor = Actor.system("massar")
    at = clock.now()
    refusal = {"status": status, "reason": reason, "at": at.isoformat()}
    data = {"http_status": status, "set": {"massar_refusal": refusal, "notice": {}}}
    also = _writes(case, "massar_refusal")
    fired = lifecycle.act(ENROLLMENT, case, "massar_refusal", actor, data, reason, at, also=also)
    return fired.case


def school_queue(
    school_code: str,
    state: str,
    q: str | None,
    born: tuple[date | None, date | None],
    limit: int,
    start: dict[str, Any] | None,
) -> tuple[dict[str, Any] | None, Page]:
    """The school (for its sector) and a page of its requests in ``state`` matching the
    search: names in either script, and a range of birth dates."""
    first, last = born

    def keep(case: Case) -> bool:
        birth = date.fromisoformat(case.payload["application"]["child"]["birth_date"])
        if (first and birth < first) or (last and birth > last):
            return False
        return not q or _matches(case, q)

    school = ports.catalogue().school(school_code)
    page = ports.applications().queue_matching(
        ENROLLMENT.case_type, school_code, state, keep, limit, start
    )
    return school, page


def _matches(case: Case, q: str) -> bool:
    return matches(str(case.payload.get("search", "")), q)
