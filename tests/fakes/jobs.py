"""The background jobs in memory: what ``chalicelib.jobs.runner`` does with the jobs table
(``chalicelib.store.jobs``) and the jobs queue, for the services whose ports name
``submit`` and ``get`` (decision §75). A job is recorded with its scope's lock, taken on the
DynamoDB module's condition (free, or its lease ran out; else ``Busy`` naming the holder),
and its message queued; ``deliver`` hands the queued messages to the queue's handler as the
runner does: a job already ended is left as it is, a running one is run again, and the job
ends done with its report or failed with its reason (``JobFailed``), its lock released.
Parameters and reports go through JSON, as the table keeps them."""

from __future__ import annotations

import importlib
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib import clock
from chalicelib.jobs import HANDLERS, JobFailed
from chalicelib.jobs.runner import Busy, Job, fit
from chalicelib.store.jobs import LEASE_SECONDS


def as_stored(value: dict[str, Any]) -> dict[str, Any]:
    stored: dict[str, Any] = json.loads(json.dumps(value, ensure_ascii=False, default=str))
    return stored


@dataclass
class InMemoryJobs:
    """``jobs`` by id; ``locks`` by scope: (the job holding it, its lease's end in epoch
    seconds); ``queue``: the job ids whose message waits for the handler."""

    jobs: dict[str, Job] = field(default_factory=dict)
    locks: dict[str, tuple[str, float]] = field(default_factory=dict)
    queue: list[str] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=itertools.count)

    def submit(self, kind: str, scope: str, params: dict[str, Any], requested_by: str) -> Job:
        if kind not in HANDLERS:
            raise ValueError(f"no handler is registered for job kind {kind!r}")
        now = clock.now()
        held = self.locks.get(scope)
        if held is not None and not held[1] < now.timestamp():
            raise Busy(held[0])
        job = Job(f"job{next(self._ids):08d}", kind, scope, "queued", requested_by, now, params)
        self.jobs[job.job_id] = replace(job, params=as_stored(params))
        self.locks[scope] = (job.job_id, now.timestamp() + LEASE_SECONDS)
        self.queue.append(job.job_id)
        return job

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id) if job_id.isalnum() and len(job_id) <= 64 else None

    def deliver(self) -> list[Job]:
        """Every queued message handed to the handler, in order: the jobs as they ended."""
        ran = []
        while self.queue:
            ended = self.run(self.queue.pop(0))
            if ended is not None:
                ran.append(ended)
        return ran

    def run(self, job_id: str) -> Job | None:
        """``runner.run``; an unexpected error fails the job as there, then is raised
        again so that the test sees it (a test's own failed assertion among them)."""
        found = self.jobs.get(job_id)
        if found is None or found.state not in ("queued", "running"):
            return found
        job = replace(found, state="running", started_at=clock.now())
        self.jobs[job_id] = job
        try:
            report = self._handler(job.kind)(job)
        except JobFailed as failed:
            kept = fit(dict(failed.report)) if failed.report is not None else None
            self._finish(job, "failed", kept, failed.reason)
        except Exception as error:
            self._finish(job, "failed", failure=f"unexpected error ({type(error).__name__})")
            raise
        else:
            self._finish(job, "done", fit(report))
        return self.jobs[job_id]

    def _handler(self, kind: str) -> Callable[[Job], dict[str, Any]]:
        module, _, function = HANDLERS[kind].partition(":")
        handler: Callable[[Job], dict[str, Any]] = getattr(
            importlib.import_module(module), function
        )
        return handler

    def _finish(
        self, job: Job, state: str, report: dict[str, Any] | None = None, failure: str | None = None
    ) -> None:
        self.jobs[job.job_id] = replace(
            job,
            state=state,
            finished_at=clock.now(),
            report=as_stored(report) if report is not None else None,
            failure=failure,
        )
        if self.locks.get(job.scope, ("", 0.0))[0] == job.job_id:
            del self.locks[job.scope]
