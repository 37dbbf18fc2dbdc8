"""The rules of school pre-registration (pure: no I/O).

- The school-age rule is data: each school year names its reference date and the minimum
  age per level; a child must have reached that age on that date. Refusals quote the rule.
- A school serves a sector of the school map: (commune, district) pairs.
- One child, one live request: the guard key is the birth certificate with the birth date.
- The follow-up counts requests by state and forecasts younger siblings' school entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from chalicelib.services.enrollment.names import fold

LEVELS = ("preschool", "primary")
LIVE_STATES = frozenset(
    {"submitted", "documents_requested", "approved"}
)  # a request that holds the child's guard


@dataclass(frozen=True)
class SchoolYear:
    """A school year's settings: it starts in September of ``start``; a child enters
    ``level`` if aged ``minimum_age[level]`` years or more on ``reference_date``."""

    start: int
    reference_date: date
    minimum_age: Mapping[str, int] = field(default_factory=lambda: {"preschool": 4, "primary": 6})

    @property
    def label(self) -> str:
        return f"{self.start}-{self.start + 1}"

    def latest_birth_date(self, level: str) -> date:
        years = self.minimum_age[level]
        ref = self.reference_date
        return ref.replace(year=ref.year - years, day=28 if ref.month == 2 else ref.day)


# The ministry's note for each school year; a year not listed follows the usual rule
# (6 years, or 4 for preschool, on 31 December of the year school starts).
SCHOOL_YEARS: dict[int, SchoolYear] = {
    2025: SchoolYear(2025, date(2025, 12, 31)),
    2026: SchoolYear(2026, date(2026, 12, 31)),
    2027: SchoolYear(2027, date(2027, 12, 31)),
}


def school_year(start: int) -> SchoolYear:
    return SCHOOL_YEARS.get(start) or SchoolYear(start, date(start, 12, 31))


def school_year_of_filing(day: date) -> SchoolYear:
    """Pre-registration is for the school year starting next September (this September's
    until the end of August)."""
    return school_year(day.year if day.month < 9 else day.year + 1)


def age_on(birth: date, day: date) -> int:
    """Full years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def of_age(birth: date, year: SchoolYear, level: str) -> bool:
    return age_on(birth, year.reference_date) >= year.minimum_age[level]


_LEVEL_NAMES = {
    "primary": {
        "ar": "السنة الأولى من التعليم الابتدائي",
        "fr": "la première année du primaire",
        "en": "the first year of primary school",
    },
    "preschool": {"ar": "التعليم الأولي", "fr": "le préscolaire", "en": "preschool"},
}


def age_rule(year: SchoolYear, level: str, language: str) -> str:
    """The rule in words, as quoted to the guardian and shown to the director."""
    years, ref = year.minimum_age[level], year.reference_date
    latest, where = year.latest_birth_date(level), _LEVEL_NAMES[level][language]
    if language == "ar":
        return (
            f"بالنسبة للموسم الدراسي {year.label}، يجب أن يبلغ الطفل {years} سنوات كاملة "
            f"في {ref:%d/%m/%Y} لولوج {where} (مزداد في {latest:%d/%m/%Y} أو قبله)."
        )
    if language == "fr":
        return (
            f"Pour l'année scolaire {year.label}, l'enfant doit avoir {years} ans révolus au "
            f"{ref:%d/%m/%Y} pour entrer en {where} (né le {latest:%d/%m/%Y} ou avant)."
        )
    return (
        f"For the {year.label} school year, a child must be {years} years old by "
        f"{ref:%d %B %Y} to enter {where} (born on or before {latest:%d %B %Y})."
    )


@dataclass(frozen=True)
class Checks:
    """What the director must check on a request."""

    of_age: bool
    age_on_reference_date: int
    rule: str
    in_sector: bool


def in_sector(sector: Iterable[Mapping[str, str]], commune: str, district: str) -> bool:
    """Whether (commune, district) lies in a school's sector (names compared folded)."""
    wanted = (fold(commune), fold(district))
    return any((fold(s["commune"]), fold(s["district"])) == wanted for s in sector)


def checks(
    birth: date,
    year: SchoolYear,
    level: str,
    sector: Iterable[Mapping[str, str]],
    residence: Mapping[str, str],
    language: str,
) -> Checks:
    return Checks(
        of_age=of_age(birth, year, level),
        age_on_reference_date=age_on(birth, year.reference_date),
        rule=age_rule(year, level, language),
        in_sector=in_sector(sector, residence.get("commune", ""), residence.get("district", "")),
    )


# Why a director may reject a request; the guardian reads it in their language.
REJECTION_REASONS: dict[str, dict[str, str]] = {
    "under_age": {
        "ar": "لم يبلغ الطفل السن القانونية للتمدرس.",
        "fr": "L'enfant n'a pas atteint l'âge légal de scolarisation.",
        "en": "The child has not reached the legal school age.",
    },
    "outside_sector": {
        "ar": "المؤسسة المختارة لا تغطي مكان السكنى.",
        "fr": "L'école choisie ne dessert pas le lieu de résidence.",
        "en": "The chosen school does not serve the place of residence.",
    },
    "other": {"ar": "سبب آخر.", "fr": "Autre motif.", "en": "Another reason."},
}


# The ground as the SMS states it: a category in a few words, never the director's own words
# (an SMS may be read by anyone near the phone, and must fit one segment).
REJECTION_GROUNDS: dict[str, dict[str, str]] = {
    "under_age": {
        "ar": "الطفل دون سن التمدرس",
        "fr": "âge légal non atteint",
        "en": "legal school age not reached",
    },
    "outside_sector": {
        "ar": "المدرسة لا تغطي سكناكم",
        "fr": "l'école ne dessert pas votre résidence",
        "en": "the school does not serve your address",
    },
    "other": {
        "ar": "السبب في بريدكم وفضائكم",
        "fr": "motif dans votre e-mail et votre espace Khidmat",
        "en": "reason in your e-mail and your Khidmat space",
    },
}


def rejection_ground(code: str, language: str) -> str:
    return REJECTION_GROUNDS[code][language]


def rejection_text(code: str, details: str, language: str, rule: str = "") -> str:
    """The reason as the guardian reads it: the ground, the age rule for an age refusal,
    and the director's words (required for ``other``)."""
    parts = [REJECTION_REASONS[code][language]]
    if code == "under_age" and rule:
        parts.append(rule)
    if details.strip():
        parts.append(details.strip())
    return " ".join(parts)


def rejection_problem(code: str, details: str) -> str:
    """Why a rejection's reason is incomplete, or ""."""
    if code == "other" and not details.strip():
        return "another reason must be given in words"
    return ""


def guard_key(certificate_number: str, birth: date) -> str:
    """The one-live-request key of a child: a hash, so no birth data sits in a key."""
    number = "".join(certificate_number.split()).upper()
    return hashlib.sha256(f"{number}|{birth.isoformat()}".encode()).hexdigest()


def state_moves(before: str, after: str) -> dict[str, int]:
    """How a request moving from ``before`` ("" when filed) to ``after`` changes the
    per-state counters."""
    moves = {f"n_{after}": 1}
    if before:
        moves[f"n_{before}"] = moves.get(f"n_{before}", 0) - 1
    return {k: v for k, v in moves.items() if v}


def entry_year(birth: date, level: str = "primary") -> int:
    """The first school year a child born on ``birth`` is of age for ``level``."""
    start = birth.year
    while not of_age(birth, school_year(start), level):
        start += 1
    return start


def sibling_forecast(siblings: Iterable[date], year: SchoolYear) -> dict[int, int]:
    """How many of the younger siblings reach primary school age in each of the next two
    school years after ``year`` (the school map's forecast)."""
    horizon = (year.start + 1, year.start + 2)
    counts: dict[int, int] = {}
    for birth in siblings:
        start = entry_year(birth)
        if start in horizon:
            counts[start] = counts.get(start, 0) + 1
    return counts
