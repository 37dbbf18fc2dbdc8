"""OpenAPI 3.1, generated from the route declarations and their pydantic models.

Imported when ``/openapi.json`` is first asked for, and pydantic's JSON Schema generator
only then: neither is part of the cold start."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from chalicelib.api.idempotency import KEY_PATTERN
from chalicelib.api.problems import PROBLEM_CONTENT_TYPE
from chalicelib.api.routing import JSON, RouteSpec

if TYPE_CHECKING:
    from pydantic import BaseModel

TITLE = "Khidmat API"
VERSION = "0.1.0"
DESCRIPTION = (
    "Moroccan public e-services: diploma equivalence, school pre-registration, "
    "baccalaureate services, consular appointments and eTimbre. Errors are RFC 9457 "
    "problem+json with a title in the language of Accept-Language (ar, fr, en)."
)

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "correlation_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "code", "message"],
                "properties": {
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}

_ERROR_TEXT = {
    400: "Malformed request",
    401: "Missing or invalid token",
    403: "Not allowed",
    404: "Not found, or not yours",
    406: "Format not available",
    409: "Conflict",
    413: "Body too large",
    415: "Unsupported media type",
    422: "Invalid data",
    429: "Too many requests",
    500: "Internal error",
    503: "Unavailable",
}


Refs = dict[Any, Any]


def _models(routes: list[RouteSpec]) -> list[Any]:
    wanted: dict[tuple[type[BaseModel], str], None] = {}
    for spec in routes:
        if spec.body_model is not None:
            wanted[(spec.body_model, "validation")] = None
        if spec.response_model is not None:
            wanted[(spec.response_model, "serialization")] = None
    return list(wanted)


def _error_statuses(spec: RouteSpec) -> list[int]:
    statuses = {415, 500, *spec.errors}  # Chalice checks Content-Type on every route
    if not spec.access.public:
        statuses |= {401, 403, 429}  # 429: the identity's allowance of the minute, quotas
    if spec.path_params:
        statuses.add(404)
    if spec.path_model is not None:
        statuses.add(422)
    if spec.body is not None:
        statuses |= {400, 413, 415, 422}
    if spec.query is not None:
        statuses |= {400, 422}
    if spec.idempotent:
        statuses |= {400, 409, 422}
    if spec.alternates:
        statuses.add(406)  # an Accept that none of the route's media types satisfies
    return sorted(statuses)


def _parameters(spec: RouteSpec) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": _path_schema(spec, name),
        }
        for name in spec.path_params
    ]
    if spec.query_model is not None:
        schema = spec.query_model.model_json_schema()
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            params.append(
                {"name": name, "in": "query", "required": name in required, "schema": prop}
            )
    if spec.idempotent:
        params.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "pattern": f"^{KEY_PATTERN}$"},
            }
        )
    params.append(
        {"name": "Accept-Language", "in": "header", "required": False, "schema": {"type": "string"}}
    )
    return params


def _operation(spec: RouteSpec, refs: Refs) -> dict[str, Any]:
    success: dict[str, Any] = {"description": "Success"}
    if spec.response_model is not None:
        schema = refs[(spec.response_model, "serialization")]
        success["content"] = {spec.media_type: {"schema": schema}}
    elif spec.media_type != JSON:
        success["content"] = {spec.media_type: {"schema": {"type": "string"}}}
    for media_type in spec.alternates:  # binary: OpenAPI 3.1 names it by its media type
        content = success.setdefault("content", {})
        content[media_type] = {"schema": {"type": "string", "contentMediaType": media_type}}
    responses: dict[str, Any] = {str(spec.status): success}
    for status in _error_statuses(spec):
        responses[str(status)] = {"$ref": f"#/components/responses/Problem{status}"}
    operation: dict[str, Any] = {
        "operationId": spec.operation_id,
        "summary": spec.summary,
        "description": f"Access: {spec.access.describe()}.",
        "tags": list(spec.tags),
        "parameters": _parameters(spec),
        "responses": responses,
        "security": [] if spec.access.public else [{"bearer": []}],
    }
    if spec.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {JSON: {"schema": refs[(spec.body_model, "validation")]}},
        }
    return operation


def document(routes: list[RouteSpec]) -> dict[str, Any]:
    from pydantic.json_schema import models_json_schema

    refs, definitions = models_json_schema(
        _models(routes), ref_template="#/components/schemas/{model}"
    )
    paths: dict[str, dict[str, Any]] = {}
    for spec in sorted(routes, key=lambda s: (s.path, s.method)):
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, refs)
    schemas = dict(definitions.get("$defs", {}))
    schemas["Problem"] = PROBLEM_SCHEMA
    # Every status a route may answer has its response, the usual ones and any other a
    # route declares (a 502 from a payment gateway): no reference may point nowhere.
    texts = dict(_ERROR_TEXT)
    for spec in routes:
        for status in _error_statuses(spec):
            texts.setdefault(status, HTTPStatus(status).phrase)
    problem_responses = {
        f"Problem{status}": {
            "description": text,
            "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status, text in sorted(texts.items())
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": problem_responses,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


def _path_schema(spec: RouteSpec, name: str) -> dict[str, Any]:
    if spec.path_params_model is None:
        return {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}
    schema = dict(spec.path_params_model.model_json_schema()["properties"][name])
    schema.pop("title", None)
    return schema
