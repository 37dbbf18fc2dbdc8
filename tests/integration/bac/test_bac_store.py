"""The candidate list, results and certificates against moto: the shapes DynamoDB sees."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.identity import Principal
from chalicelib.jobs import JobFailed
from chalicelib.services.bac import jobs, service
from chalicelib.store.bac import candidates as candidate_store
from chalicelib.store.bac import sessions as session_store
from scripts.demo.bac import row, upload
from tests.support.aws_calls import RECORDER

YEAR = 2026


def academy() -> str:
    return f"AC-{uuid.uuid4().hex[:8].upper()}"


def cnie() -> str:
    return "ZX" + str(uuid.uuid4().int)[:6]


def citizen(card: str) -> Principal:
    return Principal(f"sub-{card}", "citizen", frozenset({"citizen"}), acr="cnie", cnie=card)


def test_an_import_is_matched_by_one_query_and_safe_to_run_twice(stack: Any) -> None:
    where, card = academy(), cnie()
    rows = [row(academy=where, cnie=card), row(academy=where, cnie="")]
    key = upload(rows)
    first = jobs.import_candidates(where, YEAR, key, "2026-06-02")
    assert (first.candidates, first.with_results, first.results_written) == (2, 2, 1)
    again_listed = row(
        academy=where, cnie=card, marks="", candidate_number=rows[0]["candidate_number"]
    )
    no_marks = jobs.import_candidates(where, YEAR, upload([again_listed]), "")
    assert no_marks.with_results == 0
    result, visible = service.results(citizen(card))
    assert not visible and result.marks == {}  # listed, no marks yet: not published
    jobs.import_candidates(where, YEAR, key, "")
    candidate_store.confirm_data(service.me(citizen(card)))
    again = jobs.import_candidates(where, YEAR, key, "")
    assert again.candidates == 2

    RECORDER.clear()
    found = service.me(citizen(card))
    calls = RECORDER.of("dynamodb")
    assert [(c.operation, c.params.get("IndexName")) for c in calls] == [("Query", "by_lookup")]
    assert found.data_status == "confirmed"  # a second import keeps what the candidate did
    assert session_store.load_session(YEAR, where) is not None
    assert session_store.load_session(YEAR, where).exam_start == "2026-06-02"  # type: ignore[union-attr]


def test_a_bad_row_is_reported_by_line_and_nothing_is_written(stack: Any) -> None:
    where, card = academy(), cnie()
    rows = [
        row(academy=where, cnie=card),
        row(academy=where, birth_date="2030-01-01"),
        row(academy="ELSEWHERE", marks="math=21"),
    ]
    with pytest.raises(JobFailed) as refused:
        jobs.import_candidates(where, YEAR, upload(rows), "")
    assert refused.value.report is not None
    errors: Any = refused.value.report["errors"]
    fields = {f"line {e['line']}.{e['column']}" for e in errors}
    assert {"line 3.birth_date", "line 4.academy", "line 4.marks"} <= fields
    assert candidate_store.candidate_of_cnie(card) is None


def test_results_are_one_get_item_and_hidden_until_the_moment(stack: Any) -> None:
    where, card = academy(), cnie()
    jobs.import_candidates(where, YEAR, upload([row(academy=where, cnie=card)]), "")
    later = datetime.now(UTC) + timedelta(hours=1)
    jobs.publish_results(where, YEAR, later, later + timedelta(days=7))

    RECORDER.clear()
    result, visible = service.results(citizen(card), YEAR)
    assert [c.operation for c in RECORDER.calls] == ["GetItem"]
    RECORDER.clear()
    assert service.results(citizen(card))[0] == result  # the newest session's: one Query
    assert [c.operation for c in RECORDER.calls] == ["Query"]
    assert not visible and result.visible_from == later.replace(microsecond=later.microsecond)
    assert result.outcome == "admitted" and result.mention == "bien"
