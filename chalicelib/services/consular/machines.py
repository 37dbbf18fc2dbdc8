"""The case types of this service, as machines of the case engine.

An appointment request is validated by the consulate, then booked by the citizen. Its
timers fall due at moments the case knows (``StartTimer(..., at=key)``): the reminder 24
hours before the booked slot (``reminder_at``), the attendance deadline at midnight after the
appointment's day in the consulate's zone (``attendance_until``), and the hold of a seat
offered from the waiting list (``offered_until``). Two transitions have reactions (run by
the cases stream once they happened): a hold run out offers the seat to the next in line,
and a no-show is marked on the day's list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.services.consular import checklists
from chalicelib.workflow import legal, owed
from chalicelib.workflow.case import Case
from chalicelib.workflow.machine import (
    CITIZEN_ROLE,
    SYSTEM_ROLE,
    CancelTimer,
    DocumentRule,
    Machine,
    Notify,
    StartTimer,
    State,
    StateKind,
    Transition,
)
from chalicelib.workflow.reactions import register

CASE_TYPE = "consular_appointment"
AGENT = frozenset({"consular_agent"})
CITIZEN = CITIZEN_ROLE
CITIZEN_OR_AGENT = CITIZEN | AGENT
SYSTEM = SYSTEM_ROLE

REMINDER, ATTENDANCE, OFFER = "reminder", "attendance", "offer_hold"
BOOKING_TIMERS = (REMINDER, ATTENDANCE)
ALL_TIMERS = (CancelTimer(REMINDER), CancelTimer(ATTENDANCE), CancelTimer(OFFER))
# A booking sets the moments (no reminder_at for a slot less than a day away: no reminder).
_BOOKING_TIMERS = (
    StartTimer(REMINDER, "remind", at="reminder_at"),
    StartTimer(ATTENDANCE, "no_show", at="attendance_until"),
    CancelTimer(OFFER),
)
OFFER_HOLD_SECONDS = 15 * 60  # how long a seat given back is kept for the first in line
# Every kind any request may take; which ones a request needs is its checklist's
# (``checklists.case_documents``: its service's, and the proof of a guardian's tie).
DOCUMENTS: tuple[DocumentRule, ...] = checklists.every_rule()


def documents_ready(case: Case, payload: Mapping[str, Any]) -> str | None:
    """No validation while a required document of the checklist has no verified copy."""
    missing = checklists.missing(case)
    return f"required documents missing: {', '.join(missing)}" if missing else None


# The consulate asks for what is missing before it validates; the citizen (or an agent who
# received it at the counter) says it is there.
DOCUMENTS_OWED = owed.documents_owed(
    asked_in="submitted",
    asked_by=AGENT,
    template="consular_documents_requested",
    answered_by=CITIZEN_OR_AGENT,
    owing="the citizen owes documents",
)
# The consulate's validation is its administrative decision (seed 004: requests are
# validated before the citizen picks a date): no text gives its length, so law 55.19's.
DECISION = legal.decision_clock(
    start=(legal.CREATED,),
    pause=owed.PAUSE,
    resume=owed.RESUME,
    stop=("validate", "reject"),
)

APPOINTMENT = Machine(
    case_type=CASE_TYPE,
    prefix="RDV",
    title="Consular appointment (Rendez-vous)",
    documents=DOCUMENTS,
    states=(
        State("submitted", StateKind.INITIAL, "with the consulate, to be validated"),
        DOCUMENTS_OWED.state,
        State(
            "rejected", StateKind.TERMINAL, "rejected by the consulate", refusal=True, decision=True
        ),
        State(
            "validated", StateKind.WAITING, "validated: the citizen may book a slot", decision=True
        ),
        State("entered", StateKind.WAITING, "entered in a release round: the draw decides"),
        State("waiting", StateKind.WAITING, "on the waiting list: no slot was free"),
        State("offered", StateKind.WAITING, "a seat given back is held for the citizen"),
        State("booked", StateKind.WAITING, "an appointment is booked"),
        State("checked_in", StateKind.TERMINAL, "the citizen came"),
        State("no_show", StateKind.TERMINAL, "the citizen did not come"),
        State("withdrawn", StateKind.TERMINAL, "withdrawn by the citizen"),
    ),
    transitions=(
        Transition(
            "validate",
            ("submitted",),
            "validated",
            AGENT,
            guard=documents_ready,
            effects=(Notify("consular_validated"),),
        ),
        *DOCUMENTS_OWED.transitions,
        Transition(
            "reject",
            ("submitted", "documents_requested"),
            "rejected",
            AGENT,
            requires_reason=True,
            effects=(Notify("consular_rejected"),),
        ),
        # Release rounds (decision 56): the seats of a round's slots go by a draw.
        Transition(
            "enter_round",
            ("validated",),
            "entered",
            CITIZEN,
            description="an entry in a release round, with the acceptable days",
        ),
        Transition(
            "leave_round",
            ("entered",),
            "validated",
            CITIZEN,
            description="the entry withdrawn before the round closes",
        ),
        Transition(
            "draw_won",
            ("entered",),
            "booked",
            SYSTEM,
            effects=_BOOKING_TIMERS,
            description="drawn: a seat of the earliest acceptable slot still free, booked in "
            "one transaction with this transition (the notice written by the draw)",
        ),
        Transition(
            "draw_lost",
            ("entered",),
            "waiting",
            SYSTEM,
            effects=(Notify("consular_draw_lost"),),
            description="no acceptable slot had a seat left at the entry's turn: on the "
            "waiting list in draw order",
        ),
        Transition(
            "join_waiting_list",
            ("validated",),
            "waiting",
            CITIZEN,
            effects=(Notify("consular_waiting", channels=("email",)),),
        ),
        Transition(
            "offer",
            ("waiting",),
            "offered",
            SYSTEM,
            effects=(
                StartTimer(OFFER, "offer_expired", at="offered_until"),
                Notify("consular_seat_offered"),
            ),
            description="a seat was given back: it is held for the first in line",
        ),
        Transition(
            "offer_expired",
            ("offered",),
            "validated",
            SYSTEM,
            description="the held seat was not booked in time; it goes to the next in line",
        ),
        Transition(
            "book",
            ("validated", "waiting", "offered"),
            "booked",
            CITIZEN,
            effects=_BOOKING_TIMERS,
            description="a seat of a slot taken, in one transaction with this transition",
        ),
        Transition(
            "rebook",
            ("booked",),
            "booked",
            CITIZEN,
            effects=_BOOKING_TIMERS,
            description="another slot instead: the old seat given back, the new one taken",
        ),
        Transition(
            "cancel",
            ("booked",),
            "validated",
            CITIZEN,
            # the notice (with the calendar's cancellation) is written by the booking use case
            effects=ALL_TIMERS,
        ),
        Transition(
            "day_closed",
            ("booked",),
            "waiting",
            AGENT,
            requires_reason=True,
            effects=(*ALL_TIMERS, Notify("consular_day_closed")),
            description="the consulate closed the appointment's day: first on the waiting list",
        ),
        Transition(
            "remind",
            ("booked",),
            "booked",
            SYSTEM,
            effects=(Notify("consular_reminder"),),
        ),
        Transition("check_in", ("booked",), "checked_in", AGENT),
        Transition(
            "no_show",
            ("booked",),
            "no_show",
            SYSTEM,
            description="not checked in by the end of the appointment's day",
        ),
        Transition(
            "withdraw",
            ("submitted", "documents_requested", "validated", "waiting", "offered"),
            "withdrawn",
            CITIZEN,
        ),
    ),
    clocks=(DECISION,),
    case_documents=checklists.case_documents,
)

MACHINES: tuple[Machine, ...] = (APPOINTMENT,)


_HERE = "chalicelib.services.consular"
register(CASE_TYPE, "offer_expired", f"{_HERE}.waiting:after_offer_expired")
register(CASE_TYPE, "no_show", f"{_HERE}.day:after_no_show")
