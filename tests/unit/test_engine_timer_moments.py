"""Timers due at a moment the case knows (``StartTimer(..., at=key)``), with no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.workflow.asl import to_mermaid
from chalicelib.workflow.case import Case
from chalicelib.workflow.engine import Actor, fire
from chalicelib.workflow.machine import (
    CancelTimer,
    Machine,
    StartTimer,
    State,
    StateKind,
    Transition,
)

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
OWNER = Actor("citizen-1", frozenset({"citizen"}))
CITIZEN = frozenset({"citizen"})

MACHINE = Machine(
    case_type="moments",
    prefix="MO",
    states=(
        State("open", StateKind.INITIAL),
        State("booked", StateKind.WAITING),
        State("done", StateKind.TERMINAL),
    ),
    transitions=(
        Transition(
            "book",
            ("open", "booked"),
            "booked",
            CITIZEN,
            effects=(StartTimer("reminder", "remind", at="reminder_at"),),
        ),
        Transition("remind", ("booked",), "booked", frozenset({"system"})),
        Transition("close", ("booked",), "done", CITIZEN, effects=(CancelTimer("reminder"),)),
    ),
)


def case(state: str = "open", **payload: object) -> Case:
    return Case("c1", "MO-1", "moments", "citizen-1", "X", state, 1, T0, T0, payload=payload)


def test_a_timer_falls_due_at_the_moment_the_transition_sets() -> None:
    due = "2026-12-01T08:00:00Z"
    fired = fire(MACHINE, case(), "book", OWNER, {"set": {"reminder_at": due}}, T0)
    deadline = fired.case.deadlines["reminder"]
    assert deadline.due_at == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert (deadline.on_expiry, deadline.started_at) == ("remind", T0)
    assert [d.name for d in fired.timers_started] == ["reminder"]
    assert fired.case.payload["reminder_at"] == due


def test_the_moment_may_come_from_the_payload_or_the_case_and_any_offset_is_utc() -> None:
    given = fire(MACHINE, case(), "book", OWNER, {"reminder_at": "2026-12-01T10:00:00+02:00"}, T0)
    assert given.case.deadlines["reminder"].due_at == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    kept = fire(MACHINE, case(reminder_at="2026-12-02T08:00:00+00:00"), "book", OWNER, {}, T0)
    assert kept.case.deadlines["reminder"].due_at == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def test_no_moment_means_no_timer_and_a_running_one_stops() -> None:
    first = fire(MACHINE, case(), "book", OWNER, {"set": {"reminder_at": "2026-12-01T08:00Z"}}, T0)
    moved = fire(MACHINE, first.case, "book", OWNER, {"set": {"reminder_at": None}}, T0)
    assert "reminder" not in moved.case.deadlines
    assert moved.timers_cancelled == ("reminder",) and moved.timers_started == ()
    never = fire(MACHINE, case(), "book", OWNER, {}, T0)
    assert never.case.deadlines == {} and never.timers_cancelled == ()


def test_a_moment_moved_rearms_the_timer() -> None:
    first = fire(MACHINE, case(), "book", OWNER, {"set": {"reminder_at": "2026-12-01T08:00Z"}}, T0)
    later = T0 + timedelta(hours=1)
    moved = fire(
        MACHINE, first.case, "book", OWNER, {"set": {"reminder_at": "2026-12-05T08:00Z"}}, later
    )
    assert moved.timers_cancelled == ("reminder",)
    assert [d.due_at for d in moved.timers_started] == [datetime(2026, 12, 5, 8, tzinfo=UTC)]


def test_a_moment_without_its_offset_is_refused() -> None:
    with pytest.raises(ValueError, match="reminder_at"):
        fire(MACHINE, case(), "book", OWNER, {"set": {"reminder_at": "2026-12-01T08:00"}}, T0)


def test_a_timer_is_due_after_a_delay_or_at_a_moment_not_both() -> None:
    with pytest.raises(ValueError, match="due at a moment"):
        Machine(
            case_type="bad",
            prefix="B",
            states=(State("a", StateKind.INITIAL), State("b")),
            transitions=(
                Transition("go", ("a",), "b", CITIZEN, effects=(StartTimer("t", "go", 1, at="k"),)),
            ),
        )


def test_the_diagram_says_where_the_moment_comes_from() -> None:
    assert "book (citizen) ⏱ reminder at reminder_at" in to_mermaid(MACHINE)
