"""The case types of this service, as machines of the case engine: one per track (school,
MEN; higher, MESRSI), of the same shape. A file goes from its draft through intake (accepted
or not admissible, maybe after a complement), a committee's proposal, the ministry's order and
its publication in the Official Bulletin; then review, conditions, re-examination."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.services.equivalence import domain
from chalicelib.services.equivalence.requirements import (
    LEVELS,
    TRAININGS,
    documents_for,
    valid_combination,
)
from chalicelib.workflow.case import Case
from chalicelib.workflow.guards import missing_documents
from chalicelib.workflow.machine import (
    CITIZEN_ROLE,
    PDF,
    SYSTEM_ROLE,
    CancelTimer,
    Clock,
    DocumentRule,
    Guard,
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

# Documents beside the checklist of requirements.py: staff's and later answers'.
EXTRA_DOCUMENTS = (
    DocumentRule(
        "expertise_report",
        required=False,
        content_types=(PDF,),
        titles={
            "ar": "تقرير خبرة الوكالة الوطنية لتقييم وضمان جودة التعليم العالي",
            "fr": "Rapport d'expertise de l'ANEAQ",
            "en": "Expertise report of the national quality agency",
        },
    ),
    DocumentRule(
        "complement",
        required=False,
        titles={
            "ar": "وثيقة تكميلية",
            "fr": "Pièce complémentaire",
            "en": "Complementary document",
        },
    ),
    DocumentRule(
        "review_evidence",
        required=False,
        titles={
            "ar": "وثيقة داعمة لطلب إعادة النظر",
            "fr": "Pièce à l'appui du recours",
            "en": "Document supporting the review request",
        },
    ),
    DocumentRule(
        "condition_evidence",
        required=False,
        titles={
            "ar": "ما يثبت استيفاء الشرط",
            "fr": "Justificatif d'une condition remplie",
            "en": "Proof that a condition is met",
        },
    ),
)


def case_documents(case: Case) -> tuple[DocumentRule, ...]:
    """The checklist of the file's own level and training, then the optional extras."""
    diploma = case.payload.get("diploma", {})
    track, level, training = (
        str(case.payload.get("track", "")),
        str(diploma.get("level", "")),
        str(diploma.get("training", "")),
    )
    if valid_combination(track, level, training) is not None:
        return EXTRA_DOCUMENTS
    return (*documents_for(track, level, training), *EXTRA_DOCUMENTS)


def _every_kind(track: str) -> tuple[DocumentRule, ...]:
    """Every rule a file of the track may follow (what document checks look sizes up in)."""
    rules: dict[str, DocumentRule] = {}
    for level, about in LEVELS.items():
        if about["track"] != track:
            continue
        for training in TRAININGS:
            if valid_combination(track, level, training) is None:
                for rule in documents_for(track, level, training):
                    rules.setdefault(rule.kind, rule)
    return (*rules.values(), *EXTRA_DOCUMENTS)


# ---------------------------------------------------------------- guards (pure)


def _documents_verified(case: Case, payload: Mapping[str, Any]) -> str | None:
    missing = missing_documents(case, case_documents(case))
    return f"required documents not yet verified: {', '.join(missing)}" if missing else None


def _admissible(case: Case, payload: Mapping[str, Any]) -> str | None:
    check = case.payload.get("admissibility", {})
    if check.get("admissible", True):
        return None
    return domain.not_admissible_reason(check)


def _at(*steps: str) -> Guard:
    def guard(case: Case, payload: Mapping[str, Any]) -> str | None:
        if domain.is_resumed_at(case.state, case.payload, *steps):
            return None
        return f"the file is not at step {' or '.join(steps)}"

    return guard


def _all(*guards: Guard) -> Guard:
    def guard(case: Case, payload: Mapping[str, Any]) -> str | None:
        return next((why for g in guards if (why := g(case, payload))), None)

    return guard


def _proposal_valid(case: Case, payload: Mapping[str, Any]) -> str | None:
    if "proposal_input" not in payload:
        return None  # asked what the caller may do next: the proposal is checked when made
    data = payload["proposal_input"]
    errors = domain.proposal_errors(case.state, case.payload, data, str(data.get("reason", "")))
    return "; ".join(f"{f}: {m}" for f, m in errors) or None


def _outcome(outcome: str) -> Guard:
    def guard(case: Case, payload: Mapping[str, Any]) -> str | None:
        decided = case.payload.get("decided", {}).get("outcome")
        return None if decided == outcome else f"the decided outcome is {decided!r}"

    return guard


def _review_window_open(case: Case, payload: Mapping[str, Any]) -> str | None:
    from chalicelib.workflow import service  # the clock the routes run on (tests move it)

    text = payload.get("requested_at")
    at = datetime.fromisoformat(str(text)) if text else service.now()
    refused = domain.review_refusal(case.clocks, case.payload, at)
    return refused[1] if refused else None


def _receipt_not_recorded(case: Case, payload: Mapping[str, Any]) -> str | None:
    decision = domain.current_decision(case.payload) or {}
    if case.payload.get("notified_decision") == decision.get("number"):
        return "the notification of this decision is already recorded"
    return None


def _condition_pending(last: bool) -> Guard:
    def guard(case: Case, payload: Mapping[str, Any]) -> str | None:
        pending = domain.pending_conditions(case.payload)
        kind = payload.get("condition", pending[0] if pending else None)
        if kind not in pending:
            return f"no pending condition {kind!r}: pending are {pending}"
        if last != (len(pending) == 1):
            return "other conditions are still pending" if last else "it is the last condition"
        return None

    return guard


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
            guard=_documents_verified,
            effects=(Notify("equivalence_submitted"),),
        ),
        t(
            "accept_file",
            ("submitted", "complement_received"),
            "accepted",
            OFFICER,
            guard=_all(_at("submitted"), _admissible),
            effects=(Notify("equivalence_accepted"),),
        ),
        t(
            "declare_not_admissible",
            ("submitted", "complement_received", "complement_missed"),
            "not_admissible",
            OFFICER,
            requires_reason=True,
            guard=_at("submitted"),
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
            guard=_at("accepted"),
            effects=(Notify("equivalence_referred"),),
        ),
        t(
            "propose",
            ("with_committee", "reexamination", "review_requested", "complement_received"),
            "proposed",
            COMMITTEE,
            guard=_all(_at("with_committee", "reexamination", "review_requested"), _proposal_valid),
            same_office=False,
            effects=(Notify("equivalence_proposed"),),
        ),
        t("decide", ("proposed",), "decided", OFFICER, effects=(Notify("equivalence_decided"),)),
        t(
            "publish_equivalence",
            ("decided",),
            "granted",
            OFFICER,
            guard=_outcome("equivalence"),
            effects=(Notify("equivalence_granted"),),
        ),
        t(
            "publish_conditional",
            ("decided",),
            "conditional",
            OFFICER,
            guard=_outcome("conditional"),
            effects=(Notify("equivalence_conditional"),),
        ),
        t(
            "publish_refusal",
            ("decided",),
            "refused",
            OFFICER,
            requires_reason=True,
            guard=_outcome("refusal"),
            effects=(Notify("equivalence_refused"),),
        ),
        t(
            "publish_revocation",
            ("decided",),
            "revoked",
            OFFICER,
            requires_reason=True,
            guard=_outcome("revocation"),
            effects=(Notify("equivalence_revoked"),),
        ),
        t(
            "record_receipt",
            ("refused",),
            "refused",
            OFFICER,
            requires_reason=True,  # the target is a refusal: its reasons are repeated
            guard=_receipt_not_recorded,
            effects=(Notify("equivalence_review_window"),),
            description="the refusal's proof of receipt: the review window opens",
        ),
        t(
            "request_review",
            ("granted", "conditional", "refused"),
            "review_requested",
            CITIZEN,
            requires_reason=True,
            guard=_review_window_open,
            effects=(Notify("equivalence_review_requested"),),
        ),
        t(
            "condition_met",
            ("conditional",),
            "conditional",
            OFFICER,
            guard=_condition_pending(last=False),
            effects=(Notify("equivalence_condition_met"),),
        ),
        t(
            "conditions_met",
            ("conditional",),
            "granted",
            OFFICER,
            guard=_condition_pending(last=True),
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
        documents=_every_kind(track),
        clocks=(REVIEW,),
        case_documents=case_documents,
        guests=committee_guests,
    )


SCHOOL = _machine("school", "Equivalence of a foreign school certificate or BTS (MEN)")
HIGHER = _machine("higher", "Equivalence of a higher-education diploma (MESRSI)")
MACHINES: tuple[Machine, ...] = (SCHOOL, HIGHER)
BY_TRACK = {"school": SCHOOL, "higher": HIGHER}
