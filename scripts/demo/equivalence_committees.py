"""Demo members of two equivalence committees for ``make run``, marked as demo data, each in
a seat of its article (decree 2.13.165, arts. 4 and 9): the law committee, and the Higher
Equivalence Committee with its eight members. Safe to run twice (the list is replaced)."""

from __future__ import annotations

from datetime import UTC, datetime

DEMO = "(démo)"
LAW = [
    {"id": "law-h1", "name": f"Doyen, faculté de droit A {DEMO}", "seat": "head_of_institution"},
    {"id": "law-h2", "name": f"Doyen, faculté de droit B {DEMO}", "seat": "head_of_institution"},
    {
        "id": "law-m1",
        "name": f"Représentant, ministère de la Justice {DEMO}",
        "seat": "ministerial_department",
    },
    {
        "id": "law-p1",
        "name": f"Représentant, ordre des avocats {DEMO}",
        "seat": "professional_body",
    },
]
HEC = [
    {"id": "hec-1", "name": f"Président d'université {DEMO}", "seat": "university_president"},
    {"id": "hec-2", "name": f"Doyen, lettres A {DEMO}", "seat": "dean_letters"},
    {"id": "hec-3", "name": f"Doyen, lettres B {DEMO}", "seat": "dean_letters"},
    {
        "id": "hec-4",
        "name": f"Directeur, école d'ingénieurs {DEMO}",
        "seat": "engineering_school_director",
    },
    {
        "id": "hec-5",
        "name": f"Directeur d'établissement A {DEMO}",
        "seat": "non_university_institution_head",
    },
    {
        "id": "hec-6",
        "name": f"Directeur d'établissement B {DEMO}",
        "seat": "non_university_institution_head",
    },
    {
        "id": "hec-7",
        "name": f"Directeur de l'enseignement supérieur {DEMO}",
        "seat": "central_administration_director",
    },
    {
        "id": "hec-8",
        "name": f"Directeur des équivalences {DEMO}",
        "seat": "central_administration_director",
    },
]


def seed_members() -> str:
    from chalicelib.services.equivalence import sittings

    at = datetime.now(UTC)
    sittings.set_members("law", [dict(m) for m in LAW], at)
    sittings.set_members("HEC", [dict(m) for m in HEC], at)
    return f"demo members of the law committee ({len(LAW)}) and the HEC ({len(HEC)})"
