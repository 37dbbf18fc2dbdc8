"""Import and publication as background jobs under moto: queued, run by the jobs queue's
handler (delivered by the local pump), one per session and academy, bad rows reported by
line, the moment written into every result item before the session, a message delivered
again changes nothing, and a publication never shows results before its moment."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import app as app_module
from chalicelib import clock
from chalicelib.jobs import runner
from chalicelib.refusals import Refusal
from chalicelib.services.bac import jobs
from chalicelib.services.bac.domain import results_day
from chalicelib.store.bac import candidates as candidate_store
from chalicelib.store.bac import sessions as session_store
from scripts.demo.bac import officer, row, upload
from scripts.local_events import Pump

YEAR = 2026


def card() -> str:
    return "ZQ" + str(uuid.uuid4().int)[:6]


def academy() -> str:
    return f"AC-{uuid.uuid4().hex[:8].upper()}"


def drain(stack: Any) -> None:
    Pump(app_module, stack.env).drain()


def imported(stack: Any, where: str, cards: list[str]) -> None:
    rows = [row(academy=where, cnie=c, candidate_number=f"3{i:08d}") for i, c in enumerate(cards)]
    job = jobs.request_import(officer(where), YEAR, upload(rows), "2026-06-02")
    drain(stack)
    done = runner.get(job.job_id)
    assert done is not None and done.state == "done", done
    assert done.report and done.report["candidates"] == len(cards)


def test_an_import_job_reports_bad_rows_by_line_and_writes_nothing(stack: Any) -> None:
    where, first = academy(), card()
    rows = [row(academy=where, cnie=first), row(academy=where, birth_date="2030-01-01")]
    job = jobs.request_import(officer(where), YEAR, upload(rows), "")
    assert job.state == "queued" and job.scope == jobs.job_scope(YEAR, where)
    drain(stack)
    failed = runner.get(job.job_id)
    assert failed is not None and failed.state == "failed" and failed.report is not None
    assert failed.failure and "nothing was imported" in failed.failure
    assert {(e["line"], e["column"]) for e in failed.report["errors"]} == {(3, "birth_date")}
    assert candidate_store.candidate_of_cnie(first) is None
    with pytest.raises(Refusal) as missing:  # checked at request time: no job
        jobs.request_import(officer(where), YEAR, "imports/bac/none.csv", "")
    assert missing.value.errors[0].field == "body.key"


def test_one_job_per_session_and_academy(stack: Any) -> None:
    where = academy()
    first = jobs.request_import(officer(where), YEAR, upload([row(academy=where)]), "")
    with pytest.raises(Refusal) as busy:
        jobs.request_import(officer(where), YEAR, upload([row(academy=where)]), "")
    assert busy.value.slug == "conflict" and busy.value.extra["job_id"] == first.job_id
    other = jobs.request_import(officer(academy()), YEAR, upload([row()]), "")  # not locked
    drain(stack)
    assert {runner.get(j.job_id).state for j in (first, other)} <= {"done", "failed"}  # type: ignore[union-attr]


def test_publication_writes_every_result_then_the_session_and_is_idempotent(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    where, cards = academy(), [card() for _ in range(3)]
    imported(stack, where, cards)
    now = datetime(YEAR, 7, 1, 8, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: now)
    job = jobs.request_publish(officer(where), YEAR, None, 5)
    moment = now + results_day.publication_lead(3)  # "now": as soon as the job can meet it
    assert job.params["visible_from"] == moment.isoformat()
    assert session_store.load_session(YEAR, where).visible_from is None  # type: ignore[union-attr]
    drain(stack)
    done = runner.get(job.job_id)
    assert done is not None and done.state == "done" and done.report is not None, done
    assert (done.report["results_written"], done.report["finished_before_the_moment"]) == (3, True)
    for number in cards:
        assert session_store.result_of_cnie(number).visible_from == moment  # type: ignore[union-attr]
    assert session_store.load_session(YEAR, where).visible_from == moment  # type: ignore[union-attr]
    assert runner.run(job.job_id) == done  # the message delivered again: nothing more


def test_a_moment_the_job_could_not_meet_is_refused(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = academy()
    imported(stack, where, [card()])
    now = datetime(YEAR, 7, 1, 8, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: now)
    with pytest.raises(Refusal) as too_soon:
        jobs.request_publish(officer(where), YEAR, now + timedelta(seconds=30), 5)
    assert too_soon.value.errors[0].field == "body.visible_from"
    jobs.request_publish(officer(where), YEAR, now + timedelta(minutes=5), 5)
    drain(stack)
    monkeypatch.setattr(clock, "now", lambda: now + timedelta(minutes=4))
    with pytest.raises(Refusal) as too_close:  # items carry 08:05 until a job reaches them
        jobs.request_publish(officer(where), YEAR, now + timedelta(hours=2), 5)
    assert too_close.value.slug == "conflict"
    monkeypatch.setattr(clock, "now", lambda: now + timedelta(minutes=6))
    with pytest.raises(Refusal) as visible:  # once seen, results cannot be unpublished
        jobs.request_publish(officer(where), YEAR, now + timedelta(hours=2), 5)
    assert "cannot change" in visible.value.detail
    again = jobs.request_publish(officer(where), YEAR, None, 10)  # same moment, longer window
    assert again.params["visible_from"] == (now + timedelta(minutes=5)).isoformat()
    drain(stack)


def test_a_job_is_only_seen_by_the_officers_of_its_academy(stack: Any) -> None:
    where = academy()
    job = jobs.request_import(officer(where), YEAR, upload([row(academy=where)]), "")
    drain(stack)
    assert jobs.job(officer(where), YEAR, job.job_id).job_id == job.job_id
    for who, year in ((officer(academy()), YEAR), (officer(where), YEAR + 1)):
        with pytest.raises(Refusal) as hidden:
            jobs.job(who, year, job.job_id)
        assert hidden.value.slug == "not-found"
