"""The case types of this service, as machines of the case engine, one per track and each
with its own legal basis:

- ``school`` (MEN, seed 000): the Ministry of National Education's own procedure for foreign
  school certificates and the BTS. Filed online, followed to an acceptance or non-acceptance
  letter, then a copy of the decision once published in the BO. No committee, no review (no
  seed gives this track one), nothing of decree 2.13.165.
- ``higher`` (MESRSI, seed 002: decree 2.13.165 as amended by 2.19.281): intake (art. 2),
  the agency's expertise report (art. 12), a sector committee (arts. 4-7), the ministry's
  order published in the BO or a reasoned refusal by registered letter (arts. 6, 10), the
  60-day review by the Higher Committee (arts. 6, 8), conditions (art. 7) until a final
  order (art. 10), re-examination and revocation (art. 11).

Both declare the decision clock (workflow.legal): from filing, paused while the applicant
owes a complement, stopped at the decision; the higher track's is extended once when an
expertise is requested (art. 12)."""

from __future__ import annotations

from chalicelib.services.equivalence import domain, guards
from chalicelib.services.equivalence.checklists import case_documents, every_kind
from chalicelib.workflow.case import Case
from chalicelib.workflow.guards import all_of
from chalicelib.workflow.legal import decision_clock
from chalicelib.workflow.machine import (
    CITIZEN_ROLE,
    SYSTEM_ROLE,
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
COMMITTEE = frozenset({"committee_member"})
CITIZEN = CITIZEN_ROLE
SYSTEM = SYSTEM_ROLE
COMPLEMENT_DAYS = 30  # unverified: art. 6 (seed 002) lets a committee ask, names no deadline
A, W, T = StateKind.ACTIVE, StateKind.WAITING, StateKind.TERMINAL

# ---------------------------------------------------------------- shared steps

_COMPLEMENT_STATES = (
    State("complement_requested", W, "the applicant owes a complement"),
    State("complement_received", A, "back with whoever asked for it"),
    State("complement_missed", A, "the complement's deadline passed"),
)


def _filing_transitions(worked: tuple[str, ...], askers: frozenset[str]) -> tuple[Transition, ...]:
    t = Transition
    return (
        t(
            "request_complement",
            (*worked, "complement_received", "complement_missed"),
            "complement_requested",
            askers,
            requires_reason=True,
            same_office=False,  # a committee sits outside the ministry: the service checks
            effects=(
                Notify("equivalence_complement_requested"),
                StartTimer("complement_due", "complement_missed", days=COMPLEMENT_DAYS),
            ),
        ),
        t(
            "complement",
            ("complement_requested",),
            "complement_received",
            CITIZEN,
            effects=(CancelTimer("complement_due"), Notify("equivalence_complement_received")),
        ),
        t(
            "complement_missed",
            ("complement_requested",),
            "complement_missed",
            SYSTEM,
            effects=(Notify("equivalence_complement_missed"),),
        ),
        t(
            "close_file",
            ("complement_missed",),
            "closed",
            OFFICER,
            requires_reason=True,
            guard=guards.nothing_decided,
            effects=(Notify("equivalence_closed"),),
        ),
        t(
            "submit",
            ("draft",),
            "submitted",
            CITIZEN,
            guard=guards.documents_verified,
            effects=(Notify("equivalence_submitted"),),
        ),
    )


# ---------------------------------------------------------------- the school track (seed 000)

SCHOOL_STATES = (
    State("draft", StateKind.INITIAL, "being written by the applicant"),
    State("submitted", A, "filed: the ministry studies the request"),
    *_COMPLEMENT_STATES,
    State(
        "accepted", W, "acceptance letter: the decision is to be published in the BO", decision=True
    ),
    State(
        "published", T, "the decision is published in the BO: a copy is available", decision=True
    ),
    State(
        "not_accepted", T, "non-acceptance letter, with its reasons", refusal=True, decision=True
    ),
    State("closed", T, "closed: the complement never came", refusal=True),
)

# Seed 000 cites law 55.19 for processing times: the kernel's decision clock (its figure is
# unverified, workflow/legal.py). It stops at the acceptance or non-acceptance letter.
SCHOOL_DECISION = decision_clock(
    start=("submit",),
    pause=("request_complement",),
    resume=("complement",),
    stop=("accept_request", "decline_request"),
)


def _school_transitions() -> tuple[Transition, ...]:
    t = Transition
    return (
        *_filing_transitions(("submitted",), OFFICER),
        t(
            "accept_request",
            ("submitted", "complement_received"),
            "accepted",
            OFFICER,
            guard=guards.national_diploma_named,
            effects=(Notify("equivalence_school_accepted"),),
            description="the acceptance letter (seed 000)",
        ),
        t(
            "decline_request",
            ("submitted", "complement_received", "complement_missed"),
            "not_accepted",
            OFFICER,
            requires_reason=True,
            effects=(Notify("equivalence_school_not_accepted"),),
            description="the non-acceptance letter (seed 000)",
        ),
        t(
            "publish_decision",
            ("accepted",),
            "published",
            OFFICER,
            effects=(Notify("equivalence_school_published"),),
            description="the decision published in the BO: its copy (seed 000)",
        ),
    )


# ---------------------------------------------------------------- the higher track (seed 002)

# Art. 6: 60 days from the notification of the outcome, the day on the acknowledgement of
# receipt (or of the letter's first presentation) that the office records.
REVIEW = Clock(
    "review",
    days=60,
    start=(
        "record_receipt",
        "record_receipt_granted",
        "record_receipt_conditional",
        "record_receipt_revoked",
    ),
    stop=("request_review",),
    appeal=True,
    start_at="received_on",
    source="seed 002, art. 6",
    legal_basis={
        "ar": "المادة 6 من المرسوم رقم 2.13.165 كما تم تغييره بالمرسوم رقم 2.19.281: أجل 60 "
        "يوما ابتداء من تاريخ التبليغ لطلب إعادة النظر، يحال على اللجنة العليا لمعادلة الشهادات.",
        "fr": "Décret n° 2-13-165 modifié par le décret n° 2-19-281, art. 6 : 60 jours à compter "
        "de la notification pour demander le réexamen, soumis à la Commission supérieure.",
        "en": "Decree 2.13.165 as amended by 2.19.281, art. 6: 60 days from notification to ask "
        "for a review, referred to the Higher Equivalence Committee.",
    },
)
HIGHER_DECISION = decision_clock(
    start=("submit",),
    pause=("request_complement",),
    resume=("complement",),
    stop=("decide", "refuse"),
    extension=Extension("request_expertise", domain.EXPERTISE_EXTENSION_DAYS),
)

HIGHER_STATES = (
    State("draft", StateKind.INITIAL, "being written by the applicant"),
    State("submitted", A, "filed: the ministry checks admissibility (art. 2)"),
    State("accepted", A, "admissible: the expertise report (art. 12), then the committee"),
    *_COMPLEMENT_STATES,
    State("with_committee", A, "studied by the sector committee (arts. 4-6)"),
    State("proposed", A, "a committee proposed: the ministry decides"),
    State("decided", A, "the order is signed (art. 10): publication in the BO", decision=True),
    State("granted", W, "equivalence granted by a published order", decision=True),
    State("conditional", W, "conditional equivalence (art. 7): conditions pending", decision=True),
    State(
        "refused",
        W,
        "reasoned refusal, by registered letter with acknowledgement (art. 6)",
        refusal=True,
        decision=True,
    ),
    State("review_requested", A, "with the Higher Equivalence Committee (arts. 6, 8)"),
    State("reexamination", A, "an order is re-examined by its sector committee (art. 11)"),
    State(
        "revoked",
        W,
        "order revoked from the day its ground was established (art. 11)",
        refusal=True,
        decision=True,
    ),
    State("not_admissible", T, "not admissible (art. 2)", refusal=True),
    State("closed", T, "closed: the complement never came", refusal=True),
)

WORKED = ("submitted", "accepted", "with_committee", "reexamination", "review_requested")
NOTIFIED = ("granted", "conditional", "refused", "revoked")  # decisions one may contest
RECEIPTS = {  # the state of a notified decision -> the transition recording its receipt
    "refused": "record_receipt",
    "granted": "record_receipt_granted",
    "conditional": "record_receipt_conditional",
    "revoked": "record_receipt_revoked",
}


def _higher_transitions() -> tuple[Transition, ...]:
    t = Transition
    return (
        *_filing_transitions(WORKED, OFFICER | COMMITTEE),
        t(
            "accept_file",
            ("submitted", "complement_received"),
            "accepted",
            OFFICER,
            guard=all_of(guards.at_step("submitted"), guards.admissible),
            effects=(Notify("equivalence_accepted"),),
        ),
        t(
            "declare_not_admissible",
            ("submitted", "complement_received", "complement_missed"),
            "not_admissible",
            OFFICER,
            requires_reason=True,
            guard=guards.at_step("submitted"),
            effects=(Notify("equivalence_not_admissible"),),
        ),
        t(
            "request_expertise",
            ("accepted", "complement_received"),
            "accepted",
            OFFICER,
            requires_reason=True,
            guard=guards.at_step("accepted"),
            effects=(Notify("equivalence_expertise_requested"),),
            description="art. 12: the agency's report is asked for; the decision clock "
            "is extended once",
        ),
        t(
            "refer",
            ("accepted", "complement_received"),
            "with_committee",
            OFFICER,
            guard=all_of(guards.at_step("accepted"), guards.expertise_ready),
            effects=(Notify("equivalence_referred"),),
        ),
        t(
            "consult",
            ("with_committee",),
            "with_committee",
            COMMITTEE,
            requires_reason=True,
            same_office=False,
            guard=guards.consultation_valid,
            description="art. 6: a special committee or a qualified person, at the chair's request",
        ),
        t(
            "propose",
            (
                "with_committee",
                "reexamination",
                "review_requested",
                "complement_received",
                "complement_missed",
            ),
            "proposed",
            COMMITTEE,
            guard=all_of(
                guards.at_step("with_committee", "reexamination", "review_requested"),
                guards.proposal_valid,
            ),
            same_office=False,
            effects=(Notify("equivalence_proposed"),),
        ),
        t(
            "decide",
            ("proposed", "conditional"),
            "decided",
            OFFICER,
            guard=guards.order_possible,
            effects=(Notify("equivalence_decided"),),
            description="the ministry's order (art. 10); from a conditional equivalence, the "
            "new order stating the conditions met",
        ),
        t(
            "refuse",
            ("proposed",),
            "refused",
            OFFICER,
            requires_reason=True,
            guard=guards.outcome_proposed("refusal"),
            effects=(Notify("equivalence_refused"),),
            description="art. 6 (3): a reasoned refusal by registered letter with "
            "acknowledgement of receipt; not an order, not published",
        ),
        t(
            "maintain_granted",
            ("proposed",),
            "granted",
            OFFICER,
            guard=guards.stands("equivalence", "final"),
            effects=(Notify("equivalence_maintained"),),
        ),
        t(
            "maintain_conditional",
            ("proposed",),
            "conditional",
            OFFICER,
            guard=guards.stands("conditional"),
            effects=(Notify("equivalence_maintained"),),
        ),
        t(
            "maintain_revoked",
            ("proposed",),
            "revoked",
            OFFICER,
            requires_reason=True,
            guard=guards.stands("revocation"),
            effects=(Notify("equivalence_maintained"),),
        ),
        t(
            "publish_equivalence",
            ("decided",),
            "granted",
            OFFICER,
            guard=guards.outcome_is("equivalence"),
            effects=(Notify("equivalence_granted"),),
        ),
        t(
            "publish_conditional",
            ("decided",),
            "conditional",
            OFFICER,
            guard=guards.outcome_is("conditional"),
            effects=(Notify("equivalence_conditional"),),
        ),
        t(
            "publish_final",
            ("decided",),
            "granted",
            OFFICER,
            guard=guards.outcome_is("final"),
            effects=(Notify("equivalence_conditions_met"),),
        ),
        t(
            "publish_revocation",
            ("decided",),
            "revoked",
            OFFICER,
            requires_reason=True,
            guard=guards.outcome_is("revocation"),
            effects=(Notify("equivalence_revoked"),),
        ),
        *(
            t(
                name,
                (state,),
                state,
                OFFICER,
                requires_reason=state in ("refused", "revoked"),  # its reasons are repeated
                guard=guards.receipt_not_recorded,
                effects=(Notify("equivalence_review_window"),),
                description="the notification's day (acknowledgement of receipt, art. 6): "
                "the review window opens",
            )
            for state, name in RECEIPTS.items()
        ),
        t(
            "request_review",
            NOTIFIED,
            "review_requested",
            CITIZEN,
            requires_reason=True,
            guard=guards.review_window_open,
            effects=(Notify("equivalence_review_requested"),),
        ),
        t(
            "condition_met",
            ("conditional",),
            "conditional",
            OFFICER,
            guard=guards.condition_pending,
            effects=(Notify("equivalence_condition_met"),),
        ),
        t(
            "condition_failed",
            ("conditional",),
            "conditional",
            OFFICER,
            guard=guards.remedy_allowed,
            effects=(Notify("equivalence_condition_failed"),),
            description="art. 7 (1) (b): a failed evaluation exam gives way to a clinical "
            "internship or a complementary training",
        ),
        t(
            "reopen",
            ("granted", "conditional"),
            "reexamination",
            OFFICER,
            requires_reason=True,
            guard=guards.reexamination_ground,
            effects=(Notify("equivalence_reexamination"),),
        ),
    )


def committee_guests(case: Case) -> frozenset[tuple[str, str]]:
    """The committee that holds the file reads it (documents included) while it does, and
    so do the special committees and qualified persons it consulted (art. 6)."""
    committee = domain.committee_of(case.state, case.payload)
    if not committee:
        return frozenset()
    invited = {
        ("committee_member", str(g["guest"])) for g in domain.consulted_by(case.payload, committee)
    }
    return frozenset({("committee_member", committee), *invited})


# What the applicant does not read before the decision is notified (then its content is in
# ``decisions``): the proposal and its per-criterion assessment, the order still unpublished,
# whom the committee consulted.
INTERNAL = ("proposal", "proposal_input", "decided", "consulted", "consultation")

SCHOOL = Machine(
    case_type=domain.CASE_TYPES["school"],
    prefix="EQ",
    title="Equivalence of a foreign school certificate or BTS (MEN, seed 000)",
    states=SCHOOL_STATES,
    transitions=_school_transitions(),
    documents=every_kind("school"),
    clocks=(SCHOOL_DECISION,),
    case_documents=case_documents,
    internal=INTERNAL,
)
HIGHER = Machine(
    case_type=domain.CASE_TYPES["higher"],
    prefix="EQ",
    title="Equivalence of a higher-education diploma (MESRSI, decree 2.13.165)",
    states=HIGHER_STATES,
    transitions=_higher_transitions(),
    documents=every_kind("higher"),
    clocks=(HIGHER_DECISION, REVIEW),
    case_documents=case_documents,
    guests=committee_guests,
    internal=INTERNAL,
)
STATES = (
    *HIGHER_STATES,
    *(s for s in SCHOOL_STATES if s.name not in {h.name for h in HIGHER_STATES}),
)
MACHINES: tuple[Machine, ...] = (SCHOOL, HIGHER)
BY_TRACK = {"school": SCHOOL, "higher": HIGHER}
