"""Decision imports as queued jobs under moto: the request is checked and queued, the queue's
handler runs it (delivered by the local pump), one import at a time, a job that fails says
why and frees the lock, a message delivered twice does nothing more; the calls are allowed
by the IAM policy; the queue's timeouts outlast the work."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

import app as app_module
from chalicelib.jobs import runner
from chalicelib.services.equivalence.library import decisions as rows
from chalicelib.services.equivalence.library import import_jobs
from chalicelib.store import jobs
from chalicelib.store.binding import bound
from chalicelib.store.equivalence_library import index_files
from infra import policy as iam
from scripts.demo import equivalence_decisions
from scripts.local_events import Pump
from tests.support.aws_calls import RECORDER

ROOT = Path(__file__).resolve().parents[3]


def upload(content: bytes, suffix: str = "jsonl") -> str:
    key = f"imports/equivalence/jobs-{uuid.uuid4().hex}.{suffix}"
    index_files.put_object(key, content, "application/x-ndjson")
    return key


def decisions_file(n: int = 4, seed: int = 11) -> str:
    return upload(
        equivalence_decisions.as_jsonl(list(equivalence_decisions.decisions(n, seed=seed)))
    )


def run_pending(stack: Any) -> None:
    Pump(app_module, stack.env).drain()


def test_a_queued_job_runs_in_the_queue_handler(stack: Any) -> None:
    job = import_jobs.request(decisions_file(), None, True, "admin-1")
    assert job.state == "queued" and job.params["format"] == "jsonl"
    assert job.kind == import_jobs.KIND and job.scope == import_jobs.SCOPE
    stored = jobs.get(job.job_id)
    assert stored is not None and stored.state == "queued" and stored.report is None
    run_pending(stack)
    done = jobs.get(job.job_id)
    assert done is not None and done.state == "done", done
    assert done.started_at and done.finished_at and done.report is not None
    assert done.report["imported"] == 4 and done.report["errors"] == []
    pointer = index_files.current()
    assert pointer is not None and pointer.version == done.report["index_version"]
    # The same message delivered again (at-least-once) changes nothing.
    assert runner.run(job.job_id) == done


def test_one_import_at_a_time(stack: Any) -> None:
    first = import_jobs.request(decisions_file(), None, False, "admin-1")
    with pytest.raises(runner.Busy) as busy:
        import_jobs.request(decisions_file(), None, False, "admin-2")
    assert busy.value.job_id == first.job_id
    run_pending(stack)
    second = import_jobs.request(decisions_file(), None, False, "admin-2")  # lock freed
    run_pending(stack)
    assert [jobs.get(j.job_id).state for j in (first, second)] == ["done", "done"]  # type: ignore[union-attr]


def test_a_lease_that_ran_out_frees_the_lock(stack: Any) -> None:
    stuck = import_jobs.request(decisions_file(), None, False, "admin-1")
    lock_key = (jobs.lock_pk(import_jobs.SCOPE), "ACTIVE")
    lock = bound(jobs.LockItem).get(*lock_key)
    lock.update(actions=[jobs.LockItem.expires_at.set(int(time.time()) - 1)])
    taken = import_jobs.request(decisions_file(), None, False, "admin-2")
    assert bound(jobs.LockItem).get(*lock_key).job_id == taken.job_id
    run_pending(stack)  # the stale job ends too, and leaves the newer job's lock alone
    states = {j.job_id: jobs.get(j.job_id).state for j in (stuck, taken)}  # type: ignore[union-attr]
    assert set(states.values()) == {"done"}


def test_a_file_that_cannot_be_read_fails_the_job_with_its_reason(stack: Any) -> None:
    key = upload(b"number,diploma\nX,y\n", "csv")
    job = import_jobs.request(key, None, False, "admin-1")
    run_pending(stack)
    failed = jobs.get(job.job_id)
    assert failed is not None and failed.state == "failed"
    assert failed.failure and "lacks the columns" in failed.failure
    # A file gone between the request and the run.
    gone = import_jobs.request(decisions_file(), None, False, "admin-1")
    index_files.delete_object(gone.params["key"])
    run_pending(stack)
    assert jobs.get(gone.job_id).failure == "the file is no longer in the bucket"  # type: ignore[union-attr]
    import_jobs.request(decisions_file(), None, False, "admin-1")  # the lock is free
    run_pending(stack)


def test_the_request_checks_the_file_before_queueing(stack: Any) -> None:
    with pytest.raises(index_files.ImportFileMissing):
        import_jobs.request("imports/equivalence/none.jsonl", None, False, "admin-1")
    with pytest.raises(rows.UnreadableFile):
        import_jobs.request(upload(b"{}", "txt"), None, False, "admin-1")
    assert jobs.get("none") is None
    job = import_jobs.request(decisions_file(), "jsonl", False, "admin-1")  # no lock taken
    run_pending(stack)
    assert jobs.get(job.job_id).state == "done"  # type: ignore[union-attr]


def test_a_report_too_large_for_an_item_keeps_its_first_bad_rows() -> None:
    from chalicelib.services.equivalence.library.importer import ImportReport

    errors = [rows.RowError(n, "diploma", "x" * 900) for n in range(500)]
    report = ImportReport("k", 500, 0, 500, errors, 500, 0, None, 0, 1.0, rebuilt=False)
    out = import_jobs.report_of(report)
    assert 0 < len(out["errors"]) < 500 and out["errors_total"] == 500
    assert len(json.dumps(out)) <= runner.MAX_REPORT_BYTES


def test_every_call_of_a_job_is_allowed_by_the_dev_policy(stack: Any) -> None:
    from tests.integration.test_least_privilege import allowed, requests_of

    RECORDER.clear()
    import_jobs.request(decisions_file(), None, False, "admin-1")
    run_pending(stack)
    calls = [c for c in RECORDER.calls if c.service != "dynamodbstreams"]
    ours = [c for c in calls if c.service == "sqs" and "-jobs" in str(c.params)]
    assert {c.operation for c in ours} >= {"SendMessage", "ReceiveMessage", "DeleteMessage"}
    # The pump's own calls (ReceiveMessage, DeleteMessage) are the Lambda service's in AWS,
    # made with the same role: they are checked too.
    document = iam.policy("dev")
    denied = [
        f"{c.service}.{c.operation} -> {r[0]} on {r[1]}"
        for c in calls
        for r in requests_of(c)
        if not allowed(document, r)
    ]
    assert not denied, denied


def test_the_queue_outlasts_the_work_and_the_lease_outlasts_the_retries() -> None:
    from cfnlint.decode.cfn_yaml import loads

    template = loads((ROOT / "infra" / "template.yaml").read_text())
    queue = template["Resources"]["JobsQueue"]["Properties"]
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    timeout = config["lambda_functions"]["background_jobs"]["lambda_timeout"]
    assert timeout >= 5 * 60  # a 100,000-row import takes about a minute here
    assert queue["VisibilityTimeout"] >= 6 * timeout  # AWS's advice for SQS event sources
    retries = queue["RedrivePolicy"]["maxReceiveCount"]
    assert queue["VisibilityTimeout"] * retries < jobs.LEASE_SECONDS
    assert "jobs" in iam.QUEUES
