"""The reference guide as a bilingual PDF, laid out from ``guide.contents()``: the legal
references, the procedures and the checklists the API serves and the application enforces.
It reads nothing else, so the guide's version (a digest of that data) says what it shows.
Import it only to render the guide: it loads fpdf2. Its own bytes, the PDF toolkit's and the
fonts' are part of the guide's version (``guide.RENDERER_VERSION``)."""

from __future__ import annotations

from typing import Any

from chalicelib.documents.pdf.page import BilingualPage

KINDS = {
    "decree": ("Décret", "مرسوم"),
    "law": ("Loi", "قانون"),
    "order": ("Arrêté", "قرار"),
}
UNVERIFIED = "non vérifié"


def _text_cell(ref: dict[str, Any]) -> str:
    kind = KINDS[ref["kind"]][0]
    number = ref["number"] or "(n° non vérifié)"
    if ref["status"] == "announced":
        return f"{kind} annoncé\n{number}"
    when = ref["date"] or UNVERIFIED
    hijri = ref["date_hijri"]
    lines = [f"{kind} n° {number}", f"{hijri['fr']}" if hijri else "", when]
    if ref["status"] == "repealed":
        lines.append("abrogé")
    return "\n".join(line for line in lines if line)


def _bo_cell(ref: dict[str, Any]) -> str:
    bo = ref["bo"]
    if not bo:
        return f"BO : {UNVERIFIED}"
    hijri = bo.get("date_hijri")
    lines = [f"BO n° {bo['number']}", hijri["fr"] if hijri else "", bo["date"]]
    if bo.get("page"):
        lines.append(f"p. {bo['page']}")
    return "\n".join(line for line in lines if line)


def _references(page: BilingualPage, references: list[dict[str, Any]]) -> None:
    page.heading("Textes de référence", "النصوص المرجعية")
    rows = []
    for ref in references:
        source = f"Source : {ref['source']}, {ref['cited_in']}"
        rows.append(
            [
                _text_cell(ref),
                f"{ref['titles']['fr']}\n{source}",
                ref["titles"]["ar"],
                _bo_cell(ref),
            ]
        )
    headers = [
        ("Texte", "النص"),
        ("Intitulé", "العنوان"),
        ("العنوان", "بالعربية"),
        ("Bulletin officiel", "الجريدة الرسمية"),
    ]
    page.table(headers, rows, widths=(30, 62, 58, 30), size=8)
    for ref in references:
        for note in ref["notes"]:
            page.pair(f"{ref['number'] or ref['titles']['fr']} : {note}", "", size=7)


def _contacts(page: BilingualPage, contacts: list[dict[str, Any]]) -> None:
    page.heading("Contacts du ministère", "التواصل مع الوزارة", size=11)
    if not contacts:
        page.pair(
            "Aucun canal de contact n'est donné par les textes sources pour ce ministère.",
            "لا تتضمن النصوص المرجعية قنوات التواصل الخاصة بهذه الوزارة.",
            size=9,
        )
    for contact in contacts:
        value, source = contact["value"], contact["source"]
        page.pair(
            f"• {contact['purpose']['fr']} : {value} ({source})",
            f"• {contact['purpose']['ar']}: {value}",
            size=9,
        )


def _checklist(page: BilingualPage, level: dict[str, Any]) -> None:
    page.heading(level["titles"]["fr"], level["titles"]["ar"], size=11)
    for doc in level["documents"]:
        required = doc["required"]
        mark_fr, mark_ar = ("", "") if required else (" (le cas échéant)", " (عند الاقتضاء)")
        page.pair(f"• {doc['titles']['fr']}{mark_fr}", f"• {doc['titles']['ar']}{mark_ar}", size=9)
    for extra in level["extras"]:
        t, docs = extra["training"], extra["documents"]
        page.pair(
            f"En {t['fr'].lower()}, en plus : " + " ; ".join(d["fr"] for d in docs),
            f"في {t['ar']}، إضافة إلى ذلك: " + "؛ ".join(d["ar"] for d in docs),
            size=8,
        )


def _track(page: BilingualPage, track: dict[str, Any]) -> None:
    titles, office = track["titles"], track["office"]
    page.heading(titles["fr"] + f" ({office})", titles["ar"] + f" ({office})", size=14)
    page.heading("Étapes de la procédure", "مراحل المسطرة", size=11)
    for step in track["steps"]:
        number = step["number"]
        page.pair(f"{number}. {step['titles']['fr']}", f"{number}. {step['titles']['ar']}", size=9)
    if track["code"] == "higher":
        page.pair(
            "Équivalence conditionnelle (article 7) : sciences de la santé, ingénierie, "
            "architecture et topographie seulement.",
            "المعادلة المشروطة (المادة 7): علوم الصحة والهندسة والهندسة المعمارية "
            "والطبوغرافيا فقط.",
            size=9,
        )
    _contacts(page, track["contacts"])
    page.heading("Pièces à fournir selon le niveau", "الوثائق المطلوبة حسب المستوى", size=11)
    for level in track["levels"]:
        _checklist(page, level)


def render(data: dict[str, Any]) -> bytes:
    """The guide's PDF for ``data`` (what ``guide.contents()`` returns)."""
    page = BilingualPage(title="Guide de l'équivalence des diplômes")
    page.letterhead(
        ["Royaume du Maroc", "Khidmat — équivalence des diplômes"],
        ["المملكة المغربية", "خدمات — معادلة الشهادات"],
    )
    page.pair("Guide de l'équivalence des diplômes", "دليل معادلة الشهادات", size=18, bold=True)
    page.pair(
        "Procédures, pièces à fournir et textes de référence. Ce guide est produit à partir "
        "des mêmes données que le service en ligne.",
        "المساطر والوثائق المطلوبة والنصوص المرجعية. أنجز هذا الدليل انطلاقا من نفس معطيات "
        "الخدمة الإلكترونية.",
        size=9,
    )
    _references(page, data["references"])
    for track in data["tracks"]:
        _track(page, track)
    return page.output()
