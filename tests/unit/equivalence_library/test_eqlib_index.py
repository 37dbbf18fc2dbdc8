"""The SQLite FTS5 index: variant spellings meet, filters narrow, pages follow each other."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from chalicelib.services.equivalence.library import index
from chalicelib.services.equivalence.library.decisions import Decision
from scripts.demo import equivalence_decisions

BASE = next(equivalence_decisions.decisions(1))


def decision(number: str, diploma: str, institution: str, country: str, **kw: object) -> Decision:
    fields = {"number": number, "diploma": diploma, "institution": institution, "country": country}
    return replace(BASE, **fields, **kw)  # type: ignore[arg-type]


@pytest.fixture
def db(tmp_path: Path) -> sqlite3.Connection:
    items = [
        decision(
            "A-1",
            "دكتوراة في الطب",
            "جامعة الإسكندرية",
            "EG",
            level="doctorate_medicine",
            field="health",
            outcome="granted",
            equivalent="الدكتوراه في الطب",
            conditions="",
            reasons="",
            decision_date=date(2001, 5, 1),
            bo_date=date(2001, 6, 1),
        ),
        decision(
            "A-2",
            "Doctorat en médecine",
            "Université de Montpellier",
            "FR",
            level="doctorate_medicine",
            field="health",
            outcome="granted",
            equivalent="Doctorat en médecine",
            conditions="",
            reasons="",
            decision_date=date(2010, 5, 1),
            bo_date=date(2010, 6, 1),
        ),
        decision(
            "A-3",
            "Licence en droit privé",
            "Université de Montpellier",
            "FR",
            level="licence",
            field="law",
            outcome="granted",
            equivalent="Licence en droit",
            conditions="",
            reasons="",
            decision_date=date(1985, 5, 1),
            bo_date=date(1985, 6, 1),
        ),
    ]
    path = tmp_path / "i.sqlite"
    stats = index.build(items, path, "v1")
    assert stats.decisions == 3
    return index.open_read_only(path)


def numbers(found: tuple[list[dict[str, object]], bool]) -> list[object]:
    return [item["number"] for item in found[0]]


def test_arabic_with_variant_spelling_finds_the_decision(db: sqlite3.Connection) -> None:
    for query in ("الاسكندريه", "جامعة الأسكندرية", "مصر"):
        assert numbers(index.search(db, query, index.Filters(), 10, 0)) == ["A-1"], query
    # The French doctorate also matches (its level is titled in Arabic too) but ranks after.
    for query in ("دكتوراه الطب", "طب", "دكتوراة في الطبّ"):
        assert numbers(index.search(db, query, index.Filters(), 10, 0))[0] == "A-1", query


def test_french_without_accents_and_prefix_of_last_word(db: sqlite3.Connection) -> None:
    assert numbers(index.search(db, "MEDECINE montpel", index.Filters(), 10, 0)) == ["A-2"]
    assert numbers(index.search(db, "égypte", index.Filters(), 10, 0)) == ["A-1"]


def test_filters_and_newest_first_without_words(db: sqlite3.Connection) -> None:
    search = index.search
    assert numbers(search(db, "", index.Filters(), 10, 0)) == ["A-2", "A-1", "A-3"]
    assert numbers(search(db, "", index.Filters(country="FR", year=1985), 10, 0)) == ["A-3"]
    montpellier = index.Filters(institution="université de MONTPELLIER")
    assert numbers(search(db, "", montpellier, 10, 0)) == ["A-2", "A-3"]
    assert numbers(search(db, "", index.Filters(level="licence", field="law"), 10, 0)) == ["A-3"]
    assert numbers(search(db, "droit", index.Filters(country="EG"), 10, 0)) == []


def test_pages(db: sqlite3.Connection) -> None:
    first, more = index.search(db, "", index.Filters(), 2, 0)
    second, last = index.search(db, "", index.Filters(), 2, 2)
    assert more and not last
    assert [i["number"] for i in first + second] == ["A-2", "A-1", "A-3"]


def test_a_query_of_punctuation_finds_nothing(db: sqlite3.Connection) -> None:
    assert index.search(db, "«» ...", index.Filters(), 10, 0) == ([], False)
    assert index.match_expression('a "quote" de') == '"quote"*'


def test_similar_decisions_for_an_institution(db: sqlite3.Connection) -> None:
    found = index.similar(db, "Universite de Montpellier", "Doctorat de médecine", 5)
    assert [f["number"] for f in found] == ["A-2"]
    assert index.similar(db, "Sorbonne", "Doctorat en médecine", 5) == []


def test_all_decisions_round_trip(db: sqlite3.Connection) -> None:
    assert sorted(d.number for d in index.all_decisions(db)) == ["A-1", "A-2", "A-3"]
