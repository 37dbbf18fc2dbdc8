"""Background jobs: work too long for an HTTP request (API Gateway stops at 29 s), shared by
every service. A route checks the request and calls ``runner.submit``: the job is recorded
with its scope's lock and queued on the one jobs queue; the ``background_jobs`` handler
(app.py) runs it with the handler registered for its kind; the caller follows it on a
status route until it is done or failed. Storage: ``chalicelib.store.jobs``.

This module stays light (app.py imports it through the routes that register handlers):
handlers are named as ``"module:function"`` and imported only when a job of theirs runs.
"""

from __future__ import annotations

HANDLERS: dict[str, str] = {}  # job kind -> "package.module:function"


def register(kind: str, target: str) -> None:
    """``target(job) -> report`` runs the jobs of ``kind``; it raises JobFailed to fail the
    job with a reason the requester can act on. It must be safe to run again (SQS delivers
    at least once, and a job whose attempt stopped midway is run again)."""
    known = HANDLERS.setdefault(kind, target)
    if known != target:
        raise ValueError(f"job kind {kind!r} is already run by {known}")


class JobFailed(Exception):
    """The job cannot be done as asked (the file is wrong, gone ...): it fails with this
    reason and, if given, a report (the bad rows by line)."""

    def __init__(self, reason: str, report: dict[str, object] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.report = report
