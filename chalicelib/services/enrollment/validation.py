"""What a pre-registration must satisfy beyond its shape (pure: no I/O). Its schema
already holds the scripts, formats, lengths and the guardian's contacts; these are the rules
that need the calendar, today, the school year, the phone plan or the school: the Hijri and
Gregorian birth dates agree, dates are not in the future, siblings are under school age, a
phone is a real Moroccan number, the school exists and takes the level. Every bad field is
named at once."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import phonenumbers
from hijridate import Hijri

from chalicelib.services.enrollment import domain

HIJRI = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
HIJRI_TOLERANCE_DAYS = 1  # Morocco's calendar follows local sighting of the moon
PEOPLE = ("father", "mother", "guardian")


@dataclass(frozen=True)
class Issue:
    field: str
    message: str
    code: str = "invalid"


def moroccan_phone(text: str) -> str | None:
    """The number in E.164 if it is a valid Moroccan number, else None."""
    try:
        number = phonenumbers.parse(text, "MA")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or number.country_code != 212:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def cnie_number(text: str) -> str:
    return "".join(text.split()).upper()


def hijri_disagreement(gregorian: date, hijri: str) -> str:
    """Why a Hijri date is not the Gregorian one (one day apart is allowed), or ""."""
    match = HIJRI.match(hijri)
    if not match:
        return "a Hijri date is written YYYY-MM-DD"
    try:
        converted = Hijri(*(int(part) for part in match.groups())).to_gregorian()
    except (ValueError, OverflowError) as error:
        return f"not a Hijri date: {error}"
    gap = abs((date(converted.year, converted.month, converted.day) - gregorian).days)
    if gap > HIJRI_TOLERANCE_DAYS:
        return f"{hijri} AH is {converted.isoformat()}, not the Gregorian birth date"
    return ""


def _phones(application: Mapping[str, Any]) -> list[Issue]:
    """Phones of the Moroccan shape (the schema's pattern) that are not in the plan."""
    return [
        Issue(f"body.{who}.phone", "not a valid Moroccan phone number", "phone_invalid")
        for who in PEOPLE
        if (application.get(who) or {}).get("phone")
        and moroccan_phone(application[who]["phone"]) is None
    ]


def _dates(child: Mapping[str, Any], today: date) -> list[Issue]:
    issues = []
    birth, certificate = child["birth_date"], child["birth_certificate_date"]
    if birth > today:
        issues.append(Issue("body.child.birth_date", "is in the future", "future"))
    disagreement = hijri_disagreement(birth, child["birth_date_hijri"])
    if disagreement:
        issues.append(Issue("body.child.birth_date_hijri", disagreement, "hijri_mismatch"))
    if certificate > today or certificate < birth:
        issues.append(
            Issue("body.child.birth_certificate_date", "must lie between the birth and today")
        )
    return issues


def _siblings(
    siblings: list[Mapping[str, Any]], year: domain.SchoolYear, today: date
) -> list[Issue]:
    issues = []
    latest = year.latest_birth_date("primary")
    for n, sibling in enumerate(siblings):
        where = f"body.siblings.{n}"
        if sibling["birth_date"] > today:
            issues.append(Issue(f"{where}.birth_date", "is in the future", "future"))
        elif sibling["birth_date"] <= latest:
            issues.append(
                Issue(f"{where}.birth_date", "only brothers and sisters under school age")
            )
    return issues


def problems(
    application: Mapping[str, Any],
    school: Mapping[str, Any] | None,
    year: domain.SchoolYear,
    today: date,
) -> list[Issue]:
    """Every field that breaks a rule (the request's shape already checked)."""
    issues = _dates(application["child"], today) + _phones(application)
    issues += _siblings(application.get("siblings") or [], year, today)
    if school is None:
        issues.append(Issue("body.school", "no school has this code", "unknown_school"))
    elif application["level"] not in school["levels"]:
        issues.append(Issue("body.level", f"school {school['code']} does not take this level"))
    return issues


def guardian_of(application: Mapping[str, Any]) -> Mapping[str, Any]:
    """The person who answers for the child: the father, the mother or another guardian."""
    capacity = application["guardian_capacity"]
    person: Mapping[str, Any] = application["guardian" if capacity == "guardian" else capacity]
    return person
