"""The filing receipt as a one-page PDF in French and Arabic. Import it only when a PDF is
asked for: it loads fpdf2 and HarfBuzz."""

from __future__ import annotations

from chalicelib.documents.pdf.page import BilingualPage
from chalicelib.documents.receipt import LEGAL_DAYS, LegalDeadline, Receipt

# (fr, ar) for the statuses and clock states the engine uses; anything else shows as is.
STATUSES = {"verified": ("vérifiée", "تم التحقق منها"), "rejected": ("refusée", "مرفوضة")}
CLOCK_STATES = {
    "running": ("en cours", "جار"),
    "paused": ("suspendu", "موقوف"),
    "done": ("clos", "منته"),
    "expired": ("échu", "منقض"),
}
CLOCK_NAMES = {"decision": ("Réponse de l'administration", "جواب الإدارة")}


def _deadline(page: BilingualPage, deadline: LegalDeadline) -> None:
    if deadline.source == "law" and deadline.due_date:
        page.pair(
            f"L'administration répond au plus tard le {deadline.due_date.fr}, "
            f"soit {LEGAL_DAYS} jours après le dépôt.",
            f"تجيب الإدارة في أجل أقصاه {deadline.due_date.ar}، "
            f"أي {LEGAL_DAYS} يوما بعد تاريخ الإيداع.",
        )
        return
    name_fr, name_ar = CLOCK_NAMES.get(deadline.name, (deadline.name, deadline.name))
    state_fr, state_ar = CLOCK_STATES.get(deadline.state, (deadline.state, deadline.state))
    if deadline.due_date:
        due_fr, due_ar = f"échéance le {deadline.due_date.fr}", f"ينتهي في {deadline.due_date.ar}"
    else:
        due_fr, due_ar = "échéance non fixée", "أجل غير محدد"
    page.pair(
        f"{name_fr} : {due_fr}" + (f" ({state_fr})" if state_fr else ""),
        f"{name_ar}: {due_ar}" + (f" ({state_ar})" if state_ar else ""),
    )


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
