"""The letters of a file (the higher track's intake letter and reasoned refusal, the school
track's acceptance or non-acceptance letter) and the copy of a published decision, as PDFs in
French and Arabic. Nothing the school track prints cites decree 2.13.165 (seed 000 is the
Ministry of National Education's own procedure). Import only when a PDF is asked for: it
loads fpdf2 and HarfBuzz.

The decision's QR code holds a compact JWS (ES256) signed by the KMS key: anyone verifies it
with the public key of ``GET /.well-known/jwks.json``, offline, without asking us."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from chalicelib.documents.pdf.page import BilingualPage
from chalicelib.notify import dates
from chalicelib.services.equivalence import domain, verification
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
    "final": (
        "Équivalence après conditions remplies (article 10)",
        "معادلة بعد استيفاء الشروط (المادة 10)",
    ),
}
CONDITIONS = {
    "evaluation_exam": ("Examen d'évaluation", "امتحان التقييم"),
    "clinical_internship": ("Stage clinique certifié", "تدريب سريري مشهود به"),
    "internship": ("Stage certifié", "تدريب مشهود به"),
    "complementary_training": ("Formation complémentaire", "تكوين تكميلي"),
    "doctor_exam": ("Examens des docteurs (médecine, pharmacie, dentaire)", "امتحانات الدكاترة"),
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


def letter(case: Case, history: Sequence[HistoryEntry]) -> bytes | None:
    """The file's letter now: a reasoned refusal (higher track, art. 6) once one is notified;
    else the school track's acceptance or non-acceptance letter; else the intake letter."""
    decision = _current(case)
    if decision and decision.get("outcome") == "refusal" and case.state == "refused":
        return refusal_letter(case, decision)
    if case.case_type == "equivalence_school":
        return school_letter(case, history)
    return intake_letter(case, history)


def _current(case: Case) -> Mapping[str, Any] | None:
    decisions = case.payload.get("decisions") or []
    return decisions[-1] if decisions else None


def _verdict_page(
    case: Case, entry: HistoryEntry, accepted: bool, titles_ar: tuple[str, str]
) -> BilingualPage:
    """The head of a letter of acceptance or non-acceptance: title, reference, date and the
    diploma; the body is the letter's own."""
    title = "Lettre d'acceptation" if accepted else "Lettre de non-acceptation"
    page = _page(case, title)
    page.pair(title, titles_ar[0] if accepted else titles_ar[1], size=18, bold=True)
    page.pair(f"Référence : {case.reference}", f"المرجع: {case.reference}", bold=True)
    day_fr, day_ar = _day(entry.at)
    page.pair(f"Date : {day_fr}", f"التاريخ: {day_ar}")
    _diploma(page, case)
    page.space(3)
    return page


def school_letter(case: Case, history: Sequence[HistoryEntry]) -> bytes | None:
    """Seed 000: the acceptance or non-acceptance letter of the request; no decree cited."""
    entry = _entry(history, "accept_request", "decline_request")
    if entry is None:
        return None
    accepted = entry.event == "accept_request"
    page = _verdict_page(case, entry, accepted, ("رسالة قبول الطلب", "رسالة عدم قبول الطلب"))
    if accepted:
        page.pair(
            "Votre demande d'équivalence est acceptée. Une copie de la décision vous sera "
            "remise dès sa publication au Bulletin officiel.",
            "تم قبول طلب المعادلة، وستتوصلون بنسخة من القرار فور صدوره بالجريدة الرسمية.",
        )
    else:
        page.pair("Motif :", "السبب:", bold=True)
        page.pair(entry.reason, entry.reason)
    return page.output()


def refusal_letter(case: Case, decision: Mapping[str, Any]) -> bytes:
    """Art. 6 (3) of decree 2.13.165: the reasoned refusal, with the art. 5 criteria not met,
    sent by registered letter with acknowledgement of receipt; not an order, not published;
    60 days from its receipt to ask the Higher Committee for a review."""
    page = _page(case, "Refus motivé")
    page.pair("Refus motivé", "رفض معلل", size=18, bold=True)
    page.pair(f"Référence : {case.reference}", f"المرجع: {case.reference}", bold=True)
    letter = decision.get("registered_letter") or {}
    day = decision.get("decision_date", "")
    page.pair(
        f"Lettre recommandée avec accusé de réception n° {letter.get('number', '')} du {day}",
        f"رسالة مضمونة الوصول مع إشعار بالتسلم رقم {letter.get('number', '')} بتاريخ {day}",
    )
    _diploma(page, case)
    page.heading("Critères de l'article 5 non remplis", "المعايير غير المستوفاة (المادة 5)")
    for criterion in decision.get("unmet_criteria") or []:
        titles = domain.CRITERIA_TITLES.get(criterion, {"fr": criterion, "ar": criterion})
        page.pair(f"• {titles['fr']}", f"• {titles['ar']}")
    page.pair(f"Motifs : {decision.get('reasons', '')}", f"الأسباب: {decision.get('reasons', '')}")
    page.space(3)
    page.pair(
        "Ce refus n'est pas un arrêté et n'est pas publié au Bulletin officiel. Vous pouvez "
        "demander un réexamen à la Commission supérieure des équivalences dans les 60 jours à "
        "compter de la réception de la présente lettre.",
        "هذا الرفض ليس قرارا ولا ينشر بالجريدة الرسمية. يمكنكم طلب إعادة النظر أمام اللجنة العليا "
        "لمعادلة الشهادات داخل أجل 60 يوما ابتداء من تاريخ تسلم هذه الرسالة.",
    )
    page.pair(
        "Décret n° 2-13-165 modifié par le décret n° 2-19-281, articles 5, 6 et 8.",
        "المرسوم رقم 2.13.165 كما تم تغييره بالمرسوم رقم 2.19.281، المواد 5 و6 و8.",
        size=9,
    )
    return page.output()


def intake_letter(case: Case, history: Sequence[HistoryEntry]) -> bytes | None:
    """The higher track's acceptance or non-acceptance of the file (art. 2), or None before
    intake has decided."""
    entry = _entry(history, "accept_file", "declare_not_admissible")
    if entry is None:
        return None
    accepted = entry.event == "accept_file"
    page = _verdict_page(case, entry, accepted, ("رسالة قبول الملف", "رسالة عدم قبول الملف"))
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
    """The copy of a decision, with its signed verification code: an order with its BO
    reference; a decision that is not an order (refusal, confirmation) says it is notified,
    not published."""
    outcome_fr, outcome_ar = OUTCOMES[str(decision["outcome"])]
    page = _page(case, "Décision d'équivalence")
    page.pair("Copie de la décision", "نسخة من القرار", size=18, bold=True)
    page.pair(f"Référence : {case.reference}", f"المرجع: {case.reference}", bold=True)
    order, bo = decision.get("order") or {}, decision.get("bo")
    if bo:
        act = "Décision" if case.case_type == "equivalence_school" else "Arrêté"
        page.pair(
            f"{act} n° {order.get('number')} du {order.get('date')}",
            f"القرار رقم {order.get('number')} بتاريخ {order.get('date')}",
        )
        number, day, at = bo.get("number"), bo.get("date"), bo.get("page")
        page.pair(
            f"Bulletin officiel n° {number} du {day}, page {at}",
            f"الجريدة الرسمية عدد {number} بتاريخ {day}، الصفحة {at}",
        )
    else:
        page.pair(
            "Décision notifiée à l'intéressé(e) ; non publiée au Bulletin officiel.",
            "قرار مبلغ إلى المعني بالأمر، غير منشور بالجريدة الرسمية.",
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
