"""The case types of this service, as machines of the case engine. Each is routed to the
``exam_officer`` of the candidate's academy (the case's office is the academy code)."""

from __future__ import annotations

from chalicelib.workflow import guards, legal, owed
from chalicelib.workflow.machine import DocumentRule, Machine, Notify, State, StateKind, Transition

OFFICER = frozenset({"exam_officer"})
BOTH = ("email", "sms")

WITH_THE_ACADEMY = "with the exam office of the academy"


def _decided_by_the_academy(
    case_type: str,
    prefix: str,
    title: str,
    *,
    filed: str,
    approve: str,
    approved: str,
    documents: tuple[DocumentRule, ...],
    approved_note: str = "",
    approve_note: str = "",
) -> Machine:
    """Filed by the candidate, then approved or refused (with reasons) by the academy's exam
    office; either way the candidate hears of it (templates ``<case type>_<outcome>``). The
    office may first ask for a document (``bac_documents_requested``), which pauses its
    decision clock: law 55.19's 60 days (no seed gives a figure), from the filing."""
    owing = owed.documents_owed(
        asked_in=filed, asked_by=OFFICER, template="bac_documents_requested", channels=BOTH
    )
    return Machine(
        case_type=case_type,
        prefix=prefix,
        title=title,
        states=(
            State(filed, StateKind.INITIAL, WITH_THE_ACADEMY),
            owing.state,
            State(approved, StateKind.TERMINAL, approved_note, decision=True),
            State("refused", StateKind.TERMINAL, refusal=True, decision=True),
        ),
        transitions=(
            Transition(
                approve,
                (filed,),
                approved,
                OFFICER,
                # decided on evidence: every document the type requires, verified
                guard=guards.documents_verified(documents),
                effects=(Notify(f"{case_type}_{approved}", channels=BOTH),),
                description=approve_note,
            ),
            Transition(
                "refuse",
                (filed, owed.OWING),
                "refused",
                OFFICER,
                requires_reason=True,
                effects=(Notify(f"{case_type}_refused", channels=BOTH),),
            ),
            *owing.transitions,
        ),
        documents=(*documents, owed.REQUESTED_DOCUMENT),
        requires_cnie=True,
        clocks=(
            legal.decision_clock(
                start=(legal.CREATED,),
                pause=owed.PAUSE,
                resume=owed.RESUME,
                stop=(approve, "refuse"),
            ),
        ),
    )


CORRECTION = _decided_by_the_academy(
    "bac_correction",
    "BC",
    "Baccalaureate: correction of personal data",
    filed="requested",
    approve="accept",
    approved="accepted",
    approved_note="the record is corrected; confirm it again",
    approve_note="the record takes the proposed values; the candidate confirms again",
    documents=(
        DocumentRule(
            "supporting_document",
            titles={
                "ar": "وثيقة مثبتة (عقد الازدياد، البطاقة الوطنية)",
                "fr": "Pièce justificative (acte de naissance, CNIe)",
                "en": "Supporting document (birth certificate, ID card)",
            },
        ),
    ),
)

GRANT = _decided_by_the_academy(
    "bac_grant",
    "BG",
    "Post-baccalaureate grant",
    filed="submitted",
    approve="grant",
    approved="granted",
    documents=(
        DocumentRule(
            "income_certificate",
            titles={
                "ar": "شهادة الدخل أو عدم الدخل",
                "fr": "Attestation de revenu ou de non-revenu",
                "en": "Income (or no income) certificate",
            },
        ),
        DocumentRule(
            "family_record",
            required=False,
            titles={"ar": "الدفتر العائلي", "fr": "Livret de famille", "en": "Family record book"},
        ),
    ),
)

COMPLAINT = _decided_by_the_academy(
    "bac_complaint",
    "BR",
    "Baccalaureate: complaint about a material error",
    filed="submitted",
    approve="accept",
    approved="accepted",
    approved_note="the marks are corrected",
    approve_note="marks corrected; a certificate issued before is revoked and reissued",
    documents=(
        DocumentRule(
            "evidence",
            required=False,
            titles={"ar": "وثيقة مثبتة", "fr": "Pièce à l'appui", "en": "Evidence"},
        ),
    ),
)

MACHINES: tuple[Machine, ...] = (CORRECTION, GRANT, COMPLAINT)
BY_TYPE = {m.case_type: m for m in MACHINES}
