"""The rules of pre-registration, pure: scripts and folding, the school-age rule as data,
Hijri dates, Moroccan formats, the sector, reasons, counters and the siblings' forecast."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.notify import sms
from chalicelib.notify.render import render_email, render_sms
from chalicelib.services.enrollment import domain, schemas, validation
from chalicelib.services.enrollment.names import fold, is_arabic, is_latin, matches
from tests.support.route_samples.enrollment import application

YEAR = domain.school_year(2027)


def test_scripts_are_told_apart() -> None:
    assert is_arabic("عبد الرحمٰن") and is_arabic("آيت-أحمد")
    assert not is_arabic("Ahmed") and not is_arabic("123")
    assert is_latin("Aït Ben-Haddou") and is_latin("O'Neil")
    assert not is_latin("أحمد") and not is_latin("Ahmed2")


def test_search_forgives_accents_and_arabic_letter_variants() -> None:
    text = fold("إدريسي فاطمة Ïdrissi Fatéma")
    assert matches(text, "ادريسى فاطمه") and matches(text, "IDRISSI fatema")
    assert matches(fold("مُحَمَّد"), "محمد") and not matches(text, "alaoui")
    assert not matches(text, "   ")


def test_the_age_rule_is_data_and_quoted() -> None:
    assert YEAR.reference_date == date(2027, 12, 31) and YEAR.label == "2027-2028"
    assert domain.of_age(date(2021, 12, 31), YEAR, "primary")
    assert not domain.of_age(date(2022, 1, 1), YEAR, "primary")
    assert domain.of_age(date(2023, 6, 1), YEAR, "preschool")
    assert "6 ans révolus au 31/12/2027" in domain.age_rule(YEAR, "primary", "fr")
    assert "31 December 2021" in domain.age_rule(YEAR, "primary", "en")
    assert "2027-2028" in domain.age_rule(YEAR, "primary", "ar")
    custom = domain.SchoolYear(2030, date(2030, 9, 1), {"preschool": 4, "primary": 6})
    assert custom.latest_birth_date("primary") == date(2024, 9, 1)
    leap = domain.SchoolYear(2028, date(2028, 2, 29))
    assert leap.latest_birth_date("primary") == date(2022, 2, 28)


def test_the_age_rule_has_an_upper_bound_per_level() -> None:
    """6 or 7 for the first year of primary, 4 or 5 for preschool (unverified figures)."""
    assert domain.age_verdict(date(2020, 1, 1), YEAR, "primary") == ""  # 7 on 31/12/2027
    assert domain.age_verdict(date(2019, 12, 31), YEAR, "primary") == "over"  # 8
    assert domain.age_verdict(date(2022, 1, 1), YEAR, "primary") == "under"
    assert domain.age_verdict(date(2021, 12, 31), YEAR, "preschool") == "over"  # 6: primary
    assert domain.age_verdict(date(2022, 1, 1), YEAR, "preschool") == ""
    assert YEAR.earliest_birth_date("primary") == date(2020, 1, 1)
    assert YEAR.earliest_birth_date("preschool") == date(2022, 1, 1)
    rule = domain.age_rule(YEAR, "primary", "fr")
    assert "moins de 8 ans" in rule and "né entre le 01/01/2020 et le 31/12/2021" in rule
    assert "between 1 January 2022 and 31 December 2023" in domain.age_rule(YEAR, "preschool", "en")
    assert YEAR.source == "unverified" and all(
        y.source == "unverified" for y in domain.SCHOOL_YEARS.values()
    )


def test_french_reads_as_french() -> None:
    assert "pour entrer en première année du primaire" in domain.age_rule(YEAR, "primary", "fr")
    assert "pour entrer au préscolaire" in domain.age_rule(YEAR, "preschool", "fr")
    for level in domain.LEVELS:
        assert "entrer en la" not in domain.age_rule(YEAR, level, "fr")
        assert "entrer en le" not in domain.age_rule(YEAR, level, "fr")


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (date(2026, 3, 1), 2026),
        (date(2026, 8, 31), 2026),
        (date(2026, 9, 1), 2026),  # school has started: a late registration, for this year
        (date(2026, 9, 30), 2026),  # the year's cut-off (data)
        (date(2026, 10, 1), 2027),
        (date(2026, 12, 4), 2027),
    ],
)
def test_filing_is_for_this_year_until_its_late_cut_off_then_the_next(
    day: date, start: int
) -> None:
    assert domain.school_year_of_filing(day).start == start


def test_the_late_cut_off_is_data_per_year() -> None:
    late = domain.SchoolYear(2031, date(2031, 12, 31), late_until=date(2031, 10, 15))
    assert late.last_day_to_file == date(2031, 10, 15)
    assert domain.school_year(2031).last_day_to_file == date(2031, 9, 30)  # the usual rule


def test_hijri_and_gregorian_birth_dates_agree_within_a_day() -> None:
    assert validation.hijri_disagreement(date(2020, 3, 15), "1441-07-20") == ""
    assert validation.hijri_disagreement(date(2020, 3, 16), "1441-07-20") == ""  # sighting
    assert "not the Gregorian" in validation.hijri_disagreement(date(2020, 3, 18), "1441-07-20")
    assert "YYYY-MM-DD" in validation.hijri_disagreement(date(2020, 3, 15), "20/07/1441")
    assert "not a Hijri date" in validation.hijri_disagreement(date(2020, 3, 15), "1441-13-01")


def test_moroccan_formats() -> None:
    assert validation.moroccan_phone("06 12 34 56 78") == "+212612345678"
    assert validation.moroccan_phone("+33 6 12 34 56 78") is None
    assert validation.moroccan_phone("12") is None
    assert validation.cnie_number("ab 123456") == "AB123456"
    cnie, phone = re.compile(schemas.CNIE), re.compile(schemas.PHONE)
    assert cnie.match("ab 123456") and not cnie.match("123456") and not cnie.match("ABC123")
    assert phone.match("+212612345678") and not phone.match("0612345678")
    assert phone.match("+212511111111") and validation.moroccan_phone("+212511111111") is None


def test_the_sector_compares_folded_names() -> None:
    sector = [{"commune": "Rabat-Agdal", "district": "Ryad"}]
    assert domain.in_sector(sector, "rabat agdal", "RYAD")
    assert not domain.in_sector(sector, "Rabat-Agdal", "Hassan")


def test_a_ground_the_facts_deny_is_named() -> None:
    admitted = domain.checks(date(2021, 3, 15), YEAR, "primary", [], {}, "fr")
    assert "of age by the rule" in domain.rejection_contradicted("under_age", admitted)
    assert domain.rejection_contradicted("outside_sector", admitted) == ""  # not in sector
    sector = [{"commune": "Rabat-Agdal", "district": "Agdal"}]
    young = domain.checks(
        date(2022, 3, 15),
        YEAR,
        "primary",
        sector,
        {"commune": "rabat agdal", "district": "AGDAL"},
        "en",
    )
    assert domain.rejection_contradicted("under_age", young) == ""
    assert "in the school's sector" in domain.rejection_contradicted("outside_sector", young)
    assert domain.rejection_contradicted("other", young) == ""


def test_rejection_reasons_in_the_guardians_language() -> None:
    text = domain.rejection_text("under_age", "", "fr", "Règle X.")
    assert text == "L'enfant n'a pas atteint l'âge légal de scolarisation. Règle X."
    assert domain.rejection_text("other", "Dossier incomplet", "en", "R").endswith("incomplet")
    assert domain.rejection_problem("other", " ") and not domain.rejection_problem("other", "x")


def test_counters_and_forecast() -> None:
    assert domain.state_moves("", "submitted") == {"n_submitted": 1}
    assert domain.state_moves("submitted", "approved") == {"n_submitted": -1, "n_approved": 1}
    siblings = [date(2022, 6, 1), date(2023, 1, 1), date(2024, 5, 5), date(2025, 1, 1)]
    assert domain.sibling_forecast(siblings, YEAR) == {2028: 1, 2029: 1}
    assert domain.guard_key("1234/2021", date(2021, 3, 15)) == domain.guard_key(
        " 1234/2021 ", date(2021, 3, 15)
    )


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
@pytest.mark.parametrize("code", ["under_age", "outside_sector", "other"])
def test_the_sms_states_the_ground_and_the_email_the_reason(code: str, language: str) -> None:
    details = "Dossier de Mme Amina incomplet" if code == "other" else ""
    data: dict[str, Any] = {
        "reference": "PR-2026-123456789",  # the longest reference
        "reason": domain.rejection_text(code, details, language, "Règle X."),
        "fields": {"ground": domain.rejection_ground(code, language)},
    }
    text = render_sms("enrollment_rejected", language, data).text
    assert sms.segments(text) == 1, (sms.units(text), text)
    assert sms.fold_to_gsm(domain.rejection_ground(code, language)) in text or language == "ar"
    assert domain.rejection_ground(code, language) in text or language != "ar"
    assert "Amina" not in text and "Règle" not in text  # never the free-text reason
    email = render_email("enrollment_rejected", language, data)
    assert data["reason"] in email.text


def test_the_schema_holds_the_guardians_contacts_and_words_for_other() -> None:
    body = application("AB-1")
    body["mother"]["phone"] = None  # the mother is the guardian
    with pytest.raises(ValidationError) as failed:
        schemas.ApplicationIn.model_validate({**body, "guardian_capacity": "guardian"})
    assert {e["loc"] for e in failed.value.errors()} == {("guardian",)}
    with pytest.raises(ValidationError) as failed:
        schemas.ApplicationIn.model_validate(body)
    assert [e["loc"] for e in failed.value.errors()] == [("mother", "phone")]
    assert schemas.ApplicationIn.model_validate({**body, "guardian_capacity": "father"})
    with pytest.raises(ValidationError) as failed:
        schemas.RejectIn.model_validate({"reason": "other", "details": "  "})
    assert [e["loc"] for e in failed.value.errors()] == [("details",)]
    assert schemas.RejectIn.model_validate({"reason": "under_age"}).details == ""
    for bad in ("0", "1700000000", "2021-3-5"):
        with pytest.raises(ValidationError):
            schemas.ApplicationsQuery.model_validate({"born_to": bad})
