"""Firing a transition: pure. It checks state, role, office, reason and guard, and returns
the new case with what must happen next; the store writes all of it in one transaction."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from chalicelib.refusals import FieldError, Refusal
from chalicelib.workflow import clocks
from chalicelib.workflow import holidays as calendar
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


class Actor(NamedTuple):
    subject: str
    roles: frozenset[str]
    office: str = ""

    @classmethod
    def system(cls, name: str = "timer") -> Actor:
        return cls(subject=f"system:{name}", roles=frozenset({SYSTEM}))


# Why a transition may not happen, and the kind of refusal each reason is: the same
# everywhere, since the edge maps a kind to one HTTP status.
_SLUGS = {
    "unknown_transition": "not-found",
    "wrong_office": "not-found",
    "wrong_role": "forbidden",
    "wrong_state": "conflict",
    "guard_failed": "conflict",
    "already_extended": "conflict",
    "reason_required": "validation-failed",
}


class TransitionRefused(Refusal):
    """Why a transition may not happen. ``code`` is one of: unknown_transition, wrong_state,
    wrong_role, wrong_office, reason_required, guard_failed, already_extended; the answer
    names it as ``refusal``."""

    def __init__(self, code: str, message: str) -> None:
        errors = [FieldError("reason", message, "required")] if code == "reason_required" else []
        super().__init__(_SLUGS[code], message, errors, {"refusal": code})
        self.code = code
        self.message = message


class Fired(NamedTuple):
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
    """The transition and the role it is fired in, or a TransitionRefused saying why not."""
    transition = machine.transition(name)
    if transition is None:
        raise TransitionRefused("unknown_transition", f"{machine.case_type} has no action {name!r}")
    roles = actor.roles & transition.roles
    if not roles:
        raise TransitionRefused("wrong_role", f"{name!r} is not for your role")
    role = sorted(roles)[0]
    if role == "citizen" and actor.subject != case.owner:
        raise TransitionRefused("wrong_role", f"{name!r} is for the case's owner only")
    staff = role not in ("citizen", SYSTEM, ADMIN)
    if staff and transition.same_office and actor.office != case.office:
        raise TransitionRefused("wrong_office", "the case belongs to another office")
    if case.state not in transition.sources:
        raise TransitionRefused(
            "wrong_state", f"{name!r} is not possible while the case is {case.state!r}"
        )
    if transition.requires_reason and not reason.strip():
        raise TransitionRefused(
            "reason_required", f"{name!r} needs a reason, given to the applicant"
        )
    if transition.guard is not None:
        why_not = transition.guard(case, payload)
        if why_not:
            raise TransitionRefused("guard_failed", why_not)
    why_not = clocks.extension_refused(machine, case.clocks, name)
    if why_not:
        raise TransitionRefused("already_extended", why_not)
    return transition, role


def fire(
    machine: Machine,
    case: Case,
    name: str,
    actor: Actor,
    payload: Mapping[str, Any],
    now: datetime,
    reason: str = "",
    holidays: Collection[date] | None = None,
) -> Fired:
    """``holidays`` default to Morocco's (the packaged data file, read once)."""
    transition, role = check(machine, case, name, actor, payload, reason)
    timer = str(payload.get("deadline", "")) if role == SYSTEM else ""
    timers, ticked = _timers_and_clocks(
        machine,
        case,
        transition,
        clocks.Tick(name, now, _terminal(machine, transition), timer, payload),
        calendar.moroccan() if holidays is None else holidays,
        payload,
    )
    data = {k: v for k, v in payload.items() if k != "clocks"}  # "clocks" is the engine's
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
        data={**data, "clocks": ticked.notes} if ticked.notes else data,
    )
    new_case = replace(
        case,
        state=transition.target,
        version=case.version + 1,
        updated_at=now,
        deadlines=timers.deadlines,
        history_length=entry.seq,
        payload={**case.payload, **_recorded(payload)},
        clocks=ticked.clocks,
    )
    return Fired(
        case=new_case,
        entry=entry,
        notifications=tuple(e for e in transition.effects if isinstance(e, Notify)),
        timers_started=tuple(timers.started),
        timers_cancelled=tuple(timers.cancelled),
        exports=tuple(e for e in transition.effects if isinstance(e, Export)),
    )


def _terminal(machine: Machine, transition: Transition) -> bool:
    return machine.state(transition.target).kind is StateKind.TERMINAL


def _timers_and_clocks(
    machine: Machine,
    case: Case,
    transition: Transition,
    tick: clocks.Tick,
    holidays: Collection[date],
    payload: Mapping[str, Any] | None = None,
) -> tuple[_Timers, clocks.Ticked]:
    """The deadlines after the transition's timer effects and its clocks (a terminal state
    ends them all), and what happened to the clocks."""
    timers = _Timers(case.deadlines)
    for effect in transition.effects:
        if isinstance(effect, CancelTimer):
            timers.disarm(effect.name)
        elif isinstance(effect, StartTimer):
            due = _due(effect, tick.now, payload or {}, case.payload)
            if due is None:
                timers.disarm(effect.name)
            else:
                timers.arm(Deadline(effect.name, due, effect.on_expiry, tick.now))
    if tick.terminal:
        for deadline in list(timers.deadlines):
            timers.disarm(deadline)
    ticked = clocks.advance(machine, case.clocks, tick, holidays)
    for deadline in ticked.disarm:
        timers.disarm(deadline)
    for deadline, (due, on_expiry) in ticked.arm.items():
        timers.arm(Deadline(deadline, due, on_expiry, tick.now))
    return timers, ticked


def _due(
    timer: StartTimer, now: datetime, payload: Mapping[str, Any], case: Mapping[str, Any]
) -> datetime | None:
    """When ``timer`` falls due: after its delay, or at the moment its ``at`` key names (in
    the transition's payload, what it sets, then the case's payload); None when none is set."""
    if not timer.at:
        return now + timedelta(days=timer.days, seconds=timer.seconds)
    for source in (payload, payload.get("set") or {}, case):
        if timer.at in source:
            return _moment(source[timer.at], timer.at)
    return None


def _moment(value: Any, key: str) -> datetime | None:
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError(f"{key} must be a UTC moment with its offset, not {value!r}")
    return moment.astimezone(UTC)


class _Timers:
    """The case's deadlines as a transition changes them. A deadline armed again stops its
    running execution (it is cancelled and started anew), so no stale timer lingers."""

    def __init__(self, deadlines: Mapping[str, Deadline]) -> None:
        self.before = dict(deadlines)
        self.deadlines = dict(deadlines)
        self.started: list[Deadline] = []
        self.cancelled: list[str] = []

    def disarm(self, name: str) -> None:
        if self.deadlines.pop(name, None) is not None and name in self.before:
            self._cancel(name)
        self.started = [d for d in self.started if d.name != name]

    def arm(self, deadline: Deadline) -> None:
        if deadline.name in self.before:
            self._cancel(deadline.name)
        self.deadlines[deadline.name] = deadline
        self.started = [d for d in self.started if d.name != deadline.name] + [deadline]

    def _cancel(self, name: str) -> None:
        if name not in self.cancelled:
            self.cancelled.append(name)


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
