"""Background jobs' items, in the reference table (the work itself: ``chalicelib.jobs``).

- ``JOB#<job id>`` / ``JOB``: the job (its kind, scope, parameters, state, report).
- ``JOBLOCK#<scope>`` / ``ACTIVE``: the lock held by the job of ``scope`` queued or running.
  Taken on condition that it is free or its lease ran out, so the jobs of one scope run one
  at a time (a second request is refused); released when the job ends. The lease outlives
  every retry SQS may make of the job's message (see LEASE_SECONDS), so a job that crashed
  for good frees the lock at the latest when it runs out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.store.binding import bound, connection

# The jobs queue's visibility timeout (5,400 s, infra/template.yaml) times its
# maxReceiveCount (3) is 16,200 s: the lease runs longer, so no retry of a live job ever
# finds the lock taken by itself expired and taken by another.
LEASE_SECONDS = 6 * 3600
STATES = ("queued", "running", "done", "failed")


class JobItem(Model):
    class Meta:
        table_name = "reference"
        settings_key = "reference_table"

    pk = UnicodeAttribute(hash_key=True)  # JOB#<job id>
    sk = UnicodeAttribute(range_key=True, default="JOB")
    job_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # which handler runs it (chalicelib.jobs.register)
    scope = UnicodeAttribute()  # what it locks: one job of a scope at a time
    params = UnicodeAttribute(default="{}")  # JSON: what the handler needs
    state = UnicodeAttribute()
    requested_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    started_at = UTCDateTimeAttribute(null=True)
    finished_at = UTCDateTimeAttribute(null=True)
    report = UnicodeAttribute(null=True)  # JSON: counts, bad rows by line ...
    failure = UnicodeAttribute(null=True)


class LockItem(Model):
    class Meta:
        table_name = "reference"
        settings_key = "reference_table"

    pk = UnicodeAttribute(hash_key=True)  # JOBLOCK#<scope>
    sk = UnicodeAttribute(range_key=True, default="ACTIVE")
    job_id = UnicodeAttribute()
    expires_at = NumberAttribute()  # epoch seconds: the lease


@dataclass(frozen=True)
class Job:
    job_id: str
    kind: str
    scope: str
    state: str
    requested_by: str
    created_at: datetime
    params: dict[str, Any] = field(default_factory=dict)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    report: dict[str, Any] | None = None
    failure: str | None = None


class Busy(Exception):
    """Another job of the scope is queued or running."""

    def __init__(self, job_id: str) -> None:
        super().__init__(job_id)
        self.job_id = job_id


def job_pk(job_id: str) -> str:
    return f"JOB#{job_id}"


def lock_pk(scope: str) -> str:
    return f"JOBLOCK#{scope}"


def _job(item: JobItem) -> Job:
    return Job(
        job_id=item.job_id,
        kind=item.kind,
        scope=item.scope,
        state=item.state,
        requested_by=item.requested_by,
        created_at=item.created_at,
        params=json.loads(item.params or "{}"),
        started_at=item.started_at,
        finished_at=item.finished_at,
        report=json.loads(item.report) if item.report else None,
        failure=item.failure,
    )


def active_job(scope: str) -> str:
    try:
        return str(bound(LockItem).get(lock_pk(scope), "ACTIVE").job_id)
    except DoesNotExist:
        return ""


def create(job: Job) -> None:
    """The job and its scope's lock, in one transaction. Raises Busy when the lock is held."""
    item = bound(JobItem)(
        pk=job_pk(job.job_id),
        job_id=job.job_id,
        kind=job.kind,
        scope=job.scope,
        params=json.dumps(job.params, ensure_ascii=False, default=str),
        state="queued",
        requested_by=job.requested_by,
        created_at=job.created_at,
    )
    now = int(clock.timestamp())
    lock = bound(LockItem)(pk=lock_pk(job.scope), job_id=job.job_id, expires_at=now + LEASE_SECONDS)
    free = LockItem.pk.does_not_exist() | (LockItem.expires_at < now)
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(lock, condition=free)
            transaction.save(item, condition=JobItem.pk.does_not_exist())
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
            raise Busy(active_job(job.scope)) from error
        raise


def get(job_id: str) -> Job | None:
    try:
        return _job(bound(JobItem).get(job_pk(job_id), "JOB"))
    except DoesNotExist:
        return None


def mark_running(job_id: str) -> Job | None:
    """The job, now running; None when it has already ended (a message delivered again).
    A job found running is run again: its earlier attempt stopped before it ended."""
    item = bound(JobItem)(pk=job_pk(job_id), sk="JOB")
    try:
        item.update(
            actions=[JobItem.state.set("running"), JobItem.started_at.set(clock.now())],
            condition=JobItem.state.is_in("queued", "running"),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return _job(item)


def finish(
    job: Job, state: str, report: dict[str, Any] | None = None, failure: str | None = None
) -> None:
    """Record how the job ended, then free its scope's lock if it is still this job's."""
    item = bound(JobItem)(pk=job_pk(job.job_id), sk="JOB")
    actions: list[Action] = [JobItem.state.set(state), JobItem.finished_at.set(clock.now())]
    if report is not None:
        actions.append(JobItem.report.set(json.dumps(report, ensure_ascii=False, default=str)))
    if failure is not None:
        actions.append(JobItem.failure.set(failure))
    item.update(actions=actions)
    release(job)


def release(job: Job) -> None:
    lock = bound(LockItem)(pk=lock_pk(job.scope), job_id=job.job_id, expires_at=0)
    try:
        lock.delete(condition=LockItem.job_id == job.job_id)
    except DeleteError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise  # else the lease ran out and another job holds the lock now
