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
# in the national exam's average; no seed states them: unverified, like the session's rule
# in ``grading``). The stream codes are those of the candidate lists.
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
# The pass mark, the catch-up session's floor, the mentions and the weights of the
# continuous assessment, the regional and the national exam: the session's rule, as data
# (``grading``), unverified.
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
    marks: dict[str, Decimal] = field(default_factory=dict)  # the national exam's, by subject
    data_status: str = DataStatus.UNCHECKED
    certificate_id: str = ""
    # the candidate's averages of the other components of the session's rule (grading)
    continuous_assessment: Decimal | None = None
    regional_exam: Decimal | None = None

    @property
    def has_results(self) -> bool:
        components = (self.continuous_assessment, self.regional_exam)
        return bool(self.marks) and all(c is not None for c in components)


@dataclass(frozen=True)
class Result:
    average: Decimal  # the general average, by the session's rule
    mention: str  # "" unless admitted
    outcome: str
    # continuous_assessment, regional_exam, national_exam (the subjects' weighted average)
    components: Mapping[str, Decimal] = field(default_factory=dict)


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


def national_average(stream: str, marks: Mapping[str, Decimal]) -> Decimal:
    """The national exam's average: its subjects weighed by their coefficients, two
    decimals, half up."""
    coefficients = STREAMS[stream]
    total = sum((marks[s] * w for s, w in coefficients.items()), Decimal(0))
    return (total / sum(coefficients.values())).quantize(Decimal("0.01"), ROUND_HALF_UP)


def result_of(
    year: int,
    stream: str,
    marks: Mapping[str, Decimal],
    continuous_assessment: Decimal,
    regional_exam: Decimal,
) -> Result:
    """The general average by session ``year``'s rule (continuous assessment, regional and
    national exams, weighed per stream), the outcome and, if admitted, the mention."""
    from chalicelib.services.bac.domain import grading

    rule = grading.rule_for(year)
    components = {
        grading.CONTINUOUS: continuous_assessment,
        grading.REGIONAL: regional_exam,
        grading.NATIONAL: national_average(stream, marks),
    }
    average = grading.general_average(rule, stream, components)
    outcome, mention = grading.outcome_and_mention(rule, average)
    return Result(average, mention, outcome, components)


def result_for(candidate: Candidate) -> Result:
    """The candidate's result (their marks and component averages must be there: the
    candidate list gives all of them together)."""
    if candidate.continuous_assessment is None or candidate.regional_exam is None:
        raise ValueError("a result needs the continuous assessment and the regional exam")
    return result_of(
        candidate.year,
        candidate.stream,
        candidate.marks,
        candidate.continuous_assessment,
        candidate.regional_exam,
    )


def published(visible_from: datetime | None, now: datetime) -> bool:
    return visible_from is not None and now >= visible_from
