"""The legal references carry their source, and the facts seed 002 and seed 000 give are the
ones the code states (decree 2.13.165 as amended by 2.19.281; the MEN press release)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chalicelib.services.equivalence.library import references as refs
from chalicelib.services.equivalence.library.contacts import CONTACTS, contacts_for

SEEDS = Path("/work/shared/seeds")


def by_code(code: str) -> dict[str, Any]:
    return next(r for r in refs.REFERENCES if r["code"] == code)


@pytest.mark.parametrize("ref", refs.REFERENCES, ids=lambda r: str(r["code"]))
def test_every_reference_names_its_source_and_what_it_leaves_unverified(
    ref: dict[str, Any],
) -> None:
    assert ref["source"] in refs.SOURCES and ref["cited_in"]
    assert set(ref["unverified"]) <= set(refs.FACTS)
    for fact in refs.FACTS:
        # a fact is either given (with its source) or None and named unverified
        assert (ref[fact] is None) == (fact in ref["unverified"]), fact
    assert ref["titles"]["fr"] and ref["titles"]["ar"]


def test_decree_2_13_165_as_seed_002_gives_it() -> None:
    decree = by_code("decree-2-13-165")
    assert decree["number"] == "2.13.165" and decree["source"] == "seed 002"
    assert decree["date"] == "2014-02-19"
    assert decree["date_hijri"] == {"ar": "19 من ربيع الآخر 1435", "fr": "19 rabii II 1435"}
    assert decree["bo"] == {
        "number": "6237",
        "date": "2014-03-10",
        "date_hijri": {"ar": "8 جمادى الأولى 1435", "fr": "8 joumada I 1435"},
        "page": 3119,
    }


def test_decree_2_19_281_as_seed_002_gives_it_and_the_misprint_is_recorded() -> None:
    decree = by_code("decree-2-19-281")
    assert decree["number"] == "2.19.281" and decree["amends"] == "decree-2-13-165"
    assert decree["date"] == "2019-11-29" and decree["date_hijri"]["fr"] == "2 rabii II 1441"
    bo = decree["bo"]
    assert (bo["number"], bo["date"], bo["page"]) == ("6854", "2020-02-06", 541)
    assert bo["date_hijri"]["fr"] == "11 joumada II 1441"
    assert any("6 February 2014" in note for note in decree["notes"])


def test_the_other_texts_give_only_what_the_seeds_give() -> None:
    repealed = by_code("decree-2-01-333")
    assert repealed["status"] == "repealed" and repealed["date"] == "2001-06-21"
    assert repealed["date_hijri"]["fr"] == "28 rabii I 1422"
    assert repealed["bo"] is None and repealed["unverified"] == ["bo"]
    assert "last paragraph of its article 11" in repealed["notes"][0]
    for code, source in (("law-80-12", "seed 002"), ("law-55-19", "seed 000")):
        law = by_code(code)
        assert law["source"] == source and law["date"] is None and law["bo"] is None
    announced = [r for r in refs.REFERENCES if r["status"] == "announced"]
    assert {r["cited_in"] for r in announced} == {"art. 3", "art. 4", "art. 7", "art. 9"}
    assert all(r["number"] is None and not refs.has_file(r) for r in announced)


def test_no_number_the_seeds_do_not_state() -> None:
    """The figures of an older, invented list are gone (BO 6240, 2014-02-13, 2019-05-13)."""
    text = repr(refs.REFERENCES)
    for invented in ("6240", "2014-02-13", "2019-05-13", "6782", "1125-14", "6252"):
        assert invented not in text


@pytest.mark.skipif(not SEEDS.exists(), reason="the source documents are not on this machine")
def test_the_numbers_are_in_seed_002_and_the_contacts_in_seed_000() -> None:
    seed_002 = next(SEEDS.glob("002_*.txt")).read_text()
    for number in ("2.13.165", "2.19.281", "6237", "3119", "6854", "541", "80.12", "2.01.333"):
        assert number in seed_002
    seed_000 = next(SEEDS.glob("000_*.txt")).read_text()
    for contact in CONTACTS["school"]:
        assert contact["value"].removeprefix("https://") in seed_000
    assert "55.19" in seed_000


def test_the_men_channels_are_the_school_tracks_only() -> None:
    assert {c["source"] for c in contacts_for("school")} == {"seed 000"}
    assert {c["kind"] for c in contacts_for("school")} == {"platform", "phone", "email"}
    assert contacts_for("higher") == []


@pytest.mark.parametrize(
    ("hijri", "gregorian"),
    [
        ((1435, 4, 19), refs.DECREE_2_13_165["date"]),
        ((1435, 5, 8), refs.DECREE_2_13_165["bo"]["date"]),
        ((1441, 4, 2), refs.DECREE_2_19_281["date"]),
        ((1441, 6, 11), refs.DECREE_2_19_281["bo"]["date"]),
        ((1422, 3, 28), refs.DECREE_2_01_333["date"]),
    ],
)
def test_each_hijri_date_agrees_with_its_gregorian_date(
    hijri: tuple[int, int, int], gregorian: str
) -> None:
    """Umm al-Qura (hijridate) and the Moroccan calendar may differ by a day; a year's slip,
    such as footnote 2's "6 February 2014" for the 2020 Bulletin, would not pass."""
    from datetime import date

    from hijridate import Hijri

    converted = date.fromisoformat(Hijri(*hijri).to_gregorian().isoformat())
    assert abs((converted - date.fromisoformat(gregorian)).days) <= 1
