"""A case born filed (no draft: its initial state is already the administration's turn)
starts its decision clock at its creation, recorded in the creation's history entry; a clock
that fires something when it runs out arms its timer in the same transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.store import cases as store
from chalicelib.workflow import clocks, holidays, legal, lifecycle, registry
from chalicelib.workflow.case import Contact
from chalicelib.workflow.engine import Actor
from chalicelib.workflow.machine import Machine, State, StateKind, Transition

OWNER = Actor("owner-born-filed", frozenset({"citizen"}))
OFFICER = frozenset({"school_director"})
AT = datetime(2026, 3, 2, 10, tzinfo=UTC)


def machine(case_type: str, on_expiry: str = "") -> Machine:
    return Machine(
        case_type=case_type,
        prefix="BF",
        states=(
            State("filed", StateKind.INITIAL),
            State("approved", StateKind.TERMINAL, decision=True),
            State("lapsed", StateKind.TERMINAL),
        ),
        transitions=(
            Transition("approve", ("filed",), "approved", OFFICER),
            Transition("lapse", ("filed",), "lapsed", frozenset({"system"})),
        ),
        clocks=(
            legal.decision_clock(start=(legal.CREATED,), stop=("approve",), on_expiry=on_expiry),
        ),
    )


def test_the_decision_clock_starts_at_creation_and_the_history_says_so(stack: Any) -> None:
    born = registry.register(machine("born_filed"))
    case = lifecycle.open_case(born, OWNER.subject, "SCH-1", Contact(), {}, OWNER, AT)
    kept = clocks.ClockState.of(lifecycle.load(case.id).clocks[legal.DECISION_CLOCK])
    assert (kept.state, kept.started_at) == (clocks.RUNNING, AT)
    assert kept.due_at == clocks.add_days(AT, legal.LAW_55_19_DAYS, False, holidays.moroccan())
    [created] = store.history(case.id)
    assert created.event == legal.CREATED
    assert created.data["clocks"] == [
        {"clock": "decision", "started": AT.isoformat(), "due_at": kept.due_at.isoformat()}
    ]
    assert lifecycle.load(case.id).deadlines == {}  # it fires nothing: no timer


def test_a_clock_with_an_expiry_arms_its_timer_at_creation(stack: Any) -> None:
    born = registry.register(machine("born_filed_timed", on_expiry="lapse"))
    case = lifecycle.open_case(born, OWNER.subject, "SCH-1", Contact(), {}, OWNER, AT)
    deadline = lifecycle.load(case.id).deadlines["clock:decision"]
    assert (deadline.on_expiry, deadline.started_at) == ("lapse", AT)
    assert deadline.due_at == clocks.ClockState.of(case.clocks["decision"]).due_at


def test_a_case_with_a_draft_starts_no_clock_at_creation(stack: Any) -> None:
    from tests.support.demo_case import DEMO

    registry.register(DEMO)
    case = lifecycle.open_case(DEMO, OWNER.subject, "MEN", Contact(), {}, OWNER, AT)
    assert case.clocks == {} and store.history(case.id)[0].data == {}
