"""Health, the public signing key, the OpenAPI document and its page.

What each view needs is imported by the view: these routes are rarely called, and nothing
of theirs should weigh on the cold start of the function that serves every route."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib.api.access import PUBLIC
from chalicelib.api.routing import CURRENT_APP, Call, Reply, route, specs_of

SCHEMAS = "chalicelib.api.routes.platform_schemas"  # models named, imported on first use
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
    from chalicelib.api.routes import health

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
    page = resources.files("chalicelib.api.routes").joinpath("docs.html").read_text("utf-8")
    return Reply(page, media_type="text/html; charset=utf-8", headers=PUBLIC_CACHE)
