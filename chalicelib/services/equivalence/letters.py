"""The intake letter (acceptance or non-acceptance) and the copy of a published decision, as
PDFs in French and Arabic. Import only when a PDF is asked for: it loads fpdf2 and HarfBuzz.

The decision's QR code holds a compact JWS (ES256) signed by the KMS key: anyone verifies it
with the public key of ``GET /.well-known/jwks.json``, offline, without asking us."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from chalicelib.documents.pdf.page import BilingualPage
from chalicelib.notify import dates
from chalicelib.services.equivalence import verification
from chalicelib.workflow.case import Case, HistoryEntry

MINISTRIES = {
    "MEN": (
        "Ministère de l'Éducation nationale, du Préscolaire et des Sports",
        "وزارة التربية الوطنية والتعليم الأولي والرياضة",
    ),
    "MESRSI": (
        "Ministère de l'Enseignement supérieur, de la Recherche scientifique et de l'Innovation",
        "وزارة التعليم العالي والبحث العلمي والابتكار",
    ),
}
OUTCOMES = {
    "equivalence": ("Équivalence accordée", "منح المعادلة"),
    "conditional": ("Équivalence conditionnelle (article 7)", "معادلة مشروطة (المادة 7)"),
    "refusal": ("Refus motivé", "رفض معلل"),
    "revocation": ("Retrait de l'équivalence", "سحب المعادلة"),
}
CONDITIONS = {
    "evaluation_exam": ("Examen d'évaluation", "امتحان التقييم"),
    "clinical_internship": ("Stage clinique certifié", "تدريب سريري مشهود به"),
    "internship": ("Stage certifié", "تدريب مشهود به"),
    "complementary_training": ("Formation complémentaire", "تكوين تكميلي"),
}


def _page(case: Case, title: str) -> BilingualPage:
    page = BilingualPage(title=f"{title} {case.reference}")
    fr, ar = MINISTRIES.get(case.office, (case.office, case.office))
    page.letterhead(["Royaume du Maroc", fr], ["المملكة المغربية", ar])
    return page


def _entry(history: Sequence[HistoryEntry], *events: str) -> HistoryEntry | None:
    return next((e for e in sorted(history, key=lambda e: -e.seq) if e.event in events), None)


def _day(moment: datetime) -> tuple[str, str]:
    return dates.date_in_letters(moment, "fr"), dates.date_in_letters(moment, "ar")


def _diploma(page: BilingualPage, case: Case) -> None:
    diploma: Mapping[str, Any] = case.payload.get("diploma", {})
    name = case.contact.name or "—"
    page.pair(f"Demandeur : {name}", f"صاحب الطلب: {name}")
    page.pair(f"Diplôme : {diploma.get('title', '')}", f"الشهادة: {diploma.get('title', '')}")
    where = f"{diploma.get('institution', '')} ({diploma.get('institution_country', '')})"
    page.pair(f"Établissement : {where}", f"المؤسسة: {where}")


def intake_letter(case: Case, history: Sequence[HistoryEntry]) -> bytes | None:
    """The acceptance or the non-acceptance letter, or None before intake has decided."""
    entry = _entry(history, "accept_file", "declare_not_admissible")
    if entry is None:
        return None
    accepted = entry.event == "accept_file"
    title = "Lettre d'acceptation" if accepted else "Lettre de non-acceptation"
    page = _page(case, title)
    page.pair(title, "رسالة قبول الملف" if accepted else "رسالة عدم قبول الملف", size=18, bold=True)
    page.pair(f"Référence : {case.reference}", f"المرجع: {case.reference}", bold=True)
    day_fr, day_ar = _day(entry.at)
    page.pair(f"Date : {day_fr}", f"التاريخ: {day_ar}")
    _diploma(page, case)
    page.space(3)
    if accepted:
        page.pair(
            "Votre dossier est recevable. Il est transmis pour étude à la commission "
            "compétente ; vous serez informé(e) de chaque étape dans votre espace Khidmat.",
            "ملفكم مقبول، وسيحال على اللجنة المختصة لدراسته، وسيتم إخباركم بكل مرحلة في فضائكم.",
        )
    else:
        page.pair("Motif :", "السبب:", bold=True)
        page.pair(entry.reason, entry.reason)
        for reason in case.payload.get("admissibility", {}).get("reasons", []):
            titles = reason["titles"]
            page.pair(f"• {titles['fr']} (art. 2)", f"• {titles['ar']} (المادة 2)")
        page.pair(
            "Décret n° 2-13-165 modifié par le décret n° 2-19-281, article 2.",
            "المرسوم رقم 2.13.165 كما تم تغييره بالمرسوم رقم 2.19.281، المادة 2.",
            size=9,
        )
    return page.output()


def decision_copy(case: Case, decision: Mapping[str, Any]) -> bytes:
    """The copy of a published decision, with its signed verification code."""
    outcome_fr, outcome_ar = OUTCOMES[str(decision["outcome"])]
    page = _page(case, "Décision d'équivalence")
    page.pair("Copie de la décision", "نسخة من القرار", size=18, bold=True)
    page.pair(f"Référence : {case.reference}", f"المرجع: {case.reference}", bold=True)
    order, bo = decision.get("order", {}), decision.get("bo", {})
    page.pair(
        f"Arrêté n° {order.get('number')} du {order.get('date')}",
        f"القرار رقم {order.get('number')} بتاريخ {order.get('date')}",
    )
    page.pair(
        f"Bulletin officiel n° {bo.get('number')} du {bo.get('date')}, page {bo.get('page')}",
        f"الجريدة الرسمية عدد {bo.get('number')} بتاريخ {bo.get('date')}، الصفحة {bo.get('page')}",
    )
    _diploma(page, case)
    page.heading(outcome_fr, outcome_ar)
    if decision.get("national_diploma"):
        page.pair(
            f"Diplôme national équivalent : {decision['national_diploma']}",
            f"الشهادة الوطنية المعادلة: {decision['national_diploma']}",
        )
    for condition in case.payload.get("conditions") or decision.get("conditions") or []:
        fr, ar = CONDITIONS.get(condition["kind"], (condition["kind"], condition["kind"]))
        met = condition.get("met_on")
        page.pair(
            f"• {fr}" + (f" — remplie le {met}" if met else " — à remplir"),
            f"• {ar}" + (f" — مستوفى بتاريخ {met}" if met else " — في طور الاستيفاء"),
        )
    if decision.get("reasons"):
        page.pair(f"Motifs : {decision['reasons']}", f"الأسباب: {decision['reasons']}")
    if decision.get("revoke_from"):
        page.pair(
            f"Prend effet le {decision['revoke_from']} ; les droits acquis avant cette date "
            "sont maintenus.",
            f"يسري ابتداء من {decision['revoke_from']}، مع الحفاظ على الحقوق المكتسبة قبله.",
        )
    code = verification.sign_decision(case, decision)
    page.closing(
        code,
        [
            ("Vérification  ·  التحقق", 10, True),
            (case.reference, 10, False),
            ("Code signé (JWS ES256) ; clé publique : /.well-known/jwks.json", 8, False),
            ("رمز موقع إلكترونيا، يمكن التحقق منه بالمفتاح العمومي.", 8, False),
        ],
    )
    return page.output()
