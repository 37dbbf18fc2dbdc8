"""RFC 9457 problems: how a refusal (``chalicelib.refusals``) answers over HTTP. Each kind of
refusal has one status, in one table, whatever the service that refused."""

from __future__ import annotations

from typing import Any

from chalicelib.api.i18n import Language
from chalicelib.refusals import Kind, Refusal

PROBLEM_CONTENT_TYPE = "application/problem+json"

STATUS: dict[Kind, int] = {
    Kind.MALFORMED: 400,
    Kind.UNAUTHENTICATED: 401,
    Kind.NOT_ALLOWED: 403,
    Kind.NOT_FOUND: 404,
    Kind.METHOD_NOT_ALLOWED: 405,
    Kind.NOT_ACCEPTABLE: 406,
    Kind.CONFLICT: 409,
    Kind.TOO_LARGE: 413,
    Kind.UNSUPPORTED_MEDIA_TYPE: 415,
    Kind.RULE_BROKEN: 422,
    Kind.LIMIT_REACHED: 429,
    Kind.FAILED: 500,
    Kind.UPSTREAM_FAILED: 502,
    Kind.UNAVAILABLE: 503,
}
# A bare status raised by Chalice itself, read back as the generic refusal of its kind.
_GENERIC = {
    400: "malformed-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation-failed",
    429: "too-many-requests",
    500: "internal-error",
    503: "unavailable",
}
# What a 401 tells the client to present.
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="khidmat"'}


def status_of(refusal: Refusal) -> int:
    return STATUS[refusal.kind]


def headers_of(refusal: Refusal) -> dict[str, str]:
    headers: dict[str, str] = {}
    if refusal.retry_after is not None:
        headers["Retry-After"] = str(refusal.retry_after)
    if refusal.kind is Kind.UNAUTHENTICATED:
        headers.update(CHALLENGE)
    return headers


def body_of(refusal: Refusal, language: Language, instance: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:khidmat:problem:{refusal.slug}",
        "title": refusal.title(language),
        "status": status_of(refusal),
    }
    if refusal.detail:
        body["detail"] = refusal.detail
    if instance:
        body["instance"] = instance
    if refusal.errors:
        body["errors"] = [e.as_dict() for e in refusal.errors]
    body.update(refusal.extra)
    return body


def for_status(status: int, detail: str = "") -> Refusal:
    """The generic refusal of a bare HTTP status (errors raised by Chalice itself)."""
    slug = _GENERIC.get(status, "internal-error" if status >= 500 else "malformed-request")
    return Refusal(slug, detail)
