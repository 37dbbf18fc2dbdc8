"""The case types of this service, as machines of the case engine. Each is routed to the
``exam_officer`` of the candidate's academy (the case's office is the academy code)."""

from __future__ import annotations

from chalicelib.workflow.machine import DocumentRule, Machine, Notify, State, StateKind, Transition

OFFICER = frozenset({"exam_officer"})
BOTH = ("email", "sms")

CORRECTION = Machine(
    case_type="bac_correction",
    prefix="BC",
    title="Baccalaureate: correction of personal data",
    states=(
        State("requested", StateKind.INITIAL, "with the exam office of the academy"),
        State("accepted", StateKind.TERMINAL, "the record is corrected; confirm it again"),
        State("refused", StateKind.TERMINAL, refusal=True),
    ),
    transitions=(
        Transition(
            "accept",
            ("requested",),
            "accepted",
            OFFICER,
            effects=(Notify("bac_correction_accepted", channels=BOTH),),
            description="the record takes the proposed values; the candidate confirms again",
        ),
        Transition(
            "refuse",
            ("requested",),
            "refused",
            OFFICER,
            requires_reason=True,
            effects=(Notify("bac_correction_refused", channels=BOTH),),
        ),
    ),
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

GRANT = Machine(
    case_type="bac_grant",
    prefix="BG",
    title="Post-baccalaureate grant",
    states=(
        State("submitted", StateKind.INITIAL, "with the exam office of the academy"),
        State("granted", StateKind.TERMINAL),
        State("refused", StateKind.TERMINAL, refusal=True),
    ),
    transitions=(
        Transition(
            "grant",
            ("submitted",),
            "granted",
            OFFICER,
            effects=(Notify("bac_grant_granted", channels=BOTH),),
        ),
        Transition(
            "refuse",
            ("submitted",),
            "refused",
            OFFICER,
            requires_reason=True,
            effects=(Notify("bac_grant_refused", channels=BOTH),),
        ),
    ),
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

COMPLAINT = Machine(
    case_type="bac_complaint",
    prefix="BR",
    title="Baccalaureate: complaint about a material error",
    states=(
        State("submitted", StateKind.INITIAL, "with the exam office of the academy"),
        State("accepted", StateKind.TERMINAL, "the marks are corrected"),
        State("refused", StateKind.TERMINAL, refusal=True),
    ),
    transitions=(
        Transition(
            "accept",
            ("submitted",),
            "accepted",
            OFFICER,
            effects=(Notify("bac_complaint_accepted", channels=BOTH),),
            description="marks corrected; a certificate issued before is revoked and reissued",
        ),
        Transition(
            "refuse",
            ("submitted",),
            "refused",
            OFFICER,
            requires_reason=True,
            effects=(Notify("bac_complaint_refused", channels=BOTH),),
        ),
    ),
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
