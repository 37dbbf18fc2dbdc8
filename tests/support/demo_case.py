"""A case type used only by tests: it goes through every mechanism of the case engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.workflow.case import Case
from chalicelib.workflow.machine import (
    CancelTimer,
    Clock,
    Extension,
    Machine,
    Notify,
    StartTimer,
    State,
    StateKind,
    Transition,
)

OFFICER = frozenset({"equivalence_officer"})
CITIZEN = frozenset({"citizen"})
SYSTEM = frozenset({"system"})


def _has_summary(case: Case, payload: Mapping[str, Any]) -> str | None:
    return None if case.payload.get("summary") else "the file has no summary yet"


# The administration's time to decide (law 55.19): paused while the applicant owes documents,
# extended once for an expertise, and for this (listed) decision silence is consent.
DECISION = Clock(
    "decision",
    days=60,
    working_days=True,  # the law counts calendar days; working days exercise the calendar
    start=("submit",),
    pause=("request_complement",),
    resume=("complement",),
    stop=("accept", "refuse"),
    extension=Extension("order_expertise", days=30),
    on_expiry="granted_by_silence",
    silence_is_consent=True,
    legal_basis={
        "ar": "القانون رقم 55.19 المتعلق بتبسيط المساطر والإجراءات الإدارية: أجل أقصاه 60 يوما.",
        "fr": "Loi n° 55-19 relative à la simplification des procédures et formalités "
        "administratives : délai maximal de 60 jours.",
        "en": "Law 55.19 on the simplification of administrative procedures: 60 days at most.",
    },
)
# The applicant's time to ask for a review of a refusal.
REVIEW = Clock(
    "review",
    days=60,
    start=("refuse",),
    appeal=True,
    source="seed 002, art. 6",
    legal_basis={
        "ar": "المرسوم رقم 2.13.165، المادة 6: أجل 60 يوما من تاريخ التبليغ لطلب إعادة الدراسة.",
        "fr": "Décret n° 2-13-165, article 6 : 60 jours à compter de la notification pour "
        "demander le réexamen.",
        "en": "Decree 2.13.165, article 6: 60 days from notification to ask for a review.",
    },
)

DEMO = Machine(
    case_type="demo",
    prefix="DM",
    title="Demo request (tests only)",
    states=(
        State("draft", StateKind.INITIAL, "being written by the applicant"),
        State("submitted", StateKind.ACTIVE, "with the office"),
        State("complement_requested", StateKind.WAITING, "the applicant owes documents"),
        State("accepted", StateKind.TERMINAL, decision=True),
        State("refused", StateKind.TERMINAL, refusal=True, decision=True),
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
            SYSTEM,
            effects=(Notify("case_closed"),),
        ),
        Transition(
            "order_expertise",
            ("submitted",),
            "submitted",
            OFFICER,
            requires_reason=True,
            description="an expert report is needed: the time to decide is extended once",
        ),
        Transition(
            "accept", ("submitted",), "accepted", OFFICER, effects=(Notify("case_decided"),)
        ),
        Transition(
            "granted_by_silence",
            ("submitted",),
            "accepted",
            SYSTEM,
            effects=(Notify("case_decided"),),
            description="the time to decide ran out: silence is consent",
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
    clocks=(DECISION, REVIEW),
)

# The law 55.19 clock as production types declare it (60 calendar days, nothing fired when
# it runs out): what the statistics tests measure their generated cases against.
PLAIN_DECISION = DECISION._replace(working_days=False, on_expiry="", silence_is_consent=False)
