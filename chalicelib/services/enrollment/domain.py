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
from datetime import date, timedelta

from chalicelib.services.enrollment.names import fold as fold  # part of the domain model (searches)

LEVELS = ("preschool", "primary")
LIVE_STATES = frozenset(
    {"submitted", "documents_requested", "approved"}
)  # a request that holds the child's guard


# Where the school-age figures and the late-registration cut-off come from. Seed 001 (note
# 030-20) speaks only of "children who reached school age": every figure below is a
# placeholder until the ministry's note for the year is entered with its reference.
UNVERIFIED = "unverified"


@dataclass(frozen=True)
class SchoolYear:
    """A school year's settings: it starts in September of ``start``; a child enters
    ``level`` if aged from ``minimum_age[level]`` to ``maximum_age[level]`` full years on
    ``reference_date``. A request filed up to ``late_until`` (after school started) is a late
    registration for this year; after it, requests are for the next one."""

    start: int
    reference_date: date
    minimum_age: Mapping[str, int] = field(default_factory=lambda: {"preschool": 4, "primary": 6})
    maximum_age: Mapping[str, int] = field(default_factory=lambda: {"preschool": 5, "primary": 7})
    late_until: date | None = None  # default: 30 September of ``start``
    source: str = UNVERIFIED  # the ministry's note that sets these figures, once known

    @property
    def label(self) -> str:
        return f"{self.start}-{self.start + 1}"

    @property
    def last_day_to_file(self) -> date:
        return self.late_until or date(self.start, 9, 30)

    def latest_birth_date(self, level: str) -> date:
        """The last birth date of a child old enough for ``level``."""
        return _years_before(self.reference_date, self.minimum_age[level])

    def earliest_birth_date(self, level: str) -> date:
        """The first birth date of a child not too old for ``level``."""
        too_old = _years_before(self.reference_date, self.maximum_age[level] + 1)
        return too_old + timedelta(days=1)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February, in a year that has none
        return day.replace(year=day.year - years, day=28)


# The ministry's note for each school year; a year not listed follows the usual rule (4 or 5
# years for preschool, 6 or 7 for primary, on 31 December of the year school starts; late
# registrations until 30 September). All unverified: see UNVERIFIED.
SCHOOL_YEARS: dict[int, SchoolYear] = {
    2025: SchoolYear(2025, date(2025, 12, 31), late_until=date(2025, 9, 30)),
    2026: SchoolYear(2026, date(2026, 12, 31), late_until=date(2026, 9, 30)),
    2027: SchoolYear(2027, date(2027, 12, 31), late_until=date(2027, 9, 30)),
}


def school_year(start: int) -> SchoolYear:
    return SCHOOL_YEARS.get(start) or SchoolYear(start, date(start, 12, 31))


def school_year_of_filing(day: date) -> SchoolYear:
    """The school year a request filed on ``day`` is for: the one starting this September,
    and still the one just started until its late-registration cut-off; after that, the
    next one."""
    this_year = school_year(day.year)
    return this_year if day <= this_year.last_day_to_file else school_year(day.year + 1)


def age_on(birth: date, day: date) -> int:
    """Full years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_verdict(birth: date, year: SchoolYear, level: str) -> str:
    """ "under" or "over" the ages ``level`` takes in ``year``, or "" when of age."""
    age = age_on(birth, year.reference_date)
    if age < year.minimum_age[level]:
        return "under"
    return "over" if age > year.maximum_age[level] else ""


def of_age(birth: date, year: SchoolYear, level: str) -> bool:
    return not age_verdict(birth, year, level)


# What a level is entered as, in a sentence: "to enter <level>".
_TO_ENTER = {
    "primary": {
        "ar": "لولوج السنة الأولى من التعليم الابتدائي",
        "fr": "pour entrer en première année du primaire",
        "en": "to enter the first year of primary school",
    },
    "preschool": {
        "ar": "لولوج التعليم الأولي",
        "fr": "pour entrer au préscolaire",
        "en": "to enter preschool",
    },
}


def _english_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def age_rule(year: SchoolYear, level: str, language: str) -> str:
    """The rule in words, as quoted to the guardian and shown to the director."""
    least, under = year.minimum_age[level], year.maximum_age[level] + 1
    ref, to_enter = year.reference_date, _TO_ENTER[level][language]
    first, last = year.earliest_birth_date(level), year.latest_birth_date(level)
    if language == "ar":
        return (
            f"بالنسبة للموسم الدراسي {year.label}، يجب أن يبلغ الطفل {least} سنوات كاملة "
            f"في {ref:%d/%m/%Y} وأن يقل سنه عن {under} سنوات، {to_enter} "
            f"(مزداد بين {first:%d/%m/%Y} و{last:%d/%m/%Y})."
        )
    if language == "fr":
        return (
            f"Pour l'année scolaire {year.label}, l'enfant doit avoir {least} ans révolus au "
            f"{ref:%d/%m/%Y}, et moins de {under} ans, {to_enter} "
            f"(né entre le {first:%d/%m/%Y} et le {last:%d/%m/%Y})."
        )
    return (
        f"For the {year.label} school year, a child must be {least} years old by "
        f"{_english_day(ref)}, and under {under}, {to_enter} (born between "
        f"{_english_day(first)} and {_english_day(last)})."
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


def rejection_contradicted(code: str, found: Checks) -> str:
    """Why the facts the request holds contradict the ground ``code``, or "": an age refusal
    of a child the age rule admits, or a residence refusal of an address in the sector (the
    very checks shown to the director). A request the facts do not match is rejected as
    ``other``, in words (a birth certificate that says otherwise, for one)."""
    if code == "under_age" and found.of_age:
        return (
            f"the child is of age by the rule ({found.age_on_reference_date} years on the "
            f"reference date): {found.rule}"
        )
    if code == "outside_sector" and found.in_sector:
        return "the residence given lies in the school's sector"
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
    """The first school year a child born on ``birth`` is old enough for ``level``."""
    start = birth.year
    while age_verdict(birth, school_year(start), level) == "under":
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
