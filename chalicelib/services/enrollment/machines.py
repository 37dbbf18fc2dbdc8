"""The case types of this service, as machines of the case engine.

A pre-registration is filed (``submitted``); the school's director approves it (the pupil
is exported to Massar, which answers with a pupil code: ``registered``) or rejects it with
a reason; the director may first ask for a document (``documents_requested``), which pauses
the decision clock; the guardian may withdraw it until it is decided. Massar may refuse an
approved pupil for good (``massar_refused``, with Massar's words); only its transient errors
are retried. The guardian is told of the decision, of the pupil code and of a refusal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.workflow import legal, owed
from chalicelib.workflow.case import Case
from chalicelib.workflow.machine import (
    CITIZEN_ROLE,
    JPEG,
    PNG,
    SYSTEM_ROLE,
    DocumentRule,
    Export,
    Machine,
    Notify,
    State,
    StateKind,
    Transition,
)
from chalicelib.workflow.owed import OWING

DIRECTOR = frozenset({"school_director"})
CITIZEN = CITIZEN_ROLE
SYSTEM = SYSTEM_ROLE


def _photo_checked(case: Case, payload: Mapping[str, Any]) -> str | None:
    """Massar takes the pupil's photo: it must have arrived and passed the checks."""
    if any(d.kind == "photo" and d.status == "verified" for d in case.documents):
        return None
    return "the child's photo has not been received and checked yet"


def _has_pupil_code(case: Case, payload: Mapping[str, Any]) -> str | None:
    code = payload.get("set", {}).get("massar_code")
    return None if code else "Massar's pupil code is missing"


# The director may ask for a document (seed 001: the director checks the birth date and the
# residence); the guardian attaches it and says so.
DOCUMENTS_OWED = owed.documents_owed(
    asked_in="submitted", asked_by=DIRECTOR, template="enrollment_documents_requested"
)
# The request is filed when it is created (seed 001: the guardian's online request goes to
# the director); the director's approval or rejection is the decision. No seed gives its
# length: law 55.19's, unverified.
DECISION = legal.decision_clock(
    start=(legal.CREATED,),
    pause=owed.PAUSE,
    resume=owed.RESUME,
    stop=("approve", "reject"),
)

ENROLLMENT = Machine(
    case_type="enrollment",
    prefix="PR",
    title="School pre-registration (Massar)",
    states=(
        State("submitted", StateKind.INITIAL, "with the school's director"),
        DOCUMENTS_OWED.state,
        State("approved", StateKind.WAITING, "approved; being registered in Massar", decision=True),
        # follows an approval: Massar's acknowledgement, not another decision
        State("registered", StateKind.TERMINAL, "registered in Massar with a pupil code"),
        State(
            "rejected", StateKind.TERMINAL, "rejected with a reason", refusal=True, decision=True
        ),
        State("withdrawn", StateKind.TERMINAL, "withdrawn by the guardian"),
        # follows an approval: Massar's refusal of the pupil's record, not the director's
        State(
            "massar_refused",
            StateKind.TERMINAL,
            "refused by Massar for good, with its reason",
            refusal=True,
        ),
    ),
    transitions=(
        Transition(
            "approve",
            ("submitted",),
            "approved",
            DIRECTOR,
            guard=_photo_checked,
            effects=(Export("massar"), Notify("enrollment_approved")),
            description="the director completes the registration: the pupil goes to Massar",
        ),
        *DOCUMENTS_OWED.transitions,
        Transition(
            "reject",
            ("submitted", OWING),
            "rejected",
            DIRECTOR,
            requires_reason=True,
            effects=(Notify("enrollment_rejected"),),
            description="under the legal age, outside the school's sector, or another reason",
        ),
        Transition(
            "withdraw",
            ("submitted", OWING),
            "withdrawn",
            CITIZEN,
            description="the guardian withdraws the request before it is decided",
        ),
        Transition(
            "exported",
            ("approved",),
            "registered",
            SYSTEM,
            guard=_has_pupil_code,
            effects=(Notify("enrollment_registered"),),
            description="Massar acknowledged the pupil and gave its pupil code",
        ),
        Transition(
            "massar_refusal",
            ("approved",),
            "massar_refused",
            SYSTEM,
            requires_reason=True,
            effects=(Notify("enrollment_massar_refused"),),
            description="Massar refused the pupil for good (not a throttle, not an outage)",
        ),
    ),
    documents=(
        DocumentRule(
            "photo",
            content_types=(JPEG, PNG),
            max_bytes=2 * 1024 * 1024,
            titles={"ar": "صورة الطفل", "fr": "Photo de l'enfant", "en": "The child's photo"},
        ),
        owed.REQUESTED_DOCUMENT,
    ),
    clocks=(DECISION,),
)

MACHINES: tuple[Machine, ...] = (ENROLLMENT,)
