"""A case type used only by tests: it goes through every mechanism of the case engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.workflow.case import Case
from chalicelib.workflow.machine import (
    CancelTimer,
    Machine,
    Notify,
    StartTimer,
    State,
    StateKind,
    Transition,
)

OFFICER = frozenset({"equivalence_officer"})
CITIZEN = frozenset({"citizen"})


def _has_summary(case: Case, payload: Mapping[str, Any]) -> str | None:
    return None if case.payload.get("summary") else "the file has no summary yet"


DEMO = Machine(
    case_type="demo",
    prefix="DM",
    title="Demo request (tests only)",
    states=(
        State("draft", StateKind.INITIAL, "being written by the applicant"),
        State("submitted", StateKind.ACTIVE, "with the office"),
        State("complement_requested", StateKind.WAITING, "the applicant owes documents"),
        State("accepted", StateKind.TERMINAL),
        State("refused", StateKind.TERMINAL),
        State("closed", StateKind.TERMINAL, "closed without an answer from the applicant"),
        State("withdrawn", StateKind.TERMINAL),
    ),
    transitions=(
        Transition(
            "submit",
            ("draft",),
            "submitted",
            CITIZEN,
            guard=_has_summary,
            effects=(Notify("case_submitted"),),
        ),
        Transition(
            "request_complement",
            ("submitted",),
            "complement_requested",
            OFFICER,
            requires_reason=True,
            effects=(
                Notify("complement_requested"),
                StartTimer("complement_due", "complement_expired", days=30),
            ),
        ),
        Transition(
            "complement",
            ("complement_requested",),
            "submitted",
            CITIZEN,
            effects=(CancelTimer("complement_due"),),
        ),
        Transition(
            "complement_expired",
            ("complement_requested",),
            "closed",
            frozenset({"system"}),
            effects=(Notify("case_closed"),),
        ),
        Transition(
            "accept", ("submitted",), "accepted", OFFICER, effects=(Notify("case_decided"),)
        ),
        Transition(
            "refuse",
            ("submitted",),
            "refused",
            OFFICER,
            requires_reason=True,
            effects=(Notify("case_decided"),),
        ),
        Transition(
            "withdraw", ("draft", "submitted", "complement_requested"), "withdrawn", CITIZEN
        ),
    ),
)
