"""The case types of this service, as machines of the case engine: one per track (school,
MEN; higher, MESRSI), of the same shape. A file goes from its draft through intake (accepted
or not admissible, maybe after a complement), a committee's proposal, the ministry's order and
its publication in the Official Bulletin; then review, conditions, re-examination."""

from __future__ import annotations

from chalicelib.services.equivalence import domain, guards
from chalicelib.services.equivalence.checklists import case_documents, every_kind
from chalicelib.workflow.case import Case
from chalicelib.workflow.guards import all_of
from chalicelib.workflow.machine import (
    CITIZEN_ROLE,
    SYSTEM_ROLE,
    CancelTimer,
    Clock,
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
COMPLEMENT_DAYS = 30

# ---------------------------------------------------------------- the machine

REVIEW = Clock(
    "review",
    days=60,
    start=("publish_equivalence", "publish_conditional", "record_receipt"),
    stop=("request_review",),
    appeal=True,
    legal_basis={
        "ar": "المرسوم رقم 2.13.165 كما تم تغييره بالمرسوم رقم 2.19.281: أجل 60 يوما من تاريخ "
        "التبليغ لطلب إعادة النظر أمام اللجنة العليا للمعادلات.",
        "fr": "Décret n° 2-13-165 modifié par le décret n° 2-19-281 : 60 jours à compter de la "
        "notification pour saisir la Commission supérieure des équivalences.",
        "en": "Decree 2.13.165 as amended by 2.19.281: 60 days from notification to ask the "
        "Higher Equivalence Committee for a review.",
    },
)

STATES = (
    State("draft", StateKind.INITIAL, "being written by the applicant"),
    State("submitted", StateKind.ACTIVE, "filed: the ministry checks admissibility"),
    State("accepted", StateKind.ACTIVE, "admissible: the ministry prepares the referral"),
    State("complement_requested", StateKind.WAITING, "the applicant owes a complement"),
    State("complement_received", StateKind.ACTIVE, "back with whoever asked for it"),
    State("complement_missed", StateKind.ACTIVE, "the complement's deadline passed"),
    State("with_committee", StateKind.ACTIVE, "studied by the sector committee"),
    State("proposed", StateKind.ACTIVE, "a committee proposed: the ministry decides"),
    State("decided", StateKind.ACTIVE, "the order is signed: publication in the BO"),
    State("granted", StateKind.WAITING, "equivalence granted and published"),
    State("conditional", StateKind.WAITING, "conditional equivalence: conditions pending"),
    State("refused", StateKind.WAITING, "refusal published", refusal=True),
    State("review_requested", StateKind.ACTIVE, "with the Higher Equivalence Committee"),
    State("reexamination", StateKind.ACTIVE, "a granted equivalence is re-examined"),
    State("not_admissible", StateKind.TERMINAL, "not admissible", refusal=True),
    State("closed", StateKind.TERMINAL, "closed: the complement never came", refusal=True),
    State("revoked", StateKind.TERMINAL, "equivalence revoked from a stated date", refusal=True),
)

WORKED = ("submitted", "accepted", "with_committee", "reexamination", "review_requested")


def _transitions() -> tuple[Transition, ...]:
    t = Transition
    return (
        t(
            "submit",
            ("draft",),
            "submitted",
            CITIZEN,
            guard=guards.documents_verified,
            effects=(Notify("equivalence_submitted"),),
        ),
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
            "request_complement",
            (*WORKED, "complement_received", "complement_missed"),
            "complement_requested",
            OFFICER | COMMITTEE,
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
            effects=(Notify("equivalence_closed"),),
        ),
        t(
            "refer",
            ("accepted", "complement_received"),
            "with_committee",
            OFFICER,
            guard=guards.at_step("accepted"),
            effects=(Notify("equivalence_referred"),),
        ),
        t(
            "propose",
            ("with_committee", "reexamination", "review_requested", "complement_received"),
            "proposed",
            COMMITTEE,
            guard=all_of(
                guards.at_step("with_committee", "reexamination", "review_requested"),
                guards.proposal_valid,
            ),
            same_office=False,
            effects=(Notify("equivalence_proposed"),),
        ),
        t("decide", ("proposed",), "decided", OFFICER, effects=(Notify("equivalence_decided"),)),
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
            "publish_refusal",
            ("decided",),
            "refused",
            OFFICER,
            requires_reason=True,
            guard=guards.outcome_is("refusal"),
            effects=(Notify("equivalence_refused"),),
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
        t(
            "record_receipt",
            ("refused",),
            "refused",
            OFFICER,
            requires_reason=True,  # the target is a refusal: its reasons are repeated
            guard=guards.receipt_not_recorded,
            effects=(Notify("equivalence_review_window"),),
            description="the refusal's proof of receipt: the review window opens",
        ),
        t(
            "request_review",
            ("granted", "conditional", "refused"),
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
            guard=guards.condition_pending(last=False),
            effects=(Notify("equivalence_condition_met"),),
        ),
        t(
            "conditions_met",
            ("conditional",),
            "granted",
            OFFICER,
            guard=guards.condition_pending(last=True),
            effects=(Notify("equivalence_conditions_met"),),
        ),
        t(
            "reopen",
            ("granted", "conditional"),
            "reexamination",
            OFFICER,
            requires_reason=True,
            effects=(Notify("equivalence_reexamination"),),
        ),
    )


def committee_guests(case: Case) -> frozenset[tuple[str, str]]:
    """The committee that holds the file reads it (documents included) while it does."""
    committee = domain.committee_of(case.state, case.payload)
    return frozenset({("committee_member", committee)}) if committee else frozenset()


def _machine(track: str, title: str) -> Machine:
    return Machine(
        case_type=domain.CASE_TYPES[track],
        prefix="EQ",
        title=title,
        states=STATES,
        transitions=_transitions(),
        documents=every_kind(track),
        clocks=(REVIEW,),
        case_documents=case_documents,
        guests=committee_guests,
    )


SCHOOL = _machine("school", "Equivalence of a foreign school certificate or BTS (MEN)")
HIGHER = _machine("higher", "Equivalence of a higher-education diploma (MESRSI)")
MACHINES: tuple[Machine, ...] = (SCHOOL, HIGHER)
BY_TRACK = {"school": SCHOOL, "higher": HIGHER}
