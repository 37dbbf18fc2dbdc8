"""Importing decisions from S3 under moto: a bad row reported by line and the rest imported,
the index rebuilt, published (S3 object + pointer item) and picked up by other containers."""

from __future__ import annotations

import tempfile
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from chalicelib.services.equivalence.library import decisions as rows
from chalicelib.services.equivalence.library import importer, index, search
from chalicelib.services.equivalence.library.precedents import precedents
from chalicelib.store.equivalence_library import index_files
from scripts.demo import equivalence_decisions

TODAY = date(2026, 3, 1)
HEADER = ",".join(rows.COLUMNS)


def line(**values: str) -> str:
    return ",".join(f'"{values.get(c, "")}"' for c in rows.COLUMNS)


GOOD = {
    "diploma": "دكتوراة في الطب",
    "institution": "جامعة القاهرة",
    "country": "EG",
    "level": "doctorate_medicine",
    "field": "health",
    "outcome": "granted",
    "equivalent": "الدكتوراه في الطب",
    "decision_date": "2012-04-03",
    "bo_number": "6050",
    "bo_date": "2012-05-10",
}


def upload(content: bytes, suffix: str) -> str:
    key = f"imports/equivalence/test-{uuid.uuid4().hex}.{suffix}"
    index_files.put_object(key, content, "text/csv")
    return key


def test_bad_row_reported_rest_imported_and_index_published(stack: Any) -> None:
    csv = "\n".join(
        [
            HEADER,
            line(number="IT-1", **GOOD),
            line(number="IT-2", **{**GOOD, "decision_date": "1950-01-01"}),
            line(number="IT-3", **{**GOOD, "institution": "جامعة عين شمس"}),
        ]
    )
    key = upload(csv.encode(), "csv")
    report = importer.import_decisions(key, None, True, TODAY)
    assert (report.read, report.imported, report.rejected_rows) == (3, 2, 1)
    assert [(e.line, e.field) for e in report.errors] == [(3, "decision_date")]
    pointer = index_files.current()
    assert pointer is not None and pointer.version == report.index_version
    assert pointer.decisions == 2
    # Another container (no local copy) downloads the published file from S3.
    search.forget()
    loaded = search.current_index()
    assert loaded is not None and loaded.version == report.index_version
    found, _ = search.search(loaded, "جامعه القاهره دكتوراه", index.Filters(), 10, 0)
    assert [f["number"] for f in found] == ["IT-1"]


def test_merge_keeps_earlier_rows_and_a_known_number_corrects_its_decision(stack: Any) -> None:
    first = upload("\n".join([HEADER, line(number="M-1", **GOOD)]).encode(), "csv")
    importer.import_decisions(first, None, True, TODAY)
    corrected = {**GOOD, "bo_page": "77"}
    second = "\n".join([HEADER, line(number="M-1", **corrected), line(number="M-2", **GOOD)])
    report = importer.import_decisions(upload(second.encode(), "csv"), "csv", False, TODAY)
    assert report.decisions_in_index == 2
    loaded = search.current_index()
    assert loaded is not None
    found, _ = search.search(loaded, "", index.Filters(), 10, 0)
    assert {f["number"]: f["bo_page"] for f in found} == {"M-1": 77, "M-2": None}


def test_a_container_picks_up_an_import_made_elsewhere(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    importer.import_decisions(
        upload(equivalence_decisions.as_jsonl(list(equivalence_decisions.decisions(5))), "jsonl"),
        None,
        True,
        TODAY,
    )
    loaded = search.current_index()
    assert loaded is not None
    # Another container builds and publishes a new version; this one has not been told.
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "other.sqlite"
        index.build(list(equivalence_decisions.decisions(7, seed=2)), path, "elsewhere")
        index_files.publish(path, f"elsewhere-{uuid.uuid4().hex}", 7, loaded.version)
    assert search.current_index() is loaded  # within RECHECK_SECONDS: the copy it has
    monkeypatch.setattr(search, "RECHECK_SECONDS", 0.0)
    fresh = search.current_index()
    assert fresh is not None and fresh.version.startswith("elsewhere-") and fresh.decisions == 7


def test_an_import_that_lost_the_race_is_refused(stack: Any) -> None:
    importer.import_decisions(
        upload(equivalence_decisions.as_jsonl(list(equivalence_decisions.decisions(3))), "jsonl"),
        None,
        True,
        TODAY,
    )
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "late.sqlite"
        index.build([], path, "late")
        with pytest.raises(index_files.Superseded):
            index_files.publish(path, "late", 0, previous="a-version-that-is-not-current")


def test_missing_file_and_all_rows_bad(stack: Any) -> None:
    with pytest.raises(index_files.ImportFileMissing):
        importer.import_decisions("imports/equivalence/none.csv", None, False, TODAY)
    before = index_files.current()
    key = upload(
        "\n".join([HEADER, line(number="B-1", **{**GOOD, "country": "??"})]).encode(), "csv"
    )
    report = importer.import_decisions(key, None, False, TODAY)
    assert report.imported == 0 and not report.rebuilt and report.errors[0].line == 2
    assert index_files.current() == before  # nothing published


def test_precedents_for_the_filing_applicant(stack: Any) -> None:
    csv = "\n".join(
        [
            HEADER,
            line(number="P-1", **GOOD),
            line(
                number="P-2",
                **{
                    **GOOD,
                    "diploma": "الإجازة في القانون",
                    "level": "licence",
                    "field": "law",
                    "equivalent": "الإجازة",
                },
            ),
        ]
    )
    importer.import_decisions(upload(csv.encode(), "csv"), None, True, TODAY)
    found = precedents("جامعه القاهرة", "دكتوراه في الطب")
    assert found[0]["number"] == "P-1"
    assert precedents("Université inconnue", "Doctorat en médecine") == []
    assert precedents("", "x") == []
