"""The decisions catalogue since 1967 accepts the countries and levels of that time: every
current ISO 3166-1 country, the former ones of ISO 3166-3 by their four-letter code (an old
two-letter code as an alias when it is not ambiguous), and the former diploma levels."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from chalicelib.services.equivalence.library import countries
from chalicelib.services.equivalence.library import decisions as rows
from chalicelib.services.equivalence.library.levels import DECISION_LEVELS, FORMER_LEVELS

ROOT = Path(__file__).resolve().parents[3]
TODAY = date(2026, 6, 1)
ROW = {
    "number": "1234.75",
    "diploma": "Diplôme de spécialiste en génie civil",
    "institution": "Institut polytechnique de Kiev",
    "country": "SU",
    "level": "specialist_diploma",
    "field": "engineering",
    "outcome": "granted",
    "equivalent": "Diplôme d'ingénieur d'État",
    "decision_date": "1975-06-12",
    "bo_number": "3270",
    "bo_date": "1975-07-02",
}


def test_the_former_countries_have_their_iso_3166_3_codes_and_both_names() -> None:
    for code, alias in (("SUHH", "SU"), ("YUCS", "YU"), ("CSHH", None), ("DDDE", "DD")):
        assert code in countries.COUNTRIES and countries.is_former(code)
        fr, ar = countries.COUNTRIES[code]
        assert fr and any("\u0600" <= ch <= "\u06ff" for ch in ar)
        if alias:
            assert countries.canonical(alias) == code
    assert countries.COUNTRIES["SUHH"] == ("URSS", "الاتحاد السوفياتي")
    # CS was Czechoslovakia, then Serbia and Montenegro: refused, naming both
    assert countries.canonical("CS") is None
    assert "CSHH" in countries.refusal("CS") and "CSXX" in countries.refusal("CS")
    # BY, SK, GE are current countries again: the current one wins
    assert (countries.canonical("BY"), countries.canonical("sk")) == ("BY", "SK")


def test_every_current_country_keeps_its_alpha_2_code() -> None:
    assert len(countries.CURRENT) >= 248
    for code in ("FR", "EG", "RU", "UA", "CZ", "SK", "RS", "ME", "HR", "DE", "VN", "BJ", "BF"):
        assert countries.canonical(code) == code
    assert all(len(code) == 2 for code in countries.CURRENT)
    assert all(len(code) == 4 for code in countries.FORMER)
    assert all(
        any("\u0600" <= ch <= "\u06ff" for ch in ar) for _, ar in countries.COUNTRIES.values()
    )


def test_the_former_levels_are_search_levels_only() -> None:
    from chalicelib.services.equivalence.catalogue import LEVELS

    for level in ("deug", "licence_es", "maitrise", "dea", "dess", "doctorate_third_cycle"):
        assert level in DECISION_LEVELS and level in FORMER_LEVELS and level not in LEVELS
    assert "doctorate_state" in DECISION_LEVELS


@pytest.mark.parametrize(
    ("country", "level", "field", "stored"),
    [
        ("SU", "specialist_diploma", "engineering", "SUHH"),
        ("YUCS", "dea", "general", "YUCS"),
        ("DD", "dess", "law", "DDDE"),
        ("cshh", "maitrise", "general", "CSHH"),
        ("DDDE", "doctorate_state", "health", "DDDE"),
    ],
)
def test_an_old_decision_is_accepted(country: str, level: str, field: str, stored: str) -> None:
    decision, errors = rows.validate(
        {**ROW, "country": country, "level": level, "field": field}, TODAY
    )
    assert errors == [] and decision is not None
    assert decision.country == stored
    public = decision.public()
    assert public["country_former"] is True and public["country_name"]["fr"]
    assert rows.from_public(public) == decision


def test_unknown_codes_are_still_refused() -> None:
    _, errors = rows.validate({**ROW, "country": "XX", "level": "bachelor_of_arts"}, TODAY)
    assert {field for field, _ in errors} == {"country", "level"}
    _, errors = rows.validate({**ROW, "country": "CS"}, TODAY)
    assert errors and "CSHH" in errors[0][1]


def test_the_data_file_is_what_the_generator_writes() -> None:
    pytest.importorskip("pycountry")
    sys.path.insert(0, str(ROOT))
    from scripts import build_countries

    assert build_countries.TARGET.read_text(encoding="utf-8") == build_countries.render(
        build_countries.build()
    )
