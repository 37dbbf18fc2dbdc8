"""Realistic DEMO decisions for ``make run`` and the bench: plausible countries,
institutions and diplomas in Arabic and French, decided since 1967. Every one has
``demo=True`` and an order number starting ``DEMO-``: none is a real decision.

Deterministic for a seed, so the bench measures the same catalogue every run. Arabic text
is written with the variants real data has (hamza forms, ta marbuta, diacritics on some
rows) so that the search's folding is exercised.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from chalicelib.services.equivalence.library.decisions import Decision

# country -> (script of its diplomas, institutions)
INSTITUTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "FR": (
        "fr",
        (
            "Université Paris-Saclay",
            "Université de Montpellier",
            "Université Claude Bernard Lyon 1",
            "École Centrale de Lyon",
            "Université de Bordeaux",
            "Sorbonne Université",
            "Université Grenoble Alpes",
            "École nationale des ponts et chaussées",
            "Université de Strasbourg",
            "Université Toulouse III Paul Sabatier",
        ),
    ),
    "BE": (
        "fr",
        (
            "Université libre de Bruxelles",
            "Université catholique de Louvain",
            "Université de Liège",
        ),
    ),
    "ES": (
        "fr",
        ("Universidad Complutense de Madrid", "Universidad de Granada", "Universitat de Barcelona"),
    ),
    "CA": ("fr", ("Université de Montréal", "Université Laval", "Polytechnique Montréal")),
    "CH": ("fr", ("Université de Genève", "École polytechnique fédérale de Lausanne")),
    "RU": (
        "fr",
        (
            "Université russe de l'amitié des peuples",
            "Université d'État de Kazan",
            "Université médicale d'État de Volgograd",
        ),
    ),
    "UA": (
        "fr",
        (
            "Université nationale de médecine Bogomolets",
            "Université nationale de Kharkiv",
            "Université polytechnique d'Odessa",
        ),
    ),
    "RO": ("fr", ("Université de médecine et pharmacie Carol Davila", "Université Babeș-Bolyai")),
    "SN": ("fr", ("Université Cheikh Anta Diop de Dakar", "Université Gaston Berger")),
    "CI": ("fr", ("Université Félix Houphouët-Boigny",)),
    "CN": ("fr", ("Université de Wuhan", "Université médicale de Chine", "Université Tsinghua")),
    "TR": ("fr", ("Université d'Istanbul", "Université Hacettepe")),
    "TN": (
        "ar",
        ("جامعة تونس المنار", "جامعة صفاقس", "كلية الطب بسوسة", "المدرسة الوطنية للمهندسين بتونس"),
    ),
    "DZ": ("ar", ("جامعة الجزائر 1", "جامعة وهران", "المدرسة الوطنية المتعددة التقنيات")),
    "EG": ("ar", ("جامعة القاهرة", "جامعة الأزهر", "جامعة عين شمس", "جامعة الإسكندرية")),
    "SY": ("ar", ("جامعة دمشق", "جامعة حلب")),
    "IQ": ("ar", ("جامعة بغداد", "الجامعة المستنصرية")),
    "JO": ("ar", ("الجامعة الأردنية", "جامعة اليرموك")),
    "SA": ("ar", ("جامعة الملك سعود", "جامعة أم القرى")),
    "LB": ("ar", ("الجامعة اللبنانية", "جامعة بيروت العربية")),
    "SD": ("ar", ("جامعة الخرطوم",)),
}

# level -> field -> (French title, Arabic title, national equivalent fr, national equivalent ar)
DIPLOMAS: dict[str, dict[str, tuple[str, str, str, str]]] = {
    "licence": {
        "law": (
            "Licence en droit privé",
            "الإجازة في القانون الخاص",
            "Licence en droit privé",
            "الإجازة في القانون الخاص",
        ),
        "general": (
            "Licence en économie et gestion",
            "الإجازة في الاقتصاد والتدبير",
            "Licence fondamentale en sciences économiques",
            "الإجازة الأساسية في العلوم الاقتصادية",
        ),
        "other": (
            "Licence en langue et littérature arabes",
            "الإجازة في اللغة العربية وآدابها",
            "Licence en études arabes",
            "الإجازة في الدراسات العربية",
        ),
    },
    "master": {
        "general": (
            "Master en informatique",
            "الماستر في المعلوميات",
            "Master en informatique",
            "ماستر في المعلوميات",
        ),
        "law": (
            "Master en droit des affaires",
            "ماستر في قانون الأعمال",
            "Master en droit des affaires",
            "ماستر في قانون الأعمال",
        ),
        "engineering": (
            "Master en génie civil",
            "ماستر في الهندسة المدنية",
            "Master en génie civil",
            "ماستر في الهندسة المدنية",
        ),
    },
    "engineer": {
        "engineering": (
            "Diplôme d'ingénieur en génie électrique",
            "دبلوم مهندس في الهندسة الكهربائية",
            "Diplôme d'ingénieur d'État",
            "دبلوم مهندس الدولة",
        ),
        "topography": (
            "Diplôme d'ingénieur géomètre-topographe",
            "دبلوم مهندس مساح طبوغرافي",
            "Diplôme d'ingénieur d'État en topographie",
            "دبلوم مهندس الدولة في الطبوغرافيا",
        ),
    },
    "doctorate": {
        "general": (
            "Doctorat en physique",
            "الدكتوراه في الفيزياء",
            "Doctorat national",
            "الدكتوراه الوطنية",
        ),
        "law": (
            "Doctorat en droit public",
            "الدكتوراه في القانون العام",
            "Doctorat national en droit",
            "الدكتوراه الوطنية في القانون",
        ),
    },
    "doctorate_medicine": {
        "health": (
            "Doctorat en médecine",
            "دكتوراة في الطب",
            "Doctorat en médecine",
            "الدكتوراه في الطب",
        ),
    },
    "pharmacy": {
        "health": (
            "Doctorat en pharmacie",
            "دكتوراه في الصيدلة",
            "Doctorat en pharmacie",
            "الدكتوراه في الصيدلة",
        ),
    },
    "dentistry": {
        "health": (
            "Doctorat en médecine dentaire",
            "دكتوراه في طب الأسنان",
            "Doctorat en médecine dentaire",
            "الدكتوراه في طب الأسنان",
        ),
    },
    "architecture": {
        "architecture": (
            "Diplôme d'architecte",
            "دبلوم مهندس معماري",
            "Diplôme d'architecte",
            "دبلوم مهندس معماري",
        ),
    },
    "bac+2": {
        "general": (
            "Diplôme universitaire de technologie",
            "دبلوم جامعي للتكنولوجيا",
            "Diplôme universitaire de technologie",
            "الدبلوم الجامعي للتكنولوجيا",
        ),
    },
    "baccalaureate": {
        "general": (
            "Baccalauréat série scientifique",
            "البكالوريا شعبة العلوم",
            "Baccalauréat marocain, sciences expérimentales",
            "البكالوريا المغربية، العلوم التجريبية",
        ),
    },
    "bts": {
        "technical": (
            "Brevet de technicien supérieur en électrotechnique",
            "شهادة التقني العالي في الكهرباء التقنية",
            "Brevet de technicien supérieur",
            "شهادة التقني العالي",
        ),
    },
}
CONDITIONS = {
    "health": (
        "Stage clinique certifié de 12 mois dans un CHU",
        "تدريب سريري مصادق عليه لمدة 12 شهرا بمركز استشفائي جامعي",
    ),
    "engineering": ("Examen d'évaluation des connaissances", "امتحان لتقييم المعارف"),
    "architecture": ("Formation complémentaire de deux semestres", "تكوين تكميلي لمدة فصلين"),
    "topography": ("Stage certifié de six mois", "تدريب مصادق عليه لمدة ستة أشهر"),
}
REFUSALS = (
    ("Durée des études insuffisante", "مدة الدراسة غير كافية"),
    ("Formation suivie à distance", "تكوين عن بعد"),
    (
        "Établissement non reconnu par le pays de délivrance",
        "مؤسسة غير معترف بها من طرف بلد التسليم",
    ),
)
_DIACRITICS = ("\u064e", "\u064f", "\u0650", "\u0651")


def _arabic_variant(text: str, rng: random.Random) -> str:
    """Some rows carry the spelling variants real records have."""
    roll = rng.random()
    if roll < 0.15:
        return text.replace("أ", "ا").replace("إ", "ا")
    if roll < 0.25:  # a few diacritics, as a clerk typing carefully would
        return "".join(c + (rng.choice(_DIACRITICS) if c == "ل" else "") for c in text)
    return text


def decisions(count: int, seed: int = 1967, today: date | None = None) -> Iterator[Decision]:
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    today = today or date(2025, 12, 31)
    span = (today - date(1967, 1, 1)).days
    countries = list(INSTITUTIONS)
    levels = list(DIPLOMAS)
    for n in range(1, count + 1):
        country = rng.choice(countries)
        script, institutions = INSTITUTIONS[country]
        level = rng.choice(levels)
        field = rng.choice(list(DIPLOMAS[level]))
        title_fr, title_ar, national_fr, national_ar = DIPLOMAS[level][field]
        bilingual = rng.random() < 0.2
        if script == "ar":
            diploma = _arabic_variant(title_ar, rng) + (f" — {title_fr}" if bilingual else "")
        else:
            diploma = title_fr + (f" — {title_ar}" if bilingual else "")
        decided = date(1967, 1, 1) + timedelta(days=rng.randrange(span - 60))
        published = decided + timedelta(days=rng.randrange(10, 60))
        roll = rng.random()
        outcome = "granted" if roll < 0.75 else ("conditional" if roll < 0.9 else "refused")
        if outcome == "conditional" and field not in CONDITIONS:
            outcome = "granted"
        conditions = reasons = equivalent = ""
        if outcome == "conditional":
            conditions = " / ".join(CONDITIONS[field])
        if outcome == "refused":
            reasons = " / ".join(rng.choice(REFUSALS))
        else:
            equivalent = f"{national_fr} / {national_ar}"
        yield Decision(
            number=f"DEMO-{decided.year}-{n:06d}",
            diploma=diploma,
            institution=rng.choice(institutions),
            country=country,
            level=level,
            field=field,
            outcome=outcome,
            equivalent=equivalent,
            conditions=conditions,
            reasons=reasons,
            decision_date=decided,
            bo_number=str(2800 + (decided.year - 1967) * 52 + rng.randrange(52)),
            bo_date=published,
            bo_page=rng.randrange(1, 4000),
            diploma_year=max(1960, decided.year - rng.randrange(1, 4)),
            demo=True,
        )


def as_jsonl(items: list[Decision]) -> bytes:
    """The decisions as an import file (what the ministry would upload)."""
    import json

    lines = []
    for d in items:
        record = d.public()
        for derived in ("year", "country_name", "country_former"):
            record.pop(derived)
        lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()
