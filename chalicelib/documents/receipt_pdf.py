"""The filing receipt as a one-page PDF in French and Arabic. Import it only when a PDF is
asked for: it loads fpdf2 and HarfBuzz."""

from __future__ import annotations

from chalicelib.documents.pdf.page import BilingualPage
from chalicelib.documents.receipt import LegalDeadline, Receipt
from chalicelib.notify import dates

# (fr, ar) for the statuses and clock states the engine uses; anything else shows as is.
STATUSES = {"verified": ("vérifiée", "تم التحقق منها"), "rejected": ("refusée", "مرفوضة")}
CLOCK_STATES = {
    "running": ("en cours", "جار"),
    "paused": ("suspendu", "موقوف"),
    "done": ("clos", "منته"),
    "expired": ("échu", "منقض"),
}
CLOCK_NAMES = {"decision": ("Réponse de l'administration", "جواب الإدارة")}


UNITS = {
    "calendar_days": ("jours", "يوما"),
    "working_days": ("jours ouvrables", "يوم عمل"),
    "seconds": ("secondes", "ثانية"),
}


def _deadline(page: BilingualPage, deadline: LegalDeadline) -> None:
    name_fr, name_ar = CLOCK_NAMES.get(deadline.name, (deadline.name, deadline.name))
    state_fr, state_ar = CLOCK_STATES.get(deadline.state, (deadline.state, deadline.state))
    unit_fr, unit_ar = UNITS.get(deadline.unit, (deadline.unit, deadline.unit))
    if deadline.paused_since:
        since = dates.date_in_letters(deadline.paused_since, "fr")
        since_ar = dates.date_in_letters(deadline.paused_since, "ar")
        due_fr, due_ar = f"suspendu depuis le {since}", f"موقوف منذ {since_ar}"
    elif deadline.due_date:
        due_fr, due_ar = f"échéance le {deadline.due_date.fr}", f"ينتهي في {deadline.due_date.ar}"
    else:
        due_fr, due_ar = "échéance non fixée", "أجل غير محدد"
    page.pair(
        f"{name_fr} ({deadline.length} {unit_fr}) : {due_fr}"
        + (f" ({state_fr})" if state_fr else ""),
        f"{name_ar} ({deadline.length} {unit_ar}): {due_ar}"
        + (f" ({state_ar})" if state_ar else ""),
    )
    if deadline.days_used is not None:
        page.pair(
            f"{deadline.days_used} {unit_fr} déjà écoulés.",
            f"انقضى منها {deadline.days_used} {unit_ar}.",
            size=9,
        )
    page.pair(f"Source : {deadline.source}", f"المرجع: {deadline.source}", size=8)


def _documents(page: BilingualPage, receipt: Receipt) -> None:
    page.heading("Pièces reçues", "الوثائق المتوصل بها")
    if not receipt.documents:
        page.pair("Aucune pièce reçue à ce jour.", "لم يتم التوصل بأي وثيقة إلى حدود اليوم.")
        return
    rows = []
    for d in receipt.documents:
        status_fr, status_ar = STATUSES.get(d.status, (d.status, d.status))
        rows.append(
            [
                f"{d.title.fr}\n{d.title.ar}",
                d.file_name or "—",
                f"{status_fr}\n{status_ar}",
                f"{d.sha256[:32]}\n{d.sha256[32:]}" if d.sha256 else "—",
            ]
        )
    headers = [("Pièce", "الوثيقة"), ("Fichier", "الملف"), ("État", "الحالة")]
    headers.append(("Empreinte SHA-256", "البصمة الرقمية"))
    page.table(headers, rows, widths=(45, 45, 28, 62), size=9)


def render(receipt: Receipt) -> bytes:
    page = BilingualPage(title=f"Récépissé de dépôt {receipt.reference}")
    page.letterhead(
        ["Royaume du Maroc", "Khidmat — services publics en ligne"],
        ["المملكة المغربية", "خدمات — الخدمات العمومية الإلكترونية"],
    )
    page.pair("Récépissé de dépôt", "وصل الإيداع", size=20, bold=True)
    page.pair(
        "Délivré en application de la loi n° 55-19 relative à la simplification "
        "des procédures et formalités administratives.",
        "سلم تطبيقا للقانون رقم 55.19 المتعلق بتبسيط المساطر والإجراءات الإدارية.",
        size=9,
    )
    page.space(3)
    page.pair(f"Référence : {receipt.reference}", f"المرجع: {receipt.reference}", bold=True)
    page.pair(f"Démarche : {receipt.title}", f"الخدمة: {receipt.title}")
    page.pair(f"Administration : {receipt.office}", f"الإدارة: {receipt.office}")
    page.pair(
        f"Déposé le {receipt.filed_at_local.fr}",
        f"تاريخ الإيداع: {receipt.filed_at_local.ar}",
    )
    _documents(page, receipt)
    page.heading("Délai légal de réponse", "الأجل القانوني للجواب")
    for deadline in receipt.deadlines:
        _deadline(page, deadline)
    if not receipt.deadlines:
        page.pair(
            "Cette démarche n'ouvre pas de délai de décision administrative.",
            "لا يترتب على هذا الطلب أجل لقرار إداري.",
        )
    page.space(2)
    page.pair(
        "Ce récépissé atteste le dépôt du dossier ; il ne vaut pas décision.",
        "يثبت هذا الوصل إيداع الملف، ولا يعتبر قرارا بشأنه.",
        size=9,
    )
    page.closing(
        receipt.verification.code,
        [
            ("Vérification  ·  التحقق", 10, True),
            (receipt.reference, 10, False),
            (f"SHA-256 : {receipt.verification.sha256}", 8, False),
            ("Empreinte du contenu du récépissé, tel que le donne l'API en JSON.", 8, False),
            ("بصمة محتوى هذا الوصل كما تقدمه الواجهة البرمجية بصيغة JSON.", 8, False),
        ],
    )
    return page.output()
