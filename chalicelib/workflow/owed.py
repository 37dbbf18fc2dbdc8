"""The applicant owes something: the office asks for a document, giving its reason; the case
waits in ``documents_requested``; the applicant says it is attached (after uploading it with
``POST /cases/{id}/documents``) and the case is back where it was asked. One shape for every
case type that needs it (consular requests, pre-registrations, the baccalaureate's cases),
declared once here; the decision clock pauses at the request and resumes at the answer
(``PAUSE``, ``RESUME``), since the administration is not late while it waits."""

from __future__ import annotations

from typing import NamedTuple

from chalicelib.workflow.machine import (
    CITIZEN_ROLE,
    DocumentRule,
    Notify,
    State,
    StateKind,
    Transition,
)

ASK, ANSWER, OWING = "request_documents", "complete", "documents_requested"
PAUSE, RESUME = (ASK,), (ANSWER,)
# What the applicant uploads when what was asked for is none of the type's own kinds.
REQUESTED_DOCUMENT = DocumentRule(
    "requested_document",
    required=False,
    titles={
        "ar": "وثيقة طلبتها الإدارة",
        "fr": "Pièce demandée par l'administration",
        "en": "Document the office asked for",
    },
)


class Owed(NamedTuple):
    """The waiting state and the two transitions a machine adds to its own."""

    state: State
    ask: Transition
    answer: Transition

    @property
    def transitions(self) -> tuple[Transition, Transition]:
        return self.ask, self.answer


def documents_owed(
    *,
    asked_in: str,
    asked_by: frozenset[str],
    template: str,
    answered_by: frozenset[str] = CITIZEN_ROLE,
    channels: tuple[str, ...] = ("email", "sms"),
    owing: str = "the applicant owes a document the office asked for",
) -> Owed:
    """``asked_by`` asks, in ``asked_in``, with a reason the applicant reads (``template``);
    ``answered_by`` (the case's owner by default) brings the case back to ``asked_in``."""
    return Owed(
        State(OWING, StateKind.WAITING, owing),
        Transition(
            ASK,
            (asked_in,),
            OWING,
            asked_by,
            requires_reason=True,
            effects=(Notify(template, channels=channels),),
            description="the office asks for a document, saying which and why",
        ),
        Transition(
            ANSWER,
            (OWING,),
            asked_in,
            answered_by,
            description="the documents asked for were attached",
        ),
    )
