"""The baccalaureate's rules, pure (no I/O). Here the exam itself: the streams and their
subjects, how marks make an average, a mention and an outcome, when results are published,
and who a candidate is. The rest, by part of the service:

- ``candidate_list``: what a row of an academy's candidate list must hold;
- ``data_check``: the personal-data check, its corrections, and the convocation it opens;
- ``results_day``: the publication moment, the complaint window, marks a complaint corrects;
- ``certificate``: who gets a certificate, what it states, how long a share lives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Subjects of the national exam by stream, with their coefficients (the weight of each mark
# in the average). The stream codes are those of the candidate lists.
STREAMS: dict[str, dict[str, int]] = {
    "SM": {"math": 9, "physics": 7, "svt": 3, "philosophy": 2, "english": 2, "arabic": 2},
    "PC": {"math": 7, "physics": 7, "svt": 5, "philosophy": 2, "english": 2, "arabic": 2},
    "SVT": {"math": 7, "physics": 5, "svt": 7, "philosophy": 2, "english": 2, "arabic": 2},
    "ECO": {"economics": 6, "accounting": 6, "math": 4, "philosophy": 2, "english": 2},
    "LSH": {"arabic": 4, "history": 3, "philosophy": 3, "english": 3, "french": 4},
}
STREAM_TITLES: dict[str, tuple[str, str]] = {  # (fr, ar)
    "SM": ("Sciences mathématiques", "العلوم الرياضية"),
    "PC": ("Sciences physiques", "العلوم الفيزيائية"),
    "SVT": ("Sciences de la vie et de la terre", "علوم الحياة والأرض"),
    "ECO": ("Sciences économiques", "العلوم الاقتصادية"),
    "LSH": ("Lettres et sciences humaines", "الآداب والعلوم الإنسانية"),
}
SUBJECT_TITLES: dict[str, tuple[str, str]] = {  # (fr, ar)
    "math": ("Mathématiques", "الرياضيات"),
    "physics": ("Physique-chimie", "الفيزياء والكيمياء"),
    "svt": ("Sciences de la vie et de la terre", "علوم الحياة والأرض"),
    "philosophy": ("Philosophie", "الفلسفة"),
    "english": ("Anglais", "اللغة الإنجليزية"),
    "arabic": ("Arabe", "اللغة العربية"),
    "french": ("Français", "اللغة الفرنسية"),
    "history": ("Histoire-géographie", "التاريخ والجغرافيا"),
    "economics": ("Économie générale", "الاقتصاد العام"),
    "accounting": ("Comptabilité", "المحاسبة"),
}
PASS_MARK = Decimal(10)
# An average from 8 up to (not including) 10 sends the candidate to the catch-up session
# ("rattrapage"), as the ministry announces every year.
RESIT_FROM = Decimal(8)
MENTIONS = (  # (lowest average, mention), best first
    (Decimal(16), "tres_bien"),
    (Decimal(14), "bien"),
    (Decimal(12), "assez_bien"),
    (Decimal(10), "passable"),
)
MENTION_TITLES = {
    "tres_bien": ("Très bien", "حسن جدا"),
    "bien": ("Bien", "حسن"),
    "assez_bien": ("Assez bien", "مستحسن"),
    "passable": ("Passable", "مقبول"),
}
OUTCOMES = ("admitted", "resit", "not_admitted")
OUTCOME_TITLES = {
    "admitted": ("Admis", "ناجح"),
    "resit": ("Session de rattrapage", "الدورة الاستدراكية"),
    "not_admitted": ("Non admis", "غير ناجح"),
}
# The personal data a candidate may ask to have corrected (the rest is the school's record).
CORRECTABLE = (
    "first_name_ar",
    "last_name_ar",
    "first_name_fr",
    "last_name_fr",
    "birth_date",
    "birth_place_ar",
    "birth_place_fr",
)


class DataStatus:
    """Where the candidate's personal-data check stands."""

    UNCHECKED = "unchecked"
    CONFIRMED = "confirmed"
    CORRECTION_REQUESTED = "correction_requested"


@dataclass(frozen=True)
class Candidate:
    year: int
    candidate_number: str
    first_name_ar: str
    last_name_ar: str
    first_name_fr: str
    last_name_fr: str
    birth_date: date
    birth_place_ar: str
    birth_place_fr: str
    cnie: str  # "" when the list has none: no match, no certificate
    academy: str
    school: str
    stream: str
    exam_centre: str
    marks: dict[str, Decimal] = field(default_factory=dict)
    data_status: str = DataStatus.UNCHECKED
    certificate_id: str = ""

    @property
    def has_results(self) -> bool:
        return bool(self.marks)


@dataclass(frozen=True)
class Result:
    average: Decimal
    mention: str  # "" unless admitted
    outcome: str


def checked_mark(raw: str) -> tuple[Decimal, str]:
    """A mark as a list or a complaint gives it, or why not: 0 to 20, at most two decimals."""
    try:
        mark = Decimal(raw)
    except InvalidOperation:
        return Decimal(0), "not a number"
    if not mark.is_finite() or not Decimal(0) <= mark <= Decimal(20):
        return Decimal(0), "a mark is from 0 to 20"
    if mark != mark.quantize(Decimal("0.01")):
        return Decimal(0), "at most two decimals"
    return mark, ""


def parse_date(text: str) -> date | None:
    """A day written YYYY-MM-DD, or None."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def result_of(stream: str, marks: Mapping[str, Decimal]) -> Result:
    """The weighted average (two decimals, half up), the outcome and, if admitted, the mention."""
    weights = STREAMS[stream]
    total = sum((marks[s] * w for s, w in weights.items()), Decimal(0))
    average = (total / sum(weights.values())).quantize(Decimal("0.01"), ROUND_HALF_UP)
    if average >= PASS_MARK:
        mention = next(name for floor, name in MENTIONS if average >= floor)
        return Result(average, mention, "admitted")
    return Result(average, "", "resit" if average >= RESIT_FROM else "not_admitted")


def published(visible_from: datetime | None, now: datetime) -> bool:
    return visible_from is not None and now >= visible_from
