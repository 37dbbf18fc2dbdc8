"""The minutes of a committee sitting as a bilingual PDF (Arabic and French, the Arabic
shaped right to left by the project's PDF toolkit): who sat, who chaired and reported, and
for each file of the agenda the proposal made or that none was. Loads fpdf2: import it only
to render."""

from __future__ import annotations

from typing import Any

from chalicelib.documents.pdf.page import BilingualPage
from chalicelib.services.equivalence.committees import COMMITTEES

OUTCOMES = {
    "equivalence": ("Équivalence", "معادلة"),
    "conditional": ("Équivalence sous conditions (art. 7)", "معادلة بشرط أو أكثر (المادة 7)"),
    "refusal": ("Refus motivé", "رفض معلل"),
    "revocation": ("Abrogation", "نسخ قرار المعادلة"),
}
CRITERIA = {
    "curriculum": ("Programmes", "البرامج والمناهج"),
    "study_path": ("Parcours", "المسار الدراسي"),
    "admission_conditions": ("Conditions d'accès", "شروط الولوج"),
    "supervision": ("Encadrement", "التأطير البيداغوجي"),
    "assessment": ("Évaluation", "نظام التقييم"),
}


def _attendance(page: BilingualPage, record: dict[str, Any]) -> None:
    page.heading("Présences", "الحضور", size=11)
    names = {m["id"]: m.get("name", m["id"]) for m in record.get("members", [])}
    for entry in record.get("attendance") or []:
        name = names.get(entry["member"], entry["member"])
        substitute = entry.get("substitute")
        if substitute:
            fr = f"• {name} : remplacé par {substitute['name']} ({substitute['capacity']})"
            ar = f"• {name}: ناب عنه {substitute['name']}"
        elif entry.get("present", True):
            fr, ar = f"• {name} : présent", f"• {name}: حاضر"
        else:
            fr, ar = f"• {name} : absent", f"• {name}: غائب"
        page.pair(fr, ar, size=9)
    chair = names.get(record.get("chair", ""), "")
    page.pair(f"Président de séance : {chair}", f"رئيس الجلسة: {chair}", size=9)
    rapporteur = record.get("rapporteur")
    if rapporteur:
        name = names.get(rapporteur, rapporteur)
        page.pair(f"Rapporteur : {name}", f"المقرر: {name}", size=9)


def _file(page: BilingualPage, n: int, entry: dict[str, Any]) -> None:
    page.heading(
        f"{n}. Dossier {entry['reference']} — {entry['diploma']}",
        f"{n}. الملف {entry['reference']} — {entry['diploma']}",
        size=10,
    )
    page.pair(f"{entry['institution']} ({entry['country']})", entry["institution"], size=8)
    proposal = entry.get("proposal")
    if not proposal:
        page.pair("Aucune proposition à cette séance.", "لم يقدم أي اقتراح في هذه الجلسة.", size=9)
        return
    fr, ar = OUTCOMES.get(proposal["outcome"], (proposal["outcome"], proposal["outcome"]))
    if proposal.get("verdict"):
        fr, ar = f"{fr} (révision : {proposal['verdict']})", f"{ar} ({proposal['verdict']})"
    page.pair(f"Proposition : {fr}", f"الاقتراح: {ar}", size=9, bold=True)
    if proposal["national_diploma"]:
        national = proposal["national_diploma"]
        page.pair(f"Diplôme national : {national}", f"الشهادة الوطنية: {national}", size=9)
    for condition in proposal["conditions"]:
        text = f"{condition['kind']} {condition['detail']}".strip()
        page.pair(f"Condition : {text}", f"شرط: {text}", size=9)
    for criterion, rating in proposal["assessment"].items():
        label_fr, label_ar = CRITERIA.get(criterion, (criterion, criterion))
        page.pair(f"{label_fr} : {rating}", f"{label_ar}: {rating}", size=8)
    if proposal["reasons"]:
        page.pair(f"Motifs : {proposal['reasons']}", f"التعليل: {proposal['reasons']}", size=9)


def _cited(article: str) -> str:
    """``seed 002, arts. 8 and 9`` as the minutes cite it: the decree, in French."""
    return article.replace("seed 002", "décret 2.13.165").replace(" and ", " et ")


def render(record: dict[str, Any]) -> bytes:
    """The minutes of a closed sitting (its record as ``sittings.close_sitting`` stored it)."""
    committee = COMMITTEES[record["committee"]]
    page = BilingualPage(title=f"Procès-verbal {committee.titles['fr']}")
    page.letterhead(
        ["Royaume du Maroc", "Enseignement supérieur — équivalence des diplômes"],
        ["المملكة المغربية", "التعليم العالي — معادلة الشهادات"],
    )
    page.pair("Procès-verbal de séance", "محضر الجلسة", size=16, bold=True)
    page.pair(committee.titles["fr"], committee.titles["ar"], size=12, bold=True)
    held = record["held_on"]
    page.pair(
        f"Séance du {held} ({_cited(committee.article)})",
        f"جلسة {held}",
        size=9,
    )
    _attendance(page, record)
    page.heading("Dossiers inscrits à l'ordre du jour", "الملفات المدرجة في جدول الأعمال", size=11)
    for n, entry in enumerate(record.get("minutes") or [], 1):
        _file(page, n, entry)
    return page.output()
