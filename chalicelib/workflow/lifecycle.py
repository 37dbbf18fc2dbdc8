"""Opening cases and firing transitions: load, decide (engine), write (the case repository,
``workflow/repository.py``) in one go.

What a transition must notify becomes outbox messages and what it arms or disarms becomes
timer requests, all in the transition's own transaction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.refusals import NotFound
from chalicelib.store import cases as store
from chalicelib.workflow import clocks, engine, legal, repository
from chalicelib.workflow import holidays as calendar
from chalicelib.workflow.case import Case, Contact, Deadline, Document, HistoryEntry
from chalicelib.workflow.engine import Actor, Fired
from chalicelib.workflow.machine import Machine, Notify

REFERENCE = re.compile(r"^[A-Z]{2,4}-\d{4}-\d{6}$")
# Step Functions execution names allow letters, digits, - and _ only (no ":" of clock:X).
NOT_IN_EXECUTION_NAMES = re.compile(r"[^A-Za-z0-9_-]")


def execution_name(case_id: str, deadline: Deadline) -> str:
    """One Step Functions execution per armed deadline: starting it twice is harmless."""
    name = NOT_IN_EXECUTION_NAMES.sub("-", deadline.name)
    return f"{case_id}-{name}-{int(deadline.started_at.timestamp() * 1000)}"[:80]


def open_case(
    machine: Machine,
    owner: str,
    office: str,
    contact: Contact,
    payload: Mapping[str, Any],
    actor: Actor,
    at: datetime | None = None,
    also: Sequence[store.Also] = (),
) -> Case:
    """A new case in its initial state; ``also`` are writes that stand or fall with it (a
    one-live-request guard): a failed one raises ``LostRace`` naming it."""
    at = at or clock.now()
    draft = Case(
        id=repository.cases().new_case_id(),
        reference=repository.cases().next_reference(machine.prefix, at.year),
        case_type=machine.case_type,
        owner=owner,
        office=office,
        state=machine.initial.name,
        version=0,
        created_at=at,
        updated_at=at,
        contact=contact,
        payload=dict(payload),
    )
    # A case born filed (its initial state is the administration's turn) starts its decision
    # clock now: the creation is a pseudo-transition the clocks see like any other.
    ticked = clocks.advance(machine, {}, clocks.Tick(legal.CREATED, at), calendar.moroccan())
    deadlines = {
        name: Deadline(name, due, on_expiry, at) for name, (due, on_expiry) in ticked.arm.items()
    }
    entry = HistoryEntry(
        1,
        legal.CREATED,
        "",
        draft.state,
        actor.subject,
        _role(actor),
        actor.office,
        at,
        data={"clocks": ticked.notes} if ticked.notes else {},
    )
    opened = replace(draft, version=1, history_length=1, clocks=ticked.clocks, deadlines=deadlines)
    timers = [
        store.TimerRequest(d.name, "start", execution_name(draft.id, d), d.due_at, d.on_expiry)
        for d in deadlines.values()
    ]
    repository.cases().save_transition(draft, opened, entry, timers=timers, now=at, also=also)
    return opened


def act(
    machine: Machine,
    case: Case,
    name: str,
    actor: Actor,
    payload: Mapping[str, Any],
    reason: str = "",
    at: datetime | None = None,
    also: Sequence[store.Also] = (),
) -> Fired:
    """Fire ``name`` on ``case`` and write it, with the ``also`` writes of other items (a
    seat taken, a stamp consumed) in the same transaction; raises engine.TransitionRefused, or
    LostRace naming what changed meanwhile."""
    at = at or clock.now()
    fired = engine.fire(machine, case, name, actor, payload, at, reason)
    appeal_until = clocks.appeal_until(machine, fired.case.clocks, name)
    outbox = [m for n in fired.notifications for m in _messages(fired, n, appeal_until)]
    started = {d.name for d in fired.timers_started}
    timers = [
        store.TimerRequest(d.name, "start", execution_name(case.id, d), d.due_at, d.on_expiry)
        for d in fired.timers_started
    ] + [
        # A deadline armed again is stopped and started in one transaction: its stop request
        # takes another name, as a request's key is the deadline's name and the history seq.
        store.TimerRequest(
            f"{gone}/stop" if gone in started else gone,
            "stop",
            execution_name(case.id, case.deadlines[gone]),
        )
        for gone in fired.timers_cancelled
        if gone in case.deadlines
    ]
    repository.cases().save_transition(
        case,
        fired.case,
        fired.entry,
        outbox,
        timers,
        at,
        exports=[e.target for e in fired.exports],
        also=also,
    )
    return fired


def record(
    case: Case,
    event: str,
    actor: Actor,
    data: Mapping[str, Any],
    documents: tuple[Document, ...] = (),
    at: datetime | None = None,
    changes: Mapping[str, Any] | None = None,
) -> Case:
    """Write an event that does not change the state (a document attached or checked, a
    stamp attached) into the history, in one transaction with the documents it concerns;
    ``changes`` are set in the case's payload, as a transition's ``set`` is."""
    at = at or clock.now()
    entry = HistoryEntry(
        case.history_length + 1,
        event,
        case.state,
        case.state,
        actor.subject,
        _role(actor),
        actor.office,
        at,
        data=dict(data),
    )
    kept = tuple(d for d in case.documents if d.id not in {n.id for n in documents})
    after = replace(
        case,
        version=case.version + 1,
        updated_at=at,
        history_length=entry.seq,
        documents=kept + documents,
        payload={**case.payload, **(changes or {})},
    )
    repository.cases().save_transition(case, after, entry, now=at, documents=documents)
    return after


def find(case_id: str) -> Case | None:
    return repository.cases().load(case_id) if _plausible_id(case_id) else None


def find_with_history(case_id: str) -> tuple[Case | None, list[HistoryEntry]]:
    """A case by id, or by its human reference (EQ-2026-000123), with its history."""
    if REFERENCE.match(case_id):
        pointer = repository.cases().load_by_reference(case_id)
        case_id = pointer.id if pointer else ""
    return repository.cases().load_with_history(case_id) if _plausible_id(case_id) else (None, [])


def _plausible_id(case_id: str) -> bool:
    return 0 < len(case_id) <= 64 and case_id.isalnum()


def load(case_id: str) -> Case:
    case = repository.cases().load(case_id)
    if case is None:
        raise NotFound(detail=f"No case {case_id}.")
    return case


def _role(actor: Actor) -> str:
    return sorted(actor.roles)[0] if actor.roles else ""


def _messages(
    fired: Fired, notify: Notify, appeal_until: str | None = None
) -> list[store.OutboxMessage]:
    case, contact = fired.case, fired.case.contact
    data = {
        "reference": case.reference,
        "case_type": case.case_type,
        "state": case.state,
        "event": fired.entry.event,
        "reason": fired.entry.reason,
        "name": contact.name,
        "deadlines": {n: d.due_at.isoformat() for n, d in case.deadlines.items()},
        # how long the applicant has to contest a refusal: its notice names the date
        **({"appeal_until": appeal_until} if appeal_until else {}),
        # what the case's own type prepared for its messages (an appointment's time and place)
        **({"fields": case.payload["notice"]} if case.payload.get("notice") else {}),
    }
    addresses = {"email": contact.email, "sms": contact.phone}
    return [
        store.OutboxMessage(channel, notify.template, addresses[channel], contact.language, data)
        for channel in notify.channels
        if addresses.get(channel)
    ]
