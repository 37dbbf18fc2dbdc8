"""The case engine's rules, on the demo case type, with no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.workflow.case import Case
from chalicelib.workflow.engine import Actor, TransitionRefused, due_timer, fire
from chalicelib.workflow.machine import Machine, StartTimer, State, StateKind, Transition
from tests.support.demo_case import DEMO

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
OWNER = Actor("citizen-1", frozenset({"citizen"}))
OFFICER = Actor("officer-1", frozenset({"equivalence_officer"}), "MEN")


def case(state: str = "draft", **payload: object) -> Case:
    return Case(
        "c1",
        "DM-2026-000001",
        "demo",
        "citizen-1",
        "MEN",
        state,
        3,
        T0,
        T0,
        payload=dict(payload or {"summary": "a file"}),
        history_length=2,
    )


def test_a_transition_moves_the_case_and_records_history() -> None:
    fired = fire(DEMO, case(), "submit", OWNER, {"note": "hi"}, T0)
    assert fired.case.state == "submitted" and fired.case.version == 4
    entry = fired.entry
    assert (entry.seq, entry.event, entry.from_state, entry.to_state) == (
        3,
        "submit",
        "draft",
        "submitted",
    )
    assert (entry.actor, entry.role, entry.data["note"]) == ("citizen-1", "citizen", "hi")
    assert [c["clock"] for c in entry.data["clocks"]] == ["decision"]  # submit starts it
    assert [n.template for n in fired.notifications] == ["case_submitted"]


def test_wrong_state_is_refused() -> None:
    with pytest.raises(TransitionRefused) as caught:
        fire(DEMO, case("accepted"), "submit", OWNER, {}, T0)
    assert caught.value.code == "wrong_state"


def test_wrong_role_is_refused() -> None:
    with pytest.raises(TransitionRefused) as caught:
        fire(DEMO, case("submitted"), "accept", OWNER, {}, T0)
    assert caught.value.code == "wrong_role"


def test_only_the_owner_acts_as_the_citizen() -> None:
    stranger = Actor("citizen-2", frozenset({"citizen"}))
    with pytest.raises(TransitionRefused) as caught:
        fire(DEMO, case(), "submit", stranger, {}, T0)
    assert caught.value.code == "wrong_role"


def test_staff_of_another_office_is_refused() -> None:
    other = Actor("officer-2", frozenset({"equivalence_officer"}), "MESRSI")
    with pytest.raises(TransitionRefused) as caught:
        fire(DEMO, case("submitted"), "accept", other, {}, T0)
    assert caught.value.code == "wrong_office"


def test_guard_says_why() -> None:
    with pytest.raises(TransitionRefused) as caught:
        fire(DEMO, case(summary=""), "submit", OWNER, {}, T0)
    assert caught.value.code == "guard_failed" and "summary" in caught.value.message


def test_a_refusal_needs_a_reason() -> None:
    with pytest.raises(TransitionRefused) as caught:
        fire(DEMO, case("submitted"), "refuse", OFFICER, {}, T0, reason="  ")
    assert caught.value.code == "reason_required"
    assert (
        fire(DEMO, case("submitted"), "refuse", OFFICER, {}, T0, "not authentic").case.state
        == "refused"
    )


def test_unknown_action_is_refused() -> None:
    with pytest.raises(TransitionRefused) as caught:
        fire(DEMO, case(), "teleport", OWNER, {}, T0)
    assert caught.value.code == "unknown_transition"


def test_timers_start_and_stop() -> None:
    asked = fire(DEMO, case("submitted"), "request_complement", OFFICER, {}, T0, "send the diploma")
    deadline = asked.case.deadlines["complement_due"]
    assert deadline.due_at == T0 + timedelta(days=30)
    assert asked.timers_started == (deadline,)
    answered = fire(DEMO, asked.case, "complement", OWNER, {}, T0 + timedelta(days=3))
    assert answered.case.deadlines == {} and answered.timers_cancelled == ("complement_due",)


def test_a_terminal_state_cancels_every_timer() -> None:
    asked = fire(DEMO, case("submitted"), "request_complement", OFFICER, {}, T0, "send it")
    withdrawn = fire(DEMO, asked.case, "withdraw", OWNER, {}, T0)
    assert withdrawn.case.deadlines == {} and withdrawn.timers_cancelled == ("complement_due",)


def test_a_timer_callback_counts_only_while_the_case_waits_for_it() -> None:
    asked = fire(DEMO, case("submitted"), "request_complement", OFFICER, {}, T0, "send it")
    due = asked.case.deadlines["complement_due"].due_at
    assert due_timer(asked.case, "complement_due", due) is not None
    assert due_timer(asked.case, "complement_due", due - timedelta(days=1)) is None  # stale
    assert due_timer(case("submitted"), "complement_due", due) is None  # moot


def test_transition_data_changes_the_payload_only_through_set() -> None:
    fired = fire(
        DEMO,
        case("submitted"),
        "accept",
        OFFICER,
        {"set": {"outcome": "granted"}, "comment": "ok"},
        T0,
    )
    assert fired.case.payload == {"summary": "a file", "outcome": "granted"}


def test_machines_are_checked_when_declared() -> None:
    with pytest.raises(ValueError, match="unknown states"):
        Machine(
            "bad",
            "BD",
            (State("a", StateKind.INITIAL),),
            (Transition("go", ("a",), "nowhere", frozenset({"citizen"})),),
        )
    with pytest.raises(ValueError, match="no transition"):
        Machine(
            "bad",
            "BD",
            (State("a", StateKind.INITIAL),),
            (
                Transition(
                    "go",
                    ("a",),
                    "a",
                    frozenset({"citizen"}),
                    effects=(StartTimer("t", "missing", days=1),),
                ),
            ),
        )
