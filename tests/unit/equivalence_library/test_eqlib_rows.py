"""Import rows: read with their line numbers, every one checked, problems named by field."""

from __future__ import annotations

import json
from datetime import date

import pytest

from chalicelib.services.equivalence.library import decisions as rows

TODAY = date(2026, 3, 1)
GOOD = {
    "number": "1234-19",
    "diploma": "Doctorat en médecine",
    "institution": "Université de Montpellier",
    "country": "fr",
    "level": "doctorate_medicine",
    "field": "health",
    "outcome": "conditional",
    "equivalent": "Doctorat en médecine",
    "conditions": "Stage clinique certifié de 12 mois",
    "decision_date": "2019-05-02",
    "bo_number": "6790",
    "bo_date": "2019-06-20",
    "bo_page": "3120",
}
HEADER = ",".join(rows.COLUMNS)


def csv_line(values: dict[str, str]) -> str:
    return ",".join(f'"{values.get(c, "")}"' for c in rows.COLUMNS)


def test_a_good_row_becomes_a_decision() -> None:
    decision, errors = rows.validate(GOOD, TODAY)
    assert errors == [] and decision is not None
    assert decision.country == "FR" and decision.year == 2019 and decision.bo_page == 3120
    assert decision.public()["country_name"] == {"fr": "France", "ar": "فرنسا"}


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"number": ""}, "number", "required"),
        ({"country": "XX"}, "country", "ISO 3166"),
        ({"level": "phd"}, "level", "one of"),
        ({"decision_date": "1966-12-31"}, "decision_date", "1967"),
        ({"decision_date": "02/05/2019"}, "decision_date", "YYYY-MM-DD"),
        ({"bo_date": "2019-01-01"}, "bo_date", "before the decision"),
        ({"conditions": ""}, "conditions", "required"),
        ({"field": "law", "level": "licence"}, "field", "conditional equivalence only in"),
        ({"outcome": "refused", "conditions": ""}, "reasons", "reasons"),
        ({"outcome": "granted"}, "conditions", "only a conditional"),
        ({"bo_page": "zero"}, "bo_page", "whole number"),
        ({"surname": "X"}, "surname", "unknown field"),
    ],
)
def test_each_rule_names_its_field(change: dict[str, str], field: str, fragment: str) -> None:
    decision, errors = rows.validate({**GOOD, **change}, TODAY)
    assert decision is None
    assert any(f == field and fragment in message for f, message in errors), errors


def test_csv_bad_rows_are_reported_by_line_and_the_rest_kept() -> None:
    bad = {**GOOD, "number": "2", "country": "ZZ"}
    content = "\n".join(
        [HEADER, csv_line(GOOD), csv_line(bad), csv_line({**GOOD, "number": "3"}), csv_line(GOOD)]
    ).encode()
    checked = rows.check(content, "csv", TODAY)
    assert [d.number for d in checked.decisions] == ["1234-19", "3"]
    assert checked.read == 4
    assert [(e.line, e.field) for e in checked.errors] == [(3, "country"), (5, "number")]
    assert "already on line 2" in checked.errors[1].message


def test_csv_line_numbers_count_quoted_newlines() -> None:
    multi = {**GOOD, "diploma": "Doctorat\nen médecine"}
    content = "\n".join([HEADER, csv_line(multi), csv_line({**GOOD, "number": "9", "level": "x"})])
    checked = rows.check(content.encode(), "csv", TODAY)
    assert checked.decisions[0].diploma == "Doctorat en médecine"
    assert [e.line for e in checked.errors] == [4]


def test_jsonl_reports_unreadable_lines_and_skips_blank_ones() -> None:
    lines = [
        json.dumps(GOOD),
        "",
        "{not json",
        json.dumps([1]),
        json.dumps({**GOOD, "number": "5"}),
    ]
    checked = rows.check("\n".join(lines).encode(), "jsonl", TODAY)
    assert [d.number for d in checked.decisions] == ["1234-19", "5"]
    assert [(e.line, e.message.split(":")[0]) for e in checked.errors] == [
        (3, "not JSON"),
        (4, "not a JSON object"),
    ]


def test_a_file_that_cannot_be_read_at_all() -> None:
    with pytest.raises(rows.UnreadableFile, match="lacks the columns"):
        rows.check(b"number,diploma\n1,x\n", "csv", TODAY)
    with pytest.raises(rows.UnreadableFile, match="UTF-8"):
        rows.check(b"\xff\xfe\x00", "csv", TODAY)
    with pytest.raises(rows.UnreadableFile, match="unknown format"):
        rows.check(b"", "xlsx", TODAY)
