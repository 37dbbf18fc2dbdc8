"""Firing a transition: pure. It checks state, role, office, reason and guard, and returns
the new case with what must happen next; the store writes all of it in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.workflow.case import Case, Deadline, HistoryEntry
from chalicelib.workflow.machine import (
    CancelTimer,
    Export,
    Machine,
    Notify,
    StartTimer,
    StateKind,
    Transition,
)

SYSTEM = "system"  # the role of the clock and of other automatic actors
ADMIN = "admin"


@dataclass(frozen=True)
class Actor:
    subject: str
    roles: frozenset[str]
    office: str = ""

    @classmethod
    def system(cls, name: str = "timer") -> Actor:
        return cls(subject=f"system:{name}", roles=frozenset({SYSTEM}))


class Refusal(Exception):
    """Why a transition may not happen. ``code`` is one of: unknown_transition, wrong_state,
    wrong_role, wrong_office, reason_required, guard_failed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Fired:
    case: Case
    entry: HistoryEntry
    notifications: tuple[Notify, ...]
    timers_started: tuple[Deadline, ...]
    timers_cancelled: tuple[str, ...]
    exports: tuple[Export, ...]


def check(
    machine: Machine,
    case: Case,
    name: str,
    actor: Actor,
    payload: Mapping[str, Any],
    reason: str = "",
) -> tuple[Transition, str]:
    """The transition and the role it is fired in, or a Refusal saying why not."""
    transition = machine.transition(name)
    if transition is None:
        raise Refusal("unknown_transition", f"{machine.case_type} has no action {name!r}")
    roles = actor.roles & transition.roles
    if not roles:
        raise Refusal("wrong_role", f"{name!r} is not for your role")
    role = sorted(roles)[0]
    if role == "citizen" and actor.subject != case.owner:
        raise Refusal("wrong_role", f"{name!r} is for the case's owner only")
    staff = role not in ("citizen", SYSTEM, ADMIN)
    if staff and transition.same_office and actor.office != case.office:
        raise Refusal("wrong_office", "the case belongs to another office")
    if case.state not in transition.sources:
        raise Refusal("wrong_state", f"{name!r} is not possible while the case is {case.state!r}")
    if transition.requires_reason and not reason.strip():
        raise Refusal("reason_required", f"{name!r} needs a reason, given to the applicant")
    if transition.guard is not None:
        why_not = transition.guard(case, payload)
        if why_not:
            raise Refusal("guard_failed", why_not)
    return transition, role


def fire(
    machine: Machine,
    case: Case,
    name: str,
    actor: Actor,
    payload: Mapping[str, Any],
    now: datetime,
    reason: str = "",
) -> Fired:
    transition, role = check(machine, case, name, actor, payload, reason)
    deadlines = dict(case.deadlines)
    cancelled: list[str] = []
    started: list[Deadline] = []
    for effect in transition.effects:
        if isinstance(effect, CancelTimer) and effect.name in deadlines:
            del deadlines[effect.name]
            cancelled.append(effect.name)
        elif isinstance(effect, StartTimer):
            due = now + timedelta(days=effect.days, seconds=effect.seconds)
            deadlines[effect.name] = Deadline(effect.name, due, effect.on_expiry, now)
            started.append(deadlines[effect.name])
    if machine.state(transition.target).kind is StateKind.TERMINAL:
        cancelled += [n for n in deadlines if n not in cancelled]
        deadlines = {}
    entry = HistoryEntry(
        seq=case.history_length + 1,
        event=name,
        from_state=case.state,
        to_state=transition.target,
        actor=actor.subject,
        role=role,
        office=actor.office,
        at=now,
        reason=reason.strip(),
        data=dict(payload),
    )
    new_case = replace(
        case,
        state=transition.target,
        version=case.version + 1,
        updated_at=now,
        deadlines=deadlines,
        history_length=entry.seq,
        payload={**case.payload, **_recorded(payload)},
    )
    return Fired(
        case=new_case,
        entry=entry,
        notifications=tuple(e for e in transition.effects if isinstance(e, Notify)),
        timers_started=tuple(started),
        timers_cancelled=tuple(cancelled),
        exports=tuple(e for e in transition.effects if isinstance(e, Export)),
    )


def _recorded(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Transition data is kept in the history; only what it lists under ``set`` also
    changes the case's payload (a decision's outcome, a Massar pupil code ...)."""
    return dict(payload.get("set", {}))


def due_timer(case: Case, name: str, due_at: datetime) -> Deadline | None:
    """The deadline a timer callback is about, if the case is still waiting for it."""
    deadline = case.deadlines.get(name)
    if deadline is None or abs((deadline.due_at - due_at).total_seconds()) > 1:
        return None
    return deadline
