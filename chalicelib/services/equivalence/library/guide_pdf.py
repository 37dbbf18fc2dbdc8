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
    "order": ("Arrêté", "قرار"),
    "circular": ("Circulaire", "مذكرة"),
}


def _references(page: BilingualPage, references: list[dict[str, Any]]) -> None:
    page.heading("Textes de référence", "النصوص المرجعية")
    rows = []
    for ref in references:
        kind_fr = KINDS[ref["kind"]][0]
        bo = ref["bo"]
        bo_text = f"BO n° {bo['number']}\n{bo['date']}" if bo else "—"
        rows.append(
            [
                f"{kind_fr} {ref['number']}\n{ref['date']}",
                ref["titles"]["fr"],
                ref["titles"]["ar"],
                bo_text,
            ]
        )
    headers = [
        ("Texte", "النص"),
        ("Intitulé", "العنوان"),
        ("العنوان", "بالعربية"),
        ("Bulletin officiel", "الجريدة الرسمية"),
    ]
    page.table(headers, rows, widths=(28, 62, 62, 28), size=8)


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
