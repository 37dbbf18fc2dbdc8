"""The public reference library of the equivalence service: legal texts, procedures and
their checklists, the reference guide, and the decisions published since 1967."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib.api import negotiation
from chalicelib.api.access import PUBLIC, allow
from chalicelib.api.pagination import clamp_limit, decode_cursor, encode_cursor
from chalicelib.api.routing import Call, Reply, route
from chalicelib.jobs import register
from chalicelib.refusals import FieldError, Refusal
from chalicelib.services.equivalence.problems import not_offered

if TYPE_CHECKING:
    from chalicelib.services.equivalence.library.schemas import (
        DecisionsQuery,
        ImportIn,
        ProceduresQuery,
    )

equivalence_library = Blueprint(__name__)
# POST /equivalence/decisions/import queues jobs of this kind (the module is imported only
# when one runs): KIND of chalicelib.services.equivalence.library.import_jobs.
register("equivalence.decisions_import", "chalicelib.services.equivalence.library.import_jobs:run")

SCHEMAS = "chalicelib.services.equivalence.library.schemas"
PDF = "application/pdf"
# The legal texts and procedures change a few times a year; decisions on each import.
STATIC_CACHE = {"Cache-Control": "public, max-age=3600"}
DECISIONS_CACHE = {"Cache-Control": "public, max-age=60"}


@route(
    equivalence_library,
    "GET",
    "/equivalence/references",
    summary="The legal texts in force, with their Official Bulletin references and files",
    access=PUBLIC,
    tags=("equivalence",),
    response=f"{SCHEMAS}:References",
)
def get_references(call: Call) -> Reply:
    from chalicelib.services.equivalence.library.references import REFERENCES, file_key, has_file
    from chalicelib.store.equivalence_library.index_files import download_link

    items = [
        {**ref, "download": download_link(file_key(ref["code"])) if has_file(ref) else None}
        for ref in REFERENCES
    ]
    # Presigned links expire: a shared cache may keep the list for a few minutes only.
    return Reply({"items": items}, headers={"Cache-Control": "public, max-age=300"})


@route(
    equivalence_library,
    "GET",
    "/equivalence/procedures",
    summary="The procedure step by step and the documents a file needs for a diploma",
    access=PUBLIC,
    tags=("equivalence",),
    query=f"{SCHEMAS}:ProceduresQuery",
    response=f"{SCHEMAS}:Procedure",
)
def get_procedures(call: Call) -> Reply:
    from chalicelib.services.equivalence import requirements as req
    from chalicelib.services.equivalence.library.contacts import contacts_for

    query: ProceduresQuery = call.query
    refused = req.refused_part(query.track, query.level, query.training)
    if refused is not None:
        raise not_offered(f"query.{refused[0]}", refused[1])
    documents = [
        {
            "kind": d.kind,
            "required": d.required,
            "max_bytes": d.max_bytes,
            "content_types": list(d.content_types),
            "titles": dict(d.titles),
        }
        for d in req.documents_for(query.track, query.level, query.training)
    ]
    body = {
        "track": query.track,
        "level": query.level,
        "training": query.training,
        "office": req.office_of(query.track),
        "conditional_equivalence_possible": query.training in req.CONDITIONAL_FIELDS,
        "steps": req.procedure_for(query.track, query.level, query.training),
        "documents": documents,
        "contacts": contacts_for(query.track),
    }
    return Reply(body, headers=STATIC_CACHE)


@cache
def _guide() -> tuple[bytes, str]:
    """Per container: the first request reads the pre-built PDF from S3 (library/guide.py),
    the next ones answer from memory.

    The bytes go back through API Gateway rather than as a 302 to a presigned GET: the guide
    is about 80 KB (110 KB in base64, far below API Gateway's 10 MB and Lambda's 6 MB),
    application/pdf is already a binary type of the app, and the answer keeps its own ETag
    and Cache-Control, so browsers and shared caches keep it for an hour; a redirect to a
    link that expires could not be cached that long, and would cost a second round trip."""
    from chalicelib.services.equivalence.library import guide  # deferred: boto3

    return guide.current()


@route(
    equivalence_library,
    "GET",
    "/equivalence/guide",
    summary="The reference guide: a PDF in Arabic and French made from the same data",
    access=PUBLIC,
    tags=("equivalence",),
    media_type=PDF,
    errors=(406,),
)
def get_guide(call: Call) -> Reply:
    if negotiation.choose(call.header("accept"), (PDF,)) is None:
        raise Refusal("not-acceptable", "The guide is served as application/pdf.")
    content, version = _guide()
    headers = {
        **STATIC_CACHE,
        "ETag": f'"{version}"',
        "Content-Disposition": 'attachment; filename="guide-equivalence.pdf"',
    }
    return Reply(content, headers=headers, media_type=PDF)


def _scope(query: DecisionsQuery) -> str:
    parts = (query.q, query.country, query.institution, query.year, query.level, query.field)
    return "eqlib-decisions|" + "|".join("" if p is None else str(p) for p in parts)


@route(
    equivalence_library,
    "GET",
    "/equivalence/decisions",
    summary="Equivalence decisions since 1967: full-text search in Arabic and French, filters",
    access=PUBLIC,
    tags=("equivalence",),
    query=f"{SCHEMAS}:DecisionsQuery",
    response=f"{SCHEMAS}:DecisionsPage",
    errors=(503,),
)
def get_decisions(call: Call) -> Reply:
    from chalicelib.services.equivalence.library import index, search
    from chalicelib.store.secrets import cursor_key

    query: DecisionsQuery = call.query
    limit, scope = clamp_limit(query.limit), _scope(query)
    start = decode_cursor(cursor_key(), scope, query.cursor)
    try:
        loaded = search.current_index()
    except search.IndexUnavailable as error:
        raise Refusal("unavailable", "The decisions catalogue cannot be read now.") from error
    if loaded is None:
        body: dict[str, Any] = {"items": [], "next": None, "index_version": None}
        return Reply({**body, "decisions_in_index": 0}, headers=DECISIONS_CACHE)
    offset = 0
    if start is not None:
        if start.get("v") != loaded.version or not isinstance(start.get("o"), int):
            raise Refusal(
                "invalid-cursor",
                "The catalogue was updated since this page: search again from the first page.",
                errors=[FieldError("cursor", "issued for an older catalogue", "stale_cursor")],
            )
        offset = start["o"]
    filters = index.Filters(query.country, query.institution, query.year, query.level, query.field)
    items, more = search.search(loaded, query.q or "", filters, limit, offset)
    following = {"v": loaded.version, "o": offset + limit} if more else None
    body = {
        "items": items,
        "next": encode_cursor(cursor_key(), scope, following),
        "index_version": loaded.version,
        "decisions_in_index": loaded.decisions,
    }
    return Reply(body, headers=DECISIONS_CACHE)


@route(
    equivalence_library,
    "POST",
    "/equivalence/decisions/import",
    summary="Queue an import of decisions from a CSV or JSON Lines file in S3 (admin)",
    access=allow("admin"),
    tags=("equivalence",),
    body=f"{SCHEMAS}:ImportIn",
    response=f"{SCHEMAS}:ImportJobView",
    status=202,
    idempotent=True,
    errors=(409, 413, 422),
)
def post_import(call: Call) -> Reply:
    """Checks the request and queues the job: the import itself (minutes for 100,000 rows)
    runs in the queue's handler; GET the status link until the job is done or failed."""
    from chalicelib.jobs.runner import Busy
    from chalicelib.services.equivalence.library import decisions, import_jobs
    from chalicelib.store.equivalence_library import index_files

    body: ImportIn = call.body
    try:
        job = import_jobs.request(body.key, body.format, body.replace, call.user.subject)
    except index_files.ImportFileMissing as error:
        raise Refusal(
            "equivalence-import-file-missing",
            f"Upload the file to {body.key} first.",
            errors=[FieldError("body.key", "no such file in the bucket", "not_found")],
        ) from error
    except index_files.ImportFileTooLarge as error:
        raise Refusal("payload-too-large", "Split the file: at most 64 MiB per import.") from error
    except decisions.UnreadableFile as error:
        raise Refusal(
            "validation-failed", errors=[FieldError("body.format", str(error), "unknown_format")]
        ) from error
    except Busy as error:
        raise Refusal(
            "conflict",
            "Another import is queued or running: wait for it to end.",
            extra={"job_id": error.job_id, "status": import_jobs.status_path(error.job_id)},
        ) from error
    view = import_jobs.view(job)
    return Reply(view, status=202, headers={"Location": view["status"]})


@route(
    equivalence_library,
    "GET",
    "/equivalence/decisions/imports/{job_id}",
    summary="An import job: queued, running, done or failed, with its counts and bad rows",
    access=allow("admin"),
    tags=("equivalence",),
    response=f"{SCHEMAS}:ImportJobView",
)
def get_import(call: Call, job_id: str) -> Reply:
    from chalicelib.jobs import runner
    from chalicelib.services.equivalence.library import import_jobs

    job = runner.get(job_id)
    if job is None or job.kind != import_jobs.KIND:
        raise Refusal("not-found")
    # A running job changes: never cached.
    return Reply(import_jobs.view(job), headers={"Cache-Control": "no-store"})
