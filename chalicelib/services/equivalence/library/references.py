"""The legal texts the equivalence service applies, each fact as the source documents give it.

Data, kept here so the reference page, the guide PDF and the procedures cite the same texts.
The authority is ``/work/shared/seeds`` (the project's source documents): every reference
names its ``source`` (``"seed 002"`` ...) and ``cited_in`` (where in it), and every fact no
seed gives (a date, a Bulletin officiel number) is ``None`` and named in ``unverified``,
never guessed. ``notes`` records what a seed says oddly (a misprint). A text's file is a PDF
in the documents bucket under ``library/equivalence/references/<code>.pdf`` (the ministry
uploads the official copy; ``make run`` puts demo copies); an order the decree announces
but no seed gives (``status: "announced"``) has no file.

Hijri months as the seeds name them: ربيع الأول (Rabii I), ربيع الآخر (Rabii II),
جمادى الأولى (Joumada I), جمادى الآخرة (Joumada II).
"""

from __future__ import annotations

from typing import Any

SEED_000 = "seed 000"  # MEN press release of 21 Nov 2023 (school level and BTS platform)
SEED_002 = "seed 002"  # decree 2.13.165 as amended by 2.19.281, articles 1 to 14
UNVERIFIED = "unverified"
SOURCES = (SEED_000, SEED_002, UNVERIFIED)
# The facts a reference may leave unverified (None) when no seed gives them.
FACTS = ("number", "date", "date_hijri", "bo")


def _hijri(ar: str, fr: str) -> dict[str, str]:
    return {"ar": ar, "fr": fr}


DECREE_2_13_165: dict[str, Any] = {
    "code": "decree-2-13-165",
    "kind": "decree",
    "status": "in_force",
    "number": "2.13.165",
    "date": "2014-02-19",
    "date_hijri": _hijri("19 من ربيع الآخر 1435", "19 rabii II 1435"),
    "bo": {
        "number": "6237",
        "date": "2014-03-10",
        "date_hijri": _hijri("8 جمادى الأولى 1435", "8 joumada I 1435"),
        "page": 3119,
    },
    "source": SEED_002,
    "cited_in": "title, art. 14 (signature) and footnote 1 (Bulletin officiel)",
    "unverified": [],
    "notes": [],
    "tracks": ["higher"],
    "titles": {
        "fr": "Décret n° 2.13.165 fixant les conditions et la procédure d'octroi de "
        "l'équivalence des diplômes de l'enseignement supérieur",
        "ar": "مرسوم رقم 2.13.165 بتحديد الشروط والمسطرة الخاصة بمنح معادلة شهادات التعليم العالي",
    },
}

DECREE_2_19_281: dict[str, Any] = {
    "code": "decree-2-19-281",
    "kind": "decree",
    "status": "in_force",
    "number": "2.19.281",
    "date": "2019-11-29",
    "date_hijri": _hijri("2 ربيع الآخر 1441", "2 rabii II 1441"),
    "bo": {
        "number": "6854",
        "date": "2020-02-06",
        "date_hijri": _hijri("11 جمادى الآخرة 1441", "11 joumada II 1441"),
        "page": 541,
    },
    "source": SEED_002,
    "cited_in": "header and footnote 2 (amends arts. 2 to 9 and 11, art. 1; replaces art. 12)",
    "unverified": [],
    "notes": [
        "Seed 002, footnote 2, prints the Bulletin's date as 6 February 2014 (6 فبراير 2014); "
        "its header and the Hijri date 11 Joumada II 1441 give 6 February 2020, kept here."
    ],
    "tracks": ["higher"],
    "amends": "decree-2-13-165",
    "titles": {
        "fr": "Décret n° 2.19.281 modifiant et complétant le décret n° 2.13.165",
        "ar": "المرسوم رقم 2.19.281 بتغيير وتتميم المرسوم رقم 2.13.165",
    },
}

DECREE_2_01_333: dict[str, Any] = {
    "code": "decree-2-01-333",
    "kind": "decree",
    "status": "repealed",
    "number": "2.01.333",
    "date": "2001-06-21",
    "date_hijri": _hijri("28 من ربيع الأول 1422", "28 rabii I 1422"),
    "bo": None,
    "source": SEED_002,
    "cited_in": "art. 13",
    "unverified": ["bo"],
    "notes": [
        "Repealed by decree 2.13.165 (art. 13) from the publication of the orders applying it, "
        "except the last paragraph of its article 11."
    ],
    "tracks": ["higher"],
    "titles": {
        "fr": "Décret n° 2.01.333 fixant les conditions et la procédure d'octroi de "
        "l'équivalence des diplômes de l'enseignement supérieur (abrogé)",
        "ar": "المرسوم رقم 2.01.333 المتعلق بتحديد الشروط والمسطرة الخاصة بمنح معادلة "
        "شهادات التعليم العالي (منسوخ)",
    },
}

LAW_80_12: dict[str, Any] = {
    "code": "law-80-12",
    "kind": "law",
    "status": "in_force",
    "number": "80.12",
    "date": None,
    "date_hijri": None,
    "bo": None,
    "source": SEED_002,
    "cited_in": "art. 12",
    "unverified": ["date", "date_hijri", "bo"],
    "notes": [
        "Creates the national agency for the evaluation and quality assurance of higher "
        "education and scientific research, whose expertise reports the committees rely on."
    ],
    "tracks": ["higher"],
    "titles": {
        "fr": "Loi n° 80.12 relative à l'Agence nationale d'évaluation et d'assurance qualité "
        "de l'enseignement supérieur et de la recherche scientifique",
        "ar": "القانون رقم 80.12 المحدثة بمقتضاه الوكالة الوطنية لتقييم وضمان جودة التعليم "
        "العالي والبحث العلمي",
    },
}

LAW_55_19: dict[str, Any] = {
    "code": "law-55-19",
    "kind": "law",
    "status": "in_force",
    "number": "55.19",
    "date": None,
    "date_hijri": None,
    "bo": None,
    "source": SEED_000,
    "cited_in": "third paragraph (processing deadlines and delivery of decisions)",
    "unverified": ["date", "date_hijri", "bo"],
    "notes": [],
    "tracks": ["school"],
    "titles": {
        "fr": "Loi n° 55.19 relative à la simplification des procédures et formalités "
        "administratives",
        "ar": "القانون رقم 55.19 المتعلق بتبسيط المساطر والإجراءات الإدارية",
    },
}


def _announced(code: str, article: str, fr: str, ar: str) -> dict[str, Any]:
    """An order decree 2.13.165 says the minister shall take: the seed gives its subject,
    not its number, date or Bulletin."""
    return {
        "code": code,
        "kind": "order",
        "status": "announced",
        "number": None,
        "date": None,
        "date_hijri": None,
        "bo": None,
        "source": SEED_002,
        "cited_in": article,
        "unverified": list(FACTS),
        "notes": [f"Announced by decree 2.13.165, {article}; not in the source documents."],
        "tracks": ["higher"],
        "titles": {"fr": fr, "ar": ar},
    }


ANNOUNCED_ORDERS: tuple[dict[str, Any], ...] = (
    _announced(
        "order-art-3-file",
        "art. 3",
        "Arrêté fixant la composition du dossier d'équivalence selon le niveau du diplôme et "
        "le type de formation, et son dépôt électronique",
        "قرار بتحديد كيفية تكوين ملف المعادلة حسب مستوى الشهادة ونوعية التكوين وكيفية إيداعه "
        "بطريقة إلكترونية",
    ),
    _announced(
        "order-art-4-committees",
        "art. 4",
        "Arrêté fixant le nombre, la composition et le fonctionnement des commissions sectorielles",
        "قرار بتحديد عدد اللجن القطاعية وتأليفها وكيفيات سيرها",
    ),
    _announced(
        "order-art-7-conditions",
        "art. 7",
        "Arrêté fixant les modalités d'application de l'équivalence sous conditions",
        "قرار بتحديد كيفية تطبيق أحكام المادة 7 (المعادلة بشرط أو أكثر)",
    ),
    _announced(
        "order-art-9-higher-committee",
        "art. 9",
        "Arrêté fixant le fonctionnement de la Commission supérieure d'équivalence des "
        "diplômes et la saisine de celle-ci",
        "قرار بتحديد كيفيات سير اللجنة العليا لمعادلة الشهادات وإحالة الملفات إليها",
    ),
)

REFERENCES: tuple[dict[str, Any], ...] = (
    DECREE_2_13_165,
    DECREE_2_19_281,
    LAW_80_12,
    LAW_55_19,
    DECREE_2_01_333,
    *ANNOUNCED_ORDERS,
)


def has_file(ref: dict[str, Any]) -> bool:
    """A text the ministry can upload: an announced order has no known text."""
    return bool(ref["status"] != "announced")


def file_key(code: str) -> str:
    return f"library/equivalence/references/{code}.pdf"
