"""Submitting, running and showing background jobs (see the package's docstring)."""

from __future__ import annotations

import importlib
import json
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.aws import client
from chalicelib.jobs import HANDLERS, JobFailed
from chalicelib.observability import logger
from chalicelib.settings import get_settings
from chalicelib.store import jobs as store
from chalicelib.store.jobs import Busy, Job

__all__ = ["Busy", "Job", "describe", "fit", "get", "handle_messages", "run", "submit"]

# A job item stays well under DynamoDB's 400 KB: a report keeps the first bad rows that fit
# in this many bytes (its own counts still count them all).
MAX_REPORT_BYTES = 300_000


def submit(kind: str, scope: str, params: dict[str, Any], requested_by: str) -> Job:
    """Record the job with its scope's lock and queue it. Raises Busy when a job of the
    same scope is queued or running."""
    if kind not in HANDLERS:
        raise ValueError(f"no handler is registered for job kind {kind!r}")
    job = Job(
        job_id=uuid.uuid4().hex,
        kind=kind,
        scope=scope,
        state="queued",
        requested_by=requested_by,
        created_at=clock.now(),
        params=params,
    )
    store.create(job)
    try:
        client("sqs").send_message(
            QueueUrl=get_settings().jobs_queue_url, MessageBody=json.dumps({"job_id": job.job_id})
        )
    except Exception:
        store.finish(job, "failed", failure="the job could not be queued")
        raise
    return job


def get(job_id: str) -> Job | None:
    """The job, if ``job_id`` looks like one and exists."""
    return store.get(job_id) if job_id.isalnum() and len(job_id) <= 64 else None


def _handler(kind: str) -> Callable[[Job], dict[str, Any]]:
    module, _, function = HANDLERS[kind].partition(":")
    handler: Callable[[Job], dict[str, Any]] = getattr(importlib.import_module(module), function)
    return handler


def run(job_id: str) -> Job | None:
    """The queue handler's work for one job; a job already ended is left as it is."""
    job = store.mark_running(job_id)
    if job is None:
        logger.info("job already ended", extra={"job_id": job_id})
        return store.get(job_id)
    try:
        report = _handler(job.kind)(job)
    except JobFailed as failed:
        report_of = fit(dict(failed.report)) if failed.report is not None else None
        store.finish(job, "failed", report=report_of, failure=failed.reason)
    except Exception as error:
        # Logged with its traceback; the job says it failed rather than staying "running".
        logger.exception("job failed", extra={"job_id": job_id, "kind": job.kind})
        store.finish(job, "failed", failure=f"unexpected error ({type(error).__name__})")
    else:
        store.finish(job, "done", report=fit(report))
    return store.get(job_id)


def handle_messages(bodies: Iterable[str]) -> None:
    for body in bodies:
        run(str(json.loads(body)["job_id"]))


def fit(report: dict[str, Any]) -> dict[str, Any]:
    """``report`` trimmed to fit a job item: its ``errors`` list halved until it does."""
    out = dict(report)
    while out.get("errors") and len(json.dumps(out, ensure_ascii=False, default=str)) > (
        MAX_REPORT_BYTES
    ):
        out["errors"] = out["errors"][: len(out["errors"]) // 2]
    return out


def describe(job: Job, status: str) -> dict[str, Any]:
    """The fields every job view shows; ``status`` is the route to follow it."""

    def moment(at: datetime | None) -> str | None:
        return at.isoformat() if at else None

    return {
        "job_id": job.job_id,
        "kind": job.kind,
        "state": job.state,
        "created_at": moment(job.created_at),
        "started_at": moment(job.started_at),
        "finished_at": moment(job.finished_at),
        "status": status,
        "report": job.report,
        "failure": job.failure,
    }
