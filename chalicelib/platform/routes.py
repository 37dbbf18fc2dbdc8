"""Health, the public signing key, the OpenAPI document and its page, and the audit reader.

What each view needs is imported by the view: these routes are rarely called, and nothing
of theirs should weigh on the cold start of the function that serves every route."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib.api.principal import PUBLIC, allow
from chalicelib.api.routing import CURRENT_APP, Call, Reply, route, specs_of

if TYPE_CHECKING:
    from chalicelib.platform.schemas import AuditEntries

SCHEMAS = "chalicelib.platform.schemas"  # models named, imported on first use
platform = Blueprint(__name__)
TAGS = ("platform",)
PUBLIC_CACHE = {"Cache-Control": "public, max-age=300"}


@route(
    platform,
    "GET",
    "/health",
    summary="The state of each dependency",
    access=PUBLIC,
    tags=TAGS,
    response=f"{SCHEMAS}:HealthReport",
    errors=(503,),
)
def get_health(call: Call) -> Reply:
    from chalicelib.platform import health

    result = health.report()
    return Reply(result.model_dump(mode="json"), 200 if result.status == "ok" else 503)


@route(
    platform,
    "GET",
    "/.well-known/jwks.json",
    summary="Public keys that sign certificates and credentials: the current and the retired",
    access=PUBLIC,
    tags=TAGS,
    response=f"{SCHEMAS}:JwkSet",
)
def get_jwks(call: Call) -> Reply:
    from chalicelib.documents import signing

    return Reply({"keys": signing.published_keys()}, headers=PUBLIC_CACHE)


@lru_cache(maxsize=4)
def _document(app: object) -> dict[str, object]:
    from chalicelib.api import openapi  # pydantic's JSON Schema generator: on first use

    return openapi.document(specs_of(app))


@route(
    platform,
    "GET",
    "/openapi.json",
    summary="This API, described in OpenAPI 3.1",
    access=PUBLIC,
    tags=TAGS,
)
def get_openapi(call: Call) -> Reply:
    return Reply(_document(CURRENT_APP.get() or platform.current_app), headers=PUBLIC_CACHE)


@route(
    platform,
    "GET",
    "/docs",
    summary="A readable page of the API",
    access=PUBLIC,
    tags=TAGS,
    media_type="text/html",
)
def get_docs(call: Call) -> Reply:
    page = resources.files("chalicelib.platform").joinpath("docs.html").read_text("utf-8")
    return Reply(page, media_type="text/html; charset=utf-8", headers=PUBLIC_CACHE)


@route(
    platform,
    "GET",
    "/audit",
    summary="The audit trail of a case, newest first",
    access=allow("admin"),
    tags=TAGS,
    query=f"{SCHEMAS}:AuditQuery",
    response=f"{SCHEMAS}:AuditEntries",
)
def get_audit(call: Call) -> AuditEntries:
    from chalicelib.api.pagination import clamp_limit, decode_cursor, encode_cursor
    from chalicelib.platform.schemas import AuditEntries, AuditEntry, AuditQuery
    from chalicelib.store import audit
    from chalicelib.store.secrets import cursor_key

    query: AuditQuery = call.query
    scope = f"audit:{query.case}"
    page = audit.records_of_case(
        query.case, clamp_limit(query.limit), decode_cursor(cursor_key(), scope, query.cursor)
    )
    items = [AuditEntry.model_validate(r.attribute_values) for r in page.records]
    return AuditEntries(items=items, next=encode_cursor(cursor_key(), scope, page.last_key))
