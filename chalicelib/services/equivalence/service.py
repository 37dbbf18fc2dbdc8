"""Use cases of an equivalence file: filing, submitting, answering, asking for review, and the
ministry's and committees' actions. Each loads the file, checks who may act, fires one
transition of the engine and returns the file as it now stands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chalicelib import clock
from chalicelib.identity import Principal
from chalicelib.refusals import FieldError, Refusal
from chalicelib.services.equivalence import domain, ports
from chalicelib.services.equivalence import problems as _problems  # registers the slugs
from chalicelib.services.equivalence.machines import BY_TRACK, RECEIPTS
from chalicelib.services.equivalence.requirements import office_of
from chalicelib.store import cases as store
from chalicelib.workflow import access, engine, lifecycle
from chalicelib.workflow.case import Case, Contact
from chalicelib.workflow.machine import Machine

CASE_TYPES = {v: k for k, v in domain.CASE_TYPES.items()}  # case type -> track
# Staff actions as the API names them; "decide", "publish" and "record_receipt" pick their
# transition from the file (an order or a refusal; the outcome published; the state notified).
STAFF_ACTIONS = (
    "accept_file",
    "declare_not_admissible",
    "request_complement",
    "close_file",
    "request_expertise",
    "refer",
    "consult",
    "propose",
    "decide",
    "publish",
    "record_receipt",
    "condition_met",
    "condition_failed",
    "reopen",
    "accept_request",
    "decline_request",
)
REQUIRED = {
    "publish": ("bo_number", "bo_date", "bo_page"),
    "record_receipt": ("received_on", "proof"),
    "condition_met": ("condition", "met_on"),
    "condition_failed": ("condition", "failed_on", "remedy"),
    "reopen": ("ground",),
    "consult": ("kind", "guest", "chair"),
    "accept_request": ("national_diploma",),
}
ORDER_FIELDS = ("order_number", "order_date")
BO_FIELDS = ("bo_number", "bo_date", "bo_page")


def machine_of(case: Case) -> Machine:
    track = CASE_TYPES.get(case.case_type)
    if track is None:
        raise Refusal("not-found")
    return BY_TRACK[track]


def _fire(
    machine: Machine,
    case: Case,
    principal: Principal,
    name: str,
    payload: Mapping[str, Any],
    reason: str = "",
    actor: engine.Actor | None = None,
    also: list[store.Also] | None = None,
) -> Case:
    """Fire ``name``; the engine's refusals and lost races go up as they are."""
    actor = actor or access.actor_of(principal)
    return lifecycle.act(machine, case, name, actor, payload, reason, also=also or ()).case


# ---------------------------------------------------------------- the applicant


def open_application(
    principal: Principal,
    track: str,
    diploma: dict[str, Any],
    email: str = "",
    phone: str = "",
    language: str = "fr",
) -> Case:
    """The draft, written to the contact the applicant chose among their verified ones (an
    address given and not verified is a 422 naming it)."""
    contact = ports.contacts().reach(principal, email=email, phone=phone, language=language)
    return open_draft(principal, track, contact, diploma)


def open_draft(principal: Principal, track: str, contact: Contact, diploma: dict[str, Any]) -> Case:
    refused = domain.diploma_refusal(track, diploma)
    if refused is not None:
        raise _problems.not_offered(f"body.diploma.{refused[0]}", refused[1])
    diploma = {**diploma, "field": diploma.get("field") or diploma["training"]}
    payload = {"track": track, "diploma": diploma}
    return lifecycle.open_case(
        BY_TRACK[track],
        principal.subject,
        office_of(track),
        contact,
        payload,
        access.actor_of(principal),
    )


def _own(principal: Principal, case_id: str, purpose: str, correlation_id: str) -> Case:
    case = access.visible_case(principal, case_id, purpose, correlation_id, read=False)
    machine_of(case)
    return case


def submit(principal: Principal, case_id: str, correlation_id: str) -> Case:
    """Files the draft: the checklist must be verified; article 2 is checked and its
    reasons named, for the applicant now and for the officer at intake."""
    case = _own(principal, case_id, "submit", correlation_id)
    check = domain.admissibility(str(case.payload.get("track")), case.payload.get("diploma", {}))
    return _fire(machine_of(case), case, principal, "submit", {"set": {"admissibility": check}})


def complement(principal: Principal, case_id: str, message: str, correlation_id: str) -> Case:
    case = _own(principal, case_id, "complement", correlation_id)
    return _fire(machine_of(case), case, principal, "complement", {"message": message})


def request_review(principal: Principal, case_id: str, reasons: str, correlation_id: str) -> Case:
    case = _own(principal, case_id, "review request", correlation_id)
    if machine_of(case).transition("request_review") is None:
        raise Refusal(
            "conflict",
            "This track has no review procedure: its source (seed 000) gives none.",
            extra={"refusal": "no_review_procedure"},
        )
    at = clock.now()
    refused = domain.review_refusal(case.clocks, case.payload, at)
    if refused and case.state in RECEIPTS:
        code, message = refused
        due = (case.clocks.get("review") or {}).get("due_at")
        slug = "review-window-closed" if code == "window_closed" else "conflict"
        raise Refusal(slug, message, extra={"refusal": code, "review_until": due})
    decision = domain.current_decision(case.payload) or {}
    review = {"reasons": reasons, "requested_at": at.isoformat(), "of": decision.get("number")}
    payload = {"requested_at": at.isoformat(), "set": {"review": review}}
    return _fire(machine_of(case), case, principal, "request_review", payload, reasons)


# ---------------------------------------------------------------- the ministry, committees


def staff_case(principal: Principal, case_id: str, purpose: str, correlation_id: str) -> Case:
    """The file if this staff member works it: an officer of its ministry, or a member of
    the committee that has it now. Anyone else: 404."""
    if "committee_member" in principal.roles and "equivalence_officer" not in principal.roles:
        case = lifecycle.find(case_id)
        if case is None or case.case_type not in CASE_TYPES:
            raise Refusal("not-found")
        if domain.committee_of(case.state, case.payload) != principal.office:
            raise Refusal("not-found")
        return case
    case = access.visible_case(principal, case_id, purpose, correlation_id, read=False)
    machine_of(case)
    return case


@dataclass(frozen=True)
class Step:
    """A staff action as the engine fires it."""

    transition: str
    payload: dict[str, Any]
    reason: str


def perform(
    principal: Principal, case_id: str, action: str, data: dict[str, Any], correlation_id: str
) -> Case:
    if action not in STAFF_ACTIONS:
        raise Refusal("not-found", f"no action {action!r}: one of {', '.join(STAFF_ACTIONS)}")
    missing = [f for f in REQUIRED.get(action, ()) if data.get(f) in (None, "")]
    if missing:
        errors = [FieldError(f"body.{f}", f"{action} needs it", "required") for f in missing]
        raise Refusal("validation-failed", errors=errors)
    case = staff_case(principal, case_id, f"action {action}", correlation_id)
    machine = machine_of(case)
    step = plan(case, action, data, str(data.get("reason", "")), clock.now())
    actor = access.actor_of(principal)
    if "committee_member" in principal.roles:  # the history says which committee acted
        actor = engine.Actor(principal.subject, frozenset({"committee_member"}), principal.office)
    # An order revoked or replaced: its credentials' status bit is set in the same transaction.
    from chalicelib.services.equivalence import credential

    after = step.payload.get("set", {}).get("decisions")
    also = credential.superseded(case, after) if isinstance(after, list) else []
    return _fire(machine, case, principal, step.transition, step.payload, step.reason, actor, also)


def plan(case: Case, action: str, data: Mapping[str, Any], reason: str, at: datetime) -> Step:
    """What the engine fires for a staff action, and what it changes in the file."""
    return _PLANS.get(action, _as_is)(case, action, data, reason, at)


def _as_is(case: Case, action: str, data: Mapping[str, Any], reason: str, at: datetime) -> Step:
    return Step(action, {}, reason)  # close_file


def _intake(case: Case, action: str, data: Mapping[str, Any], reason: str, at: datetime) -> Step:
    if action == "accept_file":
        return Step(action, {"set": {"intake": "accepted"}}, reason)
    default = domain.not_admissible_reason(case.payload.get("admissibility", {}))
    return Step(action, {"set": {"intake": "not_admissible"}}, reason or default)


def _complement(
    case: Case, action: str, data: Mapping[str, Any], reason: str, at: datetime
) -> Step:
    back_to = domain.working_state(case.state, case.payload)
    return Step(action, {"set": {"back_to": back_to}}, reason)


def _refer(case: Case, action: str, data: Mapping[str, Any], reason: str, at: datetime) -> Step:
    return Step(action, {"set": {"committee": domain.field_of(case.payload)}}, reason)


def _invalid(message: str, *fields: str) -> Refusal:
    errors = [FieldError(f"body.{f}", message, "invalid") for f in fields]
    return Refusal("validation-failed", message, errors=errors)


def _required(data: Mapping[str, Any], fields: tuple[str, ...], why: str) -> None:
    missing = [f for f in fields if data.get(f) in (None, "")]
    if missing:
        errors = [FieldError(f"body.{f}", why, "required") for f in missing]
        raise Refusal("validation-failed", why, errors=errors)


def _order(data: Mapping[str, Any]) -> dict[str, Any]:
    _required(data, ORDER_FIELDS, "an order (art. 10) has its number and date")
    return {"number": data["order_number"], "date": str(data["order_date"])}


def _decide(case: Case, action: str, data: Mapping[str, Any], reason: str, at: datetime) -> Step:
    """The ministry's decision on a proposal: an order (art. 10), a reasoned refusal by
    registered letter (art. 6 (3)), or the earlier decision left standing; from a
    conditional equivalence whose conditions are met, the final order (art. 10)."""
    if case.state == "conditional":
        standing = domain.current_decision(case.payload) or {}
        order = _order(data)
        decided = {
            "outcome": "final",
            "national_diploma": standing.get("national_diploma", ""),
            "conditions": [dict(c) for c in case.payload.get("conditions") or []],
            "reasons": reason.strip() or "Conditions remplies (art. 10)",
            "step": "conditions",
            "order": order,
            "decided_at": at.isoformat(),
        }
        return Step("decide", {"order": order, "set": {"decided": decided}}, reason)
    proposal = dict(case.payload.get("proposal") or {})
    if proposal.get("outcome") == "refusal":
        return _refusal(case, proposal, data, reason, at)
    if proposal.get("stands") is not None:
        transition = domain.STANDING[str(proposal["outcome"])]
        given = [f for f in (*ORDER_FIELDS, *BO_FIELDS) if data.get(f) not in (None, "")]
        if given:
            raise _invalid("the earlier decision stands: no new order", *given)
        decision = domain.notified(case.payload, {**proposal, "decided_at": at.isoformat()}, at)
        earlier = [dict(d) for d in case.payload.get("decisions") or []]
        changes = {"decisions": [*earlier, decision], "notified_decision": None}
        return Step(transition, {"set": changes}, reason or str(proposal.get("reasons", "")))
    order = _order(data)
    decided = {**proposal, "order": order, "decided_at": at.isoformat()}
    return Step(action, {"order": order, "set": {"decided": decided}}, reason)


def _refusal(
    case: Case, proposal: dict[str, Any], data: Mapping[str, Any], reason: str, at: datetime
) -> Step:
    """Art. 6 (3): reasoned, notified by registered letter with acknowledgement of receipt.
    Not an order: no order number, nothing published in the BO."""
    given = [f for f in (*ORDER_FIELDS, *BO_FIELDS) if data.get(f) not in (None, "")]
    if given:
        raise _invalid("a refusal is not an order and is not published in the BO (art. 6)", *given)
    _required(data, ("registered_letter", "decision_date"), "a refusal goes by registered letter")
    day = date.fromisoformat(str(data["decision_date"]))
    if day > at.date():
        raise _invalid("a decision cannot be dated in the future", "decision_date")
    letter = {"number": str(data["registered_letter"]), "acknowledgement": True}
    decided = {
        **proposal,
        "decision_date": day.isoformat(),
        "registered_letter": letter,
        "decided_at": at.isoformat(),
    }
    decision = domain.notified(case.payload, decided, at)
    earlier = [dict(d) for d in case.payload.get("decisions") or []]
    text = domain.refusal_reasons(
        reason.strip() or str(proposal.get("reasons", "")),
        decision.get("unmet_criteria") or [],
        case.contact.language,
    )
    changes = {"decisions": [*earlier, decision], "decided": None, "notified_decision": None}
    return Step("refuse", {"registered_letter": letter, "set": changes}, text)


def _reopen(case: Case, action: str, data: Mapping[str, Any], reason: str, at: datetime) -> Step:
    about = {"ground": data["ground"], "reason": reason, "opened_at": at.isoformat()}
    changes = {"reexamination": about, "committee": domain.field_of(case.payload)}
    return Step(action, {"ground": data["ground"], "set": changes}, reason)


def _propose(case: Case, action: str, data: Mapping[str, Any], reason: str, at: datetime) -> Step:
    errors = domain.proposal_errors(case.state, case.payload, data, reason, at.date())
    if errors:
        raise Refusal(
            "validation-failed",
            "The proposal is incomplete (decree 2.13.165, articles 5, 6, 7 and 11).",
            errors=[FieldError(f"body.{field}", message) for field, message in errors],
        )
    proposal = domain.proposal(case.state, case.payload, data, reason, at)
    payload = {"proposal_input": {**data, "reason": reason}, "set": {"proposal": proposal}}
    return Step("propose", payload, reason)


def _publish(case: Case, action: str, data: Mapping[str, Any], reason: str, at: datetime) -> Step:
    decided = case.payload.get("decided")
    school = case.case_type == domain.CASE_TYPES["school"]
    if not decided or case.state != ("accepted" if school else "decided"):
        raise Refusal("conflict", "Only an order the ministry has signed is published.")
    if not school and decided.get("outcome") not in domain.PUBLISH:
        raise Refusal("conflict", "Only an order is published in the BO (art. 10).")
    bo = {"number": data["bo_number"], "date": str(data["bo_date"]), "page": data["bo_page"]}
    if school:  # seed 000: the decision, once published in the BO, is sent as a copy
        decided = {**decided, "order": _order(data)}
    decision = domain.published({**case.payload, "decided": decided}, bo, at)
    earlier = [dict(d) for d in case.payload.get("decisions") or []]
    changes: dict[str, Any] = {"decided": None, "notified_decision": None}
    if decision["outcome"] == "revocation" and earlier:
        # acquired rights stand: the earlier decision is kept, revoked only from that date
        earlier[-1] = {**earlier[-1], "revoked_from": decision.get("revoke_from")}
    elif earlier and decision.get("step") in ("reexamination", "conditions", "review_requested"):
        earlier[-1] = {**earlier[-1], "replaced_by": decision["number"]}
    changes["decisions"] = [*earlier, decision]
    if decision["outcome"] == "conditional":
        changes["conditions"] = domain.tracked_conditions(decision)
    transition = "publish_decision" if school else domain.PUBLISH[str(decision["outcome"])]
    return Step(transition, {"bo": bo, "set": changes}, reason or decision.get("reasons", ""))


def _record_receipt(
    case: Case, action: str, data: Mapping[str, Any], reason: str, at: datetime
) -> Step:
    """Art. 6: the notification's day opens the 60 days: the acknowledgement of receipt's,
    or, when none comes back, the letter's first presentation by the post."""
    errors = domain.notification_errors(case.payload, data["received_on"], at.date())
    if errors:
        raise _invalid(errors[0][1], *(f for f, _ in errors))
    by = str(data.get("notified_by") or domain.NOTIFIED_BY[0])
    decision = domain.current_decision(case.payload) or {}
    notification = {"received_on": str(data["received_on"]), "proof": data["proof"], "by": by}
    changes = {"notification": notification, "notified_decision": decision.get("number")}
    transition = RECEIPTS.get(case.state, "record_receipt")
    return Step(
        transition,
        {"received_on": notification["received_on"], "notification": notification, "set": changes},
        reason or str(decision.get("reasons", "")),
    )


def _condition_met(
    case: Case, action: str, data: Mapping[str, Any], reason: str, at: datetime
) -> Step:
    kind = str(data["condition"])
    evidence = str(data.get("evidence") or "")
    conditions = domain.condition_met(case.payload, kind, str(data["met_on"]), evidence)
    payload = {"condition": kind, "set": {"conditions": conditions}}
    return Step("condition_met", payload, reason)


def _condition_failed(
    case: Case, action: str, data: Mapping[str, Any], reason: str, at: datetime
) -> Step:
    kind, remedy = str(data["condition"]), str(data["remedy"])
    errors = domain.remedy_errors(case.payload, kind, remedy)
    if errors and case.state == "conditional":
        raise _invalid(errors[0][1], *(f for f, _ in errors))
    conditions = domain.failed_condition(case.payload, kind, str(data["failed_on"]), remedy)
    payload = {"condition": kind, "remedy": remedy, "set": {"conditions": conditions}}
    return Step("condition_failed", payload, reason)


def _consult(case: Case, action: str, data: Mapping[str, Any], reason: str, at: datetime) -> Step:
    """Art. 6: at its chair's request, a special committee or a qualified person."""
    consultation = {k: str(data.get(k) or "") for k in ("kind", "guest", "chair")}
    by = domain.committee_of(case.state, case.payload)
    entry = {**consultation, "question": reason, "by": by, "at": at.isoformat()}
    consulted = [*(case.payload.get("consulted") or []), entry]
    return Step(action, {"consultation": consultation, "set": {"consulted": consulted}}, reason)


def _expertise(case: Case, action: str, data: Mapping[str, Any], reason: str, at: datetime) -> Step:
    """Art. 12: the agency's report is asked for; the file may then go to its committee."""
    expertise = {"requested_at": at.isoformat(), "reason": reason}
    return Step(action, {"set": {"expertise": expertise}}, reason)


def _school_decision(
    case: Case, action: str, data: Mapping[str, Any], reason: str, at: datetime
) -> Step:
    if action == "decline_request":
        return Step(action, {}, reason)
    decided = {
        "outcome": "equivalence",
        "national_diploma": str(data["national_diploma"]),
        "reasons": reason.strip(),
        "decided_at": at.isoformat(),
    }
    return Step(action, {"set": {"decided": decided}}, reason)


_PLANS = {
    "accept_file": _intake,
    "declare_not_admissible": _intake,
    "request_complement": _complement,
    "request_expertise": _expertise,
    "refer": _refer,
    "consult": _consult,
    "propose": _propose,
    "decide": _decide,
    "publish": _publish,
    "record_receipt": _record_receipt,
    "condition_met": _condition_met,
    "condition_failed": _condition_failed,
    "reopen": _reopen,
    "accept_request": _school_decision,
    "decline_request": _school_decision,
}


# ---------------------------------------------------------------- the queue


@dataclass(frozen=True)
class QueueScope:
    case_type: str
    office: str
    state: str
    field: str | None


def queue_scope(
    principal: Principal, state: str | None, field: str | None, track: str | None
) -> QueueScope:
    """Which index partition a staff member reads: an officer, their ministry's files;
    a committee member, their field's files at the committee's step (or the Higher
    Committee's reviews)."""
    if "equivalence_officer" in principal.roles:
        tracks = [t for t in BY_TRACK if office_of(t) == principal.office]
        track = tracks[0] if tracks else "higher"  # another office: its (empty) partition
        # any state of either track is a valid query; another track's is an empty partition
        states = {s.name for m in BY_TRACK.values() for s in m.states}
        chosen = state or "submitted"
        if chosen not in states:
            error = FieldError("query.state", f"one of: {', '.join(sorted(states))}", "invalid")
            raise Refusal("validation-failed", errors=[error])
        return QueueScope(domain.CASE_TYPES[track], principal.office, chosen, field)
    track = track or "higher"
    review = principal.office == domain.HIGHER_COMMITTEE
    allowed = ("review_requested",) if review else ("with_committee", "reexamination")
    chosen = state or allowed[0]
    if chosen not in allowed:
        # Files in other states are the ministry's to see, not the committee's.
        raise Refusal("forbidden", f"A committee sees the files {' or '.join(allowed)}.")
    own_field = None if review else principal.office
    if field and own_field and field != own_field:
        raise Refusal("forbidden", "A sector committee sees the files of its own field only.")
    return QueueScope(domain.CASE_TYPES[track], office_of(track), chosen, field or own_field)


def queue_page(
    scope: QueueScope, limit: int, start_after: dict[str, Any] | None
) -> tuple[list[Case], dict[str, Any] | None]:
    """One Query on the by_queue index; the field is then kept, as a FilterExpression would
    (a page may hold fewer than ``limit`` files: follow ``next``)."""
    page = ports.queues().queue(scope.case_type, scope.office, scope.state, limit, start_after)
    kept = [
        c for c in page.cases if scope.field is None or domain.field_of(c.payload) == scope.field
    ]
    return kept, page.last_key
