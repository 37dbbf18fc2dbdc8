"""Every production case type that ends in an administrative decision declares the decision
clock of law 55.19 as data, and the machine agrees with it: a guard over the registry."""

from __future__ import annotations

import pytest

from chalicelib.workflow import legal, registry
from chalicelib.workflow.machine import Machine, StateKind
from chalicelib.workflow.registry import service_of

# The services' case types (the registry may also hold a test's own, registered before).
MACHINES = [m for m in registry.machines() if service_of(m.case_type) is not None]


def ids(machine: Machine) -> str:
    return machine.case_type


@pytest.mark.parametrize("machine", MACHINES, ids=ids)
def test_a_type_with_decisions_declares_a_decision_clock(machine: Machine) -> None:
    if legal.decision_states(machine):
        assert legal.decision_clock_of(machine) is not None, machine.case_type


def after_a_decision(machine: Machine, decisions: frozenset[str]) -> set[str]:
    """The decision states and every state reachable from one."""
    reached, frontier = set(decisions), list(decisions)
    while frontier:
        state = frontier.pop()
        for t in machine.available(state):
            if t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    return reached


@pytest.mark.parametrize("machine", MACHINES, ids=ids)
def test_every_way_into_a_decision_stops_the_clock_or_is_its_expiry(machine: Machine) -> None:
    clock = legal.decision_clock_of(machine)
    decisions = legal.decision_states(machine)
    if clock is None:
        return
    decided = after_a_decision(machine, decisions)
    for t in machine.transitions:
        # Coming back to a decision from where a decision led (a booking cancelled back to
        # "validated", a review) finds the clock stopped already.
        if t.target in decisions and not set(t.sources) <= decided:
            assert t.name in clock.stop or t.name == clock.on_expiry, (machine.case_type, t.name)


@pytest.mark.parametrize("machine", MACHINES, ids=ids)
def test_the_clock_pauses_only_while_the_applicant_owes_something(machine: Machine) -> None:
    clock = legal.decision_clock_of(machine)
    if clock is None:
        return
    for name in clock.pause:
        target = machine.state(machine.transition(name).target)  # type: ignore[union-attr]
        assert target.kind is StateKind.WAITING, (machine.case_type, name)
    for name in clock.resume:
        sources = machine.transition(name).sources  # type: ignore[union-attr]
        assert all(machine.state(s).kind is StateKind.WAITING for s in sources)


@pytest.mark.parametrize("machine", MACHINES, ids=ids)
def test_silence_is_consent_only_with_a_verified_source(machine: Machine) -> None:
    for clock in machine.clocks:
        if clock.silence_is_consent:
            assert clock.source and "unverified" not in clock.source, (machine.case_type, clock)


def test_the_decision_clocks_of_this_branch() -> None:
    """Which types decide (etimbre takes a payment: no administrative decision, no clock)."""
    clocked = {m.case_type: legal.decision_clock_of(m) for m in MACHINES}
    for case_type in (
        "enrollment",
        "bac_correction",
        "bac_grant",
        "bac_complaint",
        "consular_appointment",
    ):
        clock = clocked[case_type]
        assert clock is not None, case_type
        assert (clock.days, clock.working_days) == (legal.LAW_55_19_DAYS, False)
        assert clock.source == legal.LAW_55_19_SOURCE and not clock.silence_is_consent
        assert legal.born_filed(registry.machine_for(case_type))  # filed at creation
    # a stamp is not a case at all: no machine, so no clock and nothing to count
    assert not [m for m in MACHINES if m.case_type.startswith("etimbre")]
