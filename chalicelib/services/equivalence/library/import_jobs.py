"""Decision imports, asynchronous, as background jobs (``chalicelib.jobs``): the request is
checked and queued at once (202), the import itself (read, check every row, rebuild and
publish the index) runs in the jobs queue's handler, and the admin follows the job until it
is done or failed. One import at a time: they all lock the scope ``equivalence.decisions``."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from chalicelib import clock
from chalicelib.jobs import JobFailed, runner
from chalicelib.jobs.runner import MAX_REPORT_BYTES, Job
from chalicelib.services.equivalence.library import decisions, importer
from chalicelib.store.equivalence_library import index_files

__all__ = ["KIND", "MAX_REPORT_BYTES", "SCOPE", "request", "run", "view"]

KIND = "equivalence.decisions_import"  # registered in library_routes.py
SCOPE = "equivalence.decisions"


def request(key: str, declared_kind: str | None, replace: bool, requested_by: str) -> Job:
    """Check the request (the file is there, not too large, its format known), record the
    job with the lock and queue it. Raises UnreadableFile, ImportFileMissing,
    ImportFileTooLarge, or runner.Busy when another import is queued or running."""
    kind = importer.kind_of(key, declared_kind)
    index_files.check_import(key)
    params = {"key": key, "format": kind, "replace": replace}
    return runner.submit(KIND, SCOPE, params, requested_by)


def report_of(report: importer.ImportReport) -> dict[str, Any]:
    return runner.fit(
        {
            "read": report.read,
            "imported": report.imported,
            "rejected_rows": report.rejected_rows,
            "errors": [asdict(e) for e in report.errors],
            "errors_total": report.errors_total,
            "rebuilt": report.rebuilt,
            "decisions_in_index": report.decisions_in_index,
            "index_version": report.index_version,
            "index_bytes": report.index_bytes,
            "seconds": round(report.seconds, 3),
        }
    )


def run(job: Job, today: date | None = None) -> dict[str, Any]:
    """The job's work (called by ``chalicelib.jobs.runner``): the import's report, or
    JobFailed with a reason the admin can act on."""
    params = job.params
    try:
        report = importer.import_decisions(
            str(params["key"]),
            str(params["format"]),
            bool(params["replace"]),
            today or clock.now().date(),
        )
    except (decisions.UnreadableFile, index_files.ImportFileMissing) as error:
        raise JobFailed(_reason(error)) from error
    except index_files.ImportFileTooLarge as error:
        raise JobFailed(_reason(error)) from error
    except index_files.Superseded as error:
        raise JobFailed("another import replaced the index meanwhile: run this one again") from (
            error
        )
    return report_of(report)


def _reason(error: Exception) -> str:
    if isinstance(error, index_files.ImportFileMissing):
        return "the file is no longer in the bucket"
    if isinstance(error, index_files.ImportFileTooLarge):
        return f"the file is larger than {index_files.MAX_IMPORT_BYTES} bytes"
    return str(error)


def view(job: Job) -> dict[str, Any]:
    """The job as the API shows it."""
    return {
        **runner.describe(job, status_path(job.job_id)),
        "key": job.params.get("key", ""),
        "format": job.params.get("format", "csv"),
        "replace": bool(job.params.get("replace", False)),
    }


def status_path(job_id: str) -> str:
    return f"/equivalence/decisions/imports/{job_id}"
