"""The exam office's use cases (``jobs.py``, ``imports.py``: the candidate list imported, the
results published, the jobs followed) against the in-memory fakes of ``tests/fakes/``
(decision §75): the rules tests/integration/bac/test_bac_jobs.py and tests/e2e/bac assert
with moto, the local pump and HTTP (bad rows by line and column and nothing written, an
import run twice changing nothing, one job per session and academy, a CNIe number one
candidate's per session, results hidden until their moment, a moment the job can meet and
never moved once seen, a job only its academy's officers see), here in milliseconds and
with AWS out of reach (the fixture of the use-case tests, which any AWS call fails); and
the academy's queue of cases, each page audited as a read."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib.jobs.runner import Job
from chalicelib.services.bac import decisions, imports, jobs, ports, service
from chalicelib.services.bac import office_routes as _registers_the_job_handlers  # noqa: F401
from chalicelib.services.bac.domain import results_day
from chalicelib.services.bac.machines import CORRECTION
from scripts.demo.bac import row, to_csv
from tests.fakes.bac import InMemoryFiles
from tests.fakes.equivalence import InMemoryQueues, InMemoryReads
from tests.fakes.jobs import InMemoryJobs
from tests.unit.bac.test_bac_use_cases import (
    ACADEMY,
    CANDIDATE,
    CARD,
    NUMBER,
    OFFICER,
    YEAR,
    World,
    correct,
    fields_of,
    refusal_of,
    verified,
    world,  # noqa: F401 (the fixture this one builds on)
)

ELSEWHERE = "AC-OTHER"


@dataclass
class Office:
    world: World
    jobs: InMemoryJobs
    files: InMemoryFiles
    reads: InMemoryReads
    _names: Iterator[int] = field(default_factory=itertools.count)

    def upload(self, rows: list[dict[str, str]]) -> str:
        """The list put in the documents bucket, as the exam office does: its key."""
        key = f"imports/bac/list-{next(self._names)}.csv"
        return self.files.put(key, to_csv(rows).encode())

    def row(self, **values: str) -> dict[str, str]:
        return row(**{"academy": ACADEMY, "cnie": CARD, "candidate_number": NUMBER, **values})

    def import_list(
        self,
        rows: list[dict[str, str]] | None = None,
        academy: str = ACADEMY,
        year: int = YEAR,
        exam_start: str = f"{YEAR}-06-02",
    ) -> Job:
        """The import requested, then run by the jobs queue: the job as it ended."""
        key = self.upload(rows if rows is not None else [self.row()])
        queued = jobs.request_import(officer(academy), year, key, exam_start)
        return self.ran(queued)

    def publish(
        self, at: datetime | None, days: int = 7, academy: str = ACADEMY, year: int = YEAR
    ) -> Job:
        return self.ran(jobs.request_publish(officer(academy), year, at, days))

    def ran(self, queued: Job) -> Job:
        self.jobs.deliver()
        ended = self.jobs.get(queued.job_id)
        assert ended is not None
        return ended


def officer(academy: str) -> Any:
    return replace(OFFICER, office=academy)


@pytest.fixture
def office(world: World) -> Iterator[Office]:  # noqa: F811 (pytest's fixture argument)
    fakes = Office(world, InMemoryJobs(), InMemoryFiles(), InMemoryReads())
    queues = InMemoryQueues(world.cases)
    in_use = ports.Ports(jobs=fakes.jobs, files=fakes.files, queues=queues, reads=fakes.reads)
    with ports.using(in_use):
        yield fakes


def line_and_column(job: Job, key: str = "errors") -> set[tuple[int, str]]:
    assert job.report is not None
    return {(e["line"], e["column"]) for e in job.report[key]}


# ------------------------------------------------------------------ the import


def test_a_list_with_bad_rows_fails_naming_each_and_writes_nothing(office: Office) -> None:
    rows = [
        office.row(),
        office.row(candidate_number="2000000003", birth_date="2030-01-01"),
        office.row(candidate_number="2000000004", academy="ELSEWHERE", marks="math=21"),
        office.row(candidate_number="2000000005", regional_exam=""),
    ]
    failed = office.import_list(rows)
    assert failed.state == "failed" and failed.failure is not None
    assert "nothing was imported" in failed.failure
    named = line_and_column(failed)
    assert {(3, "birth_date"), (4, "academy"), (4, "marks"), (5, "regional_exam")} <= named
    assert failed.report is not None and failed.report["candidates"] == 0
    assert failed.report["errors_total"] == len(failed.report["errors"])
    candidates = office.world.candidates
    assert (candidates.records, candidates.claims) == ({}, {})
    assert office.world.sessions.sessions == {} and office.world.sessions.results == {}
    assert office.import_list().state == "done"  # the lock went with the failed job


def test_the_file_is_checked_when_asked_for_and_read_when_the_job_runs(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = refusal_of(jobs.request_import, OFFICER, YEAR, "imports/bac/none.csv", "")
    assert missing.slug == "bac-import-file-missing" and fields_of(missing) == {"body.key"}
    assert missing.errors[0].code == "not_found"
    key = office.upload([office.row()])
    size = office.files.size(key)
    assert size is not None
    monkeypatch.setattr(imports, "MAX_BYTES", size - 1)
    assert refusal_of(jobs.request_import, OFFICER, YEAR, key, "").slug == "payload-too-large"
    assert office.jobs.jobs == {}  # neither was queued
    monkeypatch.undo()

    not_text = office.files.put("imports/bac/latin1.csv", "Zaïd".encode("latin-1"))
    failed = office.ran(jobs.request_import(OFFICER, YEAR, not_text, ""))
    assert (failed.state, failed.failure) == ("failed", "body.key: the file is not UTF-8 text")
    queued = jobs.request_import(OFFICER, YEAR, key, "")
    del office.files.files[key]  # gone before the job ran
    gone = office.ran(queued)
    assert gone.state == "failed"
    assert gone.failure == "body.key: no such file in the documents bucket"
    assert office.world.candidates.records == {}


def test_an_import_counts_its_rows_and_writes_a_result_item_per_cnie(office: Office) -> None:
    done = office.import_list([office.row(), office.row(candidate_number="2000000009", cnie="")])
    assert done.state == "done" and done.report is not None
    counts = ("candidates", "with_results", "results_written", "errors_total", "refused_total")
    assert tuple(done.report[k] for k in counts) == (2, 2, 1, 0, 0)
    session = office.world.sessions.load_session(YEAR, ACADEMY)
    assert session is not None and (session.exam_start, session.candidates) == ("2026-06-02", 2)
    assert session.visible_from is None
    assert service.me(CANDIDATE).candidate_number == NUMBER
    result, visible = service.results(CANDIDATE)
    assert result.marks and not visible  # listed with marks, not published


def test_an_import_run_again_changes_nothing_and_keeps_what_the_candidate_did(
    office: Office,
) -> None:
    key = office.upload([office.row(), office.row(candidate_number="2000000009", cnie="")])
    first = office.ran(jobs.request_import(OFFICER, YEAR, key, "2026-06-02"))
    records = dict(office.world.candidates.records)
    again = office.ran(jobs.request_import(OFFICER, YEAR, key, ""))
    assert again.report == first.report and office.world.candidates.records == records
    assert office.jobs.run(again.job_id) == again  # its message delivered again: nothing more
    session = office.world.sessions.load_session(YEAR, ACADEMY)
    assert session is not None and session.exam_start == "2026-06-02"  # kept when not given

    service.verify(CANDIDATE, "confirm", {}, None)
    office.ran(jobs.request_import(OFFICER, YEAR, key, ""))
    assert service.me(CANDIDATE).data_status == "confirmed"
    case = correct({"first_name_fr": "Selma"}).case
    assert case is not None
    verified(case, "supporting_document")
    decisions.decide(OFFICER, case.id, "accept", "", {}, "corr")
    office.ran(jobs.request_import(OFFICER, YEAR, key, ""))  # the list still says Salma
    assert service.me(CANDIDATE).first_name_fr == "Selma"

    no_marks = office.import_list([office.row(marks="")], exam_start="")
    assert no_marks.report is not None and no_marks.report["with_results"] == 0
    result, visible = service.results(CANDIDATE)
    assert result.marks == {} and not visible


def test_a_cnie_held_in_another_academy_is_refused_for_that_row(office: Office) -> None:
    assert office.import_list().state == "done"
    theirs = [
        office.row(academy=ELSEWHERE, candidate_number="9000000001"),
        office.row(academy=ELSEWHERE, candidate_number="9000000002", cnie="ZX654321"),
    ]
    done = office.import_list(theirs, academy=ELSEWHERE)
    assert done.state == "done" and done.report is not None
    assert (done.report["candidates"], done.report["refused_total"]) == (1, 1)
    assert line_and_column(done, "refused") == {(2, "cnie")}
    message = done.report["refused"][0]["message"]
    assert ACADEMY in message and str(YEAR) in message
    me = service.me(CANDIDATE)
    assert (me.academy, me.candidate_number) == (ACADEMY, NUMBER)  # the holder did not move
    assert office.world.candidates.load_candidate(YEAR, ELSEWHERE, "9000000001") is None

    published = office.publish(None, academy=ELSEWHERE)
    assert published.report is not None and published.report["results_written"] == 1
    assert service.results(CANDIDATE)[0].visible_from is None  # not the holder's results
    again = office.import_list()
    assert again.report is not None and again.report["refused_total"] == 0

    later = office.import_list([theirs[0]], academy=ELSEWHERE, year=YEAR + 1)
    assert later.report is not None
    assert (later.report["candidates"], later.report["refused_total"]) == (1, 0)
    assert service.me(CANDIDATE).academy == ELSEWHERE  # the newest session's record


def test_a_number_passed_between_two_candidates_of_one_list_is_taken(office: Office) -> None:
    office.import_list()
    right = "2000000077"
    corrected = [
        office.row(candidate_number=right),  # the number now this candidate's
        office.row(cnie="ZW111111"),  # and the first holder's row names another
    ]
    done = office.import_list(corrected)
    assert done.report is not None
    assert (done.report["candidates"], done.report["refused_total"]) == (2, 0), done.report
    assert service.me(CANDIDATE).candidate_number == right
    assert office.world.candidates.claims[(YEAR, "ZW111111")] == (ACADEMY, NUMBER)


# ------------------------------------------------------------------ one job at a time


def test_one_job_at_a_time_per_session_and_academy(office: Office) -> None:
    first = jobs.request_import(OFFICER, YEAR, office.upload([office.row()]), "")
    assert (first.state, first.scope) == ("queued", jobs.job_scope(YEAR, ACADEMY))
    busy = refusal_of(jobs.request_import, OFFICER, YEAR, office.upload([office.row()]), "")
    assert busy.slug == "conflict" and busy.extra["job_id"] == first.job_id
    assert busy.extra["status"] == f"/bac/sessions/{YEAR}/jobs/{first.job_id}"
    assert refusal_of(jobs.request_publish, OFFICER, YEAR, None, 7).slug == "conflict"
    theirs = office.upload([office.row(academy=ELSEWHERE, candidate_number="9000000001")])
    other_academy = jobs.request_import(officer(ELSEWHERE), YEAR, theirs, "")
    next_session = jobs.request_import(OFFICER, YEAR + 1, office.upload([office.row()]), "")
    ended = {job.job_id: job.state for job in office.jobs.deliver()}
    assert ended == dict.fromkeys((first.job_id, other_academy.job_id, next_session.job_id), "done")
    assert office.jobs.locks == {}
    assert jobs.request_import(OFFICER, YEAR, office.upload([office.row()]), "").state == "queued"


def test_a_job_is_seen_only_by_the_officers_of_its_academy_and_session(office: Office) -> None:
    queued = jobs.request_import(OFFICER, YEAR, office.upload([office.row()]), "2026-06-02")
    shown = jobs.view(jobs.job(OFFICER, YEAR, queued.job_id))
    assert (shown["state"], shown["started_at"], shown["report"]) == ("queued", None, None)
    assert shown["status"] == f"/bac/sessions/{YEAR}/jobs/{queued.job_id}"
    assert shown["params"]["exam_start"] == "2026-06-02"
    office.ran(queued)
    done = jobs.view(jobs.job(OFFICER, YEAR, queued.job_id))
    assert done["state"] == "done" and done["started_at"] and done["finished_at"]
    assert done["report"]["candidates"] == 1
    for who, year, job_id in (
        (officer(ELSEWHERE), YEAR, queued.job_id),
        (OFFICER, YEAR + 1, queued.job_id),
        (OFFICER, YEAR, "job99999999"),
        (OFFICER, YEAR, "../" + queued.job_id),
    ):
        assert refusal_of(jobs.job, who, year, job_id).slug == "not-found"


# ------------------------------------------------------------------ the publication


def test_results_are_hidden_until_published_then_shown_from_the_moment(office: Office) -> None:
    office.import_list()
    now = office.world.moment[0]
    moment = now + timedelta(days=1)
    too_soon = refusal_of(jobs.request_publish, OFFICER, YEAR, now + timedelta(seconds=30), 7)
    assert fields_of(too_soon) == {"body.visible_from"}
    queued = jobs.request_publish(OFFICER, YEAR, moment, 7)
    assert queued.params["visible_from"] == moment.isoformat()
    assert service.results(CANDIDATE)[0].visible_from is None  # queued, not run: unchanged
    session = office.world.sessions.load_session(YEAR, ACADEMY)
    assert session is not None and session.visible_from is None

    done = office.ran(queued)
    assert done.state == "done" and done.report is not None
    assert (done.report["results_written"], done.report["finished_before_the_moment"]) == (1, True)
    session = office.world.sessions.load_session(YEAR, ACADEMY)
    assert session is not None
    assert (session.visible_from, session.complaint_until) == (moment, moment + timedelta(days=7))
    assert office.jobs.run(queued.job_id) == done  # its message delivered again: nothing more

    office.world.at(moment - timedelta(seconds=1))
    result, visible = service.results(CANDIDATE)
    assert result.visible_from == moment and not visible
    office.world.at(moment)
    result, visible = service.results(CANDIDATE, YEAR)
    assert visible and (result.average, result.mention, result.outcome) == (
        "14.15",
        "bien",
        "admitted",
    )


def test_a_publication_needs_the_academy_s_own_imported_session(office: Office) -> None:
    office.import_list()
    stranger = refusal_of(jobs.request_publish, officer(ELSEWHERE), YEAR, None, 7)
    assert stranger.slug == "conflict" and f"for {ELSEWHERE} first" in stranger.detail
    assert refusal_of(jobs.request_publish, OFFICER, YEAR + 1, None, 7).slug == "conflict"
    assert [job.kind for job in office.jobs.jobs.values()] == [jobs.IMPORT]  # none queued


def test_a_moment_leaves_the_job_its_lead_and_is_never_moved_once_seen(office: Office) -> None:
    office.import_list([office.row(), office.row(candidate_number="2000000002", cnie="ZA111111")])
    now = office.world.moment[0]
    asap = jobs.request_publish(OFFICER, YEAR, None, 5)  # as soon as the job can meet it
    assert asap.params["visible_from"] == (now + results_day.publication_lead(2)).isoformat()
    office.ran(asap)

    office.world.at(now + timedelta(minutes=1))
    too_close = refusal_of(jobs.request_publish, OFFICER, YEAR, now + timedelta(hours=2), 5)
    assert too_close.slug == "conflict"  # items carry the moment until a job reaches them
    office.world.at(now + timedelta(minutes=6))
    seen = refusal_of(jobs.request_publish, OFFICER, YEAR, now + timedelta(hours=2), 5)
    assert seen.slug == "conflict" and "cannot change" in seen.detail

    longer = office.publish(None, days=10)  # the same moment, a longer complaint window
    moment = now + results_day.publication_lead(2)
    assert longer.params["visible_from"] == moment.isoformat()
    session = office.world.sessions.load_session(YEAR, ACADEMY)
    assert session is not None
    assert (session.visible_from, session.complaint_until) == (moment, moment + timedelta(days=10))
    assert service.results(CANDIDATE)[0].complaint_until == moment + timedelta(days=10)


# ------------------------------------------------------------------ the queue


def test_the_queue_holds_the_academy_s_cases_and_each_page_is_audited(office: Office) -> None:
    office.import_list()
    case = correct({"first_name_fr": "Selma"}).case
    assert case is not None
    waiting = CORRECTION.initial.name
    page = decisions.queue(OFFICER, CORRECTION.case_type, waiting, 20, None, "corr-1")
    assert [c.id for c in page.cases] == [case.id] and page.last_key is None
    purpose = f"GET /bac/queue type={CORRECTION.case_type} state={waiting}"
    assert office.reads.lists == [(OFFICER.subject, purpose, [case.id])]

    theirs = decisions.queue(officer(ELSEWHERE), CORRECTION.case_type, waiting, 20, None, "c")
    assert theirs.cases == []
    decided = decisions.queue(OFFICER, CORRECTION.case_type, "accepted", 20, None, "corr-2")
    assert decided.cases == []
    assert len(office.reads.lists) == 1  # an empty page names no one: nothing to audit
