"""Requests and their validation: the reference data a request names, opening one, the
consulate's queue and decisions (validate, ask for documents, reject), and the helpers every
other use case starts from (the caller's own request, its consulate and service)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import chalicelib.services.consular.problems  # noqa: F401  (registers this service's problems)
from chalicelib import clock, consulates, ports
from chalicelib.consulates import Consulate, Service
from chalicelib.identity import Principal
from chalicelib.ports import Fee
from chalicelib.refusals import FieldError, Refusal
from chalicelib.services.consular import checklists, domain
from chalicelib.services.consular.machines import APPOINTMENT, CASE_TYPE
from chalicelib.services.consular.ports import own_cases
from chalicelib.store import cases as case_store
from chalicelib.workflow import access, actions, lifecycle
from chalicelib.workflow.case import Case, Contact
from chalicelib.workflow.machine import StateKind


def consulate_or_422(code: str) -> Consulate:
    found = consulates.consulate(code)
    if found is None:
        raise Refusal("validation-failed", errors=[FieldError("path.code", "unknown consulate")])
    return found


def service_or_422(code: str, field: str, consulate: Consulate | None = None) -> Service:
    found = consulates.service(code)
    if found is None:
        raise Refusal("validation-failed", errors=[FieldError(field, "unknown service")])
    if consulate is not None and code not in consulate.services:
        raise Refusal(
            "consular-service-not-offered",
            errors=[FieldError(field, f"{consulate.code} does not offer this service")],
        )
    return found


def fee_of(service_code: str, at: datetime, consulate: str = "") -> Fee | None:
    """The fee of a service at a consulate (paid by an eTimbre stamp)."""
    return ports.fee_payments().fee(service_code, at, consulate)


def create_request(
    principal: Principal,
    consulate: Consulate,
    svc: Service,
    contact: Contact,
    stamp: str,
    person: Mapping[str, Any] | None = None,
    family: str = "",
) -> Case:
    """A request of the citizen, for themselves or (``person``) for a minor in their care,
    in a family of requests filed together (``family``: one of theirs, or a new one)."""
    mine = [
        c
        for c in own_cases().of_owner(principal.subject, 100, None).cases
        if c.case_type == CASE_TYPE and c.office == consulate.code
    ]  # one Query: the open-request limit and the family both read the citizen's requests
    _within_open_limit(mine)
    if stamp:
        stamp_or_422(stamp, principal.subject, svc.code, consulate.code)
    payload = {
        "consulate": consulate.code,
        "service": svc.code,
        "family": _family_or_422(mine, family) if family else uuid.uuid4().hex,
        **({"person": _person_or_422(consulate, person)} if person else {}),
        **({"stamp": stamp} if stamp else {}),
    }
    return lifecycle.open_case(
        APPOINTMENT,
        principal.subject,
        consulate.code,
        contact,
        payload,
        access.actor_of(principal),
    )


def _within_open_limit(mine_here: list[Case]) -> None:
    """Every open request waits in a consulate's queue for an agent's time: one account
    holds a few at a consulate (a family's), never a queue's worth."""
    from chalicelib.api.quotas import OPEN_LIMITS

    limit = OPEN_LIMITS["consular-open-requests"]
    open_here = [c for c in mine_here if APPOINTMENT.state(c.state).kind != StateKind.TERMINAL]
    if len(open_here) >= limit.allowed:
        raise Refusal(
            "consular-too-many-open-requests",
            f"At most {limit.allowed} open requests at one consulate: finish or withdraw one.",
            extra={"open": [c.reference for c in open_here]},
        )


def _person_or_422(consulate: Consulate, person: Mapping[str, Any]) -> dict[str, Any]:
    """The minor filed for, with the key the one-live-appointment rule counts them by."""
    birth = date.fromisoformat(str(person["birth_date"]))
    today = domain.local_day(clock.now(), ZoneInfo(consulate.time_zone))
    problems = domain.person_problems(birth, today, consulates.AGE_OF_MAJORITY)
    if problems:
        raise Refusal(
            "consular-rule-violated",
            errors=[FieldError(f"body.person.{f}", m) for f, m in problems],
        )
    given, family = str(person["given_name"]), str(person["family_name"])
    return {
        "given_name": given,
        "family_name": family,
        "birth_date": birth.isoformat(),
        "relation": str(person["relation"]),
        "key": domain.person_key(given, family, birth),
    }


def _family_or_422(mine_here: list[Case], family: str) -> str:
    """A family the citizen already filed a request in at this consulate."""
    if any(c.payload.get("family") == family for c in mine_here):
        return family
    raise Refusal(
        "consular-rule-violated",
        errors=[FieldError("body.family", "no request of yours at this consulate is in it")],
    )


def stamp_or_422(number: str, owner: str, service_code: str, consulate_code: str) -> None:
    """A stamp named in a request is the applicant's own, paid, for that service at that
    consulate: another citizen's paid stamp is never spent on my appointment."""
    why = ports.fee_payments().why_not_payable(
        number, owner=owner, service=service_code, office=consulate_code
    )
    if why:
        raise Refusal("consular-stamp-refused", errors=[FieldError("body.stamp", why)])


def act(principal: Principal, case_id: str, action: str, reason: str, correlation_id: str) -> Case:
    """validate, complete, reject: the machine's rules decide who may. A validation while a
    document of the checklist is missing is a 409 naming the kinds (decision 37)."""
    payload: dict[str, Any] = {}
    if action == "validate":
        case = visible_request(principal, case_id, "validation", correlation_id)
        missing = checklists.missing(case)
        if missing:
            raise documents_missing(missing)
    if action == "complete":
        payload = {"set": {"owed_kinds": None, "notice": None}}
    return actions.perform(APPOINTMENT, principal, case_id, action, payload, reason, correlation_id)


def request_documents(
    principal: Principal, case_id: str, kinds: list[str], reason: str, correlation_id: str
) -> Case:
    """The consulate asks for documents of the request's checklist, naming their kinds (none
    named: the required ones still missing); the citizen's message lists them by title."""
    case = visible_request(principal, case_id, "documents asked for", correlation_id)
    asked = list(dict.fromkeys(kinds)) or checklists.missing(case)
    unknown = checklists.unknown_kinds(case, asked)
    if unknown or not asked:
        takes = ", ".join(r.kind for r in checklists.case_documents(case))
        why = f"not in this request's checklist ({takes})" if unknown else "name the kinds"
        raise Refusal("validation-failed", errors=[FieldError("body.kinds", why)])
    shown = checklists.titles(case, asked, case.contact.language)
    payload = {"kinds": asked, "set": {"owed_kinds": asked, "notice": {"documents": shown}}}
    return actions.perform(
        APPOINTMENT, principal, case_id, "request_documents", payload, reason, correlation_id
    )


def documents_missing(missing: list[str]) -> Refusal:
    return Refusal(
        "consular-documents-missing",
        f"Required documents have no checked copy yet: {', '.join(missing)}. Ask the citizen "
        "for them (request-documents), or attach what they bring to the counter.",
        extra={"refusal": "documents_missing", "missing": missing},
    )


def queue(consulate: str, state: str, limit: int, start: dict[str, Any] | None) -> case_store.Page:
    return own_cases().queue(CASE_TYPE, consulate, state, limit, start)


def no_shows(owner: str) -> int:
    """The citizen's record: appointments they did not come to (one Query on their cases)."""
    return sum(
        1
        for c in own_cases().of_owner(owner, 100, None).cases
        if c.case_type == CASE_TYPE and c.state == "no_show"
    )


# --- what every use case on one request starts from ----------------------------------------


def visible_request(principal: Principal, case_id: str, what: str, correlation_id: str) -> Case:
    """The caller's own request (or their consulate's, for an agent); anyone else's is 404."""
    case = access.visible_case(principal, case_id, what, correlation_id, read=False)
    if case.case_type != CASE_TYPE:
        raise Refusal("not-found")
    return case


def parts(case: Case) -> tuple[Consulate, Service, ZoneInfo]:
    consulate = consulates.consulate(case.office)
    svc = consulates.service(str(case.payload.get("service", "")))
    if consulate is None or svc is None:
        raise Refusal("conflict", "This request names a consulate or service no longer offered.")
    return consulate, svc, ZoneInfo(consulate.time_zone)


def wrong_state(case: Case, what: str) -> Refusal:
    return Refusal(
        "conflict",
        f"A request that is {case.state!r} cannot be {what}.",
        extra={"refusal": "wrong_state"},
    )
