"""The legal texts the equivalence service applies, as published in the Official Bulletin.

Data, kept here so the reference page, the guide PDF and the procedures cite the same
texts. Each text's file is a PDF in the documents bucket under
``library/equivalence/references/<code>.pdf`` (the ministry uploads the official copy;
``make run`` puts demo copies). Check numbers and BO references against the SGG's
Bulletin officiel before going live: the ministry owns this list.
"""

from __future__ import annotations

from typing import Any

REFERENCES: tuple[dict[str, Any], ...] = (
    {
        "code": "decree-2-13-165",
        "kind": "decree",
        "number": "2-13-165",
        "date": "2014-02-13",
        "bo": {"number": "6240", "date": "2014-03-20"},
        "tracks": ["higher"],
        "titles": {
            "fr": "Décret n° 2-13-165 relatif aux conditions et à la procédure d'octroi de "
            "l'équivalence des diplômes de l'enseignement supérieur",
            "ar": "المرسوم رقم 2.13.165 المتعلق بشروط ومسطرة منح معادلة شهادات التعليم العالي",
        },
    },
    {
        "code": "decree-2-19-281",
        "kind": "decree",
        "number": "2-19-281",
        "date": "2019-05-13",
        "bo": {"number": "6782", "date": "2019-06-06"},
        "tracks": ["higher"],
        "amends": "decree-2-13-165",
        "titles": {
            "fr": "Décret n° 2-19-281 modifiant et complétant le décret n° 2-13-165 "
            "(équivalence conditionnelle, réexamen, recours)",
            "ar": "المرسوم رقم 2.19.281 بتغيير وتتميم المرسوم رقم 2.13.165 "
            "(المعادلة المشروطة، إعادة الدراسة، الطعن)",
        },
    },
    {
        "code": "order-higher-file",
        "kind": "order",
        "number": "1125-14",
        "date": "2014-03-27",
        "bo": {"number": "6252", "date": "2014-05-01"},
        "tracks": ["higher"],
        "titles": {
            "fr": "Arrêté fixant la composition du dossier de demande d'équivalence des "
            "diplômes de l'enseignement supérieur et le fonctionnement des commissions",
            "ar": "قرار بتحديد مكونات ملف طلب معادلة شهادات التعليم العالي وكيفيات عمل اللجان",
        },
    },
    {
        "code": "circular-men-school",
        "kind": "circular",
        "number": "MEN-EQ-2015",
        "date": "2015-09-01",
        "bo": None,  # a circular is not published in the BO; the ministry publishes it
        "tracks": ["school"],
        "titles": {
            "fr": "Circulaire relative à l'équivalence des certificats scolaires étrangers, "
            "du baccalauréat et du brevet de technicien supérieur",
            "ar": "مذكرة في شأن معادلة الشهادات المدرسية الأجنبية والبكالوريا وشهادة التقني العالي",
        },
    },
)


def file_key(code: str) -> str:
    return f"library/equivalence/references/{code}.pdf"
