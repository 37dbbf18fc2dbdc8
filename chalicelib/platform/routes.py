"""Health, the public signing key, the OpenAPI document and its page, and the audit reader."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib.api import openapi
from chalicelib.api.pagination import clamp_limit, decode_cursor, encode_cursor
from chalicelib.api.principal import PUBLIC, allow
from chalicelib.api.routing import CURRENT_APP, Call, Reply, route, specs_of
from chalicelib.documents import signing
from chalicelib.platform import health
from chalicelib.platform.schemas import AuditEntries, AuditEntry, AuditQuery, HealthReport, JwkSet
from chalicelib.store import audit
from chalicelib.store.secrets import cursor_key

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
    response=HealthReport,
    errors=(503,),
)
def get_health(call: Call) -> Reply:
    result = health.report()
    return Reply(result.model_dump(mode="json"), 200 if result.status == "ok" else 503)


@route(
    platform,
    "GET",
    "/.well-known/jwks.json",
    summary="Public key that signs certificates",
    access=PUBLIC,
    tags=TAGS,
    response=JwkSet,
)
def get_jwks(call: Call) -> Reply:
    return Reply({"keys": [signing.public_jwk()]}, headers=PUBLIC_CACHE)


@lru_cache(maxsize=4)
def _document(app: object) -> dict[str, object]:
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
    query=AuditQuery,
    response=AuditEntries,
)
def get_audit(call: Call) -> AuditEntries:
    query: AuditQuery = call.query
    scope = f"audit:{query.case}"
    page = audit.records_of_case(
        query.case, clamp_limit(query.limit), decode_cursor(cursor_key(), scope, query.cursor)
    )
    items = [AuditEntry.model_validate(r.attribute_values) for r in page.records]
    return AuditEntries(items=items, next=encode_cursor(cursor_key(), scope, page.last_key))
