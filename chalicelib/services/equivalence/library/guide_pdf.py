"""The reference guide as a bilingual PDF, generated from the same data as the API (the
legal references, the procedures and the checklists): what the guide says is what the
application enforces. Import it only when the guide is asked for: it loads fpdf2."""

from __future__ import annotations

from chalicelib.documents.pdf.page import BilingualPage
from chalicelib.services.equivalence import requirements as req
from chalicelib.services.equivalence.library.references import REFERENCES

KINDS = {
    "decree": ("Décret", "مرسوم"),
    "order": ("Arrêté", "قرار"),
    "circular": ("Circulaire", "مذكرة"),
}


def _references(page: BilingualPage) -> None:
    page.heading("Textes de référence", "النصوص المرجعية")
    rows = []
    for ref in REFERENCES:
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


def _trainings_of(track: str, level: str) -> list[str]:
    return [t for t in req.TRAININGS if req.valid_combination(track, level, t) is None]


def _checklist(page: BilingualPage, track: str, level: str) -> None:
    trainings = _trainings_of(track, level)
    base = req.documents_for(track, level, trainings[0])
    titles = req.LEVELS[level]["titles"]
    page.heading(titles["fr"], titles["ar"], size=11)
    for rule in base:
        mark_fr, mark_ar = ("", "") if rule.required else (" (le cas échéant)", " (عند الاقتضاء)")
        page.pair(f"• {rule.titles['fr']}{mark_fr}", f"• {rule.titles['ar']}{mark_ar}", size=9)
    kinds = {r.kind for r in base}
    for training in trainings[1:]:
        extra = [r for r in req.documents_for(track, level, training) if r.kind not in kinds]
        if extra:
            t = req.TRAININGS[training]["titles"]
            page.pair(
                f"En {t['fr'].lower()}, en plus : " + " ; ".join(r.titles["fr"] for r in extra),
                f"في {t['ar']}، إضافة إلى ذلك: " + "؛ ".join(r.titles["ar"] for r in extra),
                size=8,
            )


def render() -> bytes:
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
    _references(page)
    for track, info in req.TRACKS.items():
        page.heading(
            info["titles"]["fr"] + f" ({info['office']})",
            info["titles"]["ar"] + f" ({info['office']})",
            size=14,
        )
        level = next(lv for lv, data in req.LEVELS.items() if data["track"] == track)
        page.heading("Étapes de la procédure", "مراحل المسطرة", size=11)
        for step in req.procedure_for(track, level, _trainings_of(track, level)[0]):
            page.pair(
                f"{step['number']}. {step['titles']['fr']}",
                f"{step['number']}. {step['titles']['ar']}",
                size=9,
            )
        if track == "higher":
            page.pair(
                "Équivalence conditionnelle (article 7) : sciences de la santé, ingénierie, "
                "architecture et topographie seulement.",
                "المعادلة المشروطة (المادة 7): علوم الصحة والهندسة والهندسة المعمارية "
                "والطبوغرافيا فقط.",
                size=9,
            )
        page.heading("Pièces à fournir selon le niveau", "الوثائق المطلوبة حسب المستوى", size=11)
        for lv, data in req.LEVELS.items():
            if data["track"] == track:
                _checklist(page, track, lv)
    return page.output()
