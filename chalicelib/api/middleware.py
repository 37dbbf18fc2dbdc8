"""The one HTTP middleware: correlation id, problem+json for errors Chalice answers itself
(405, 415, ...), security headers, and a metric per request."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable

from aws_lambda_powertools.metrics import MetricUnit
from chalice import Response  # type: ignore[attr-defined]
from chalice.app import Request

from chalicelib.api.i18n import negotiate
from chalicelib.api.problems import PROBLEM_CONTENT_TYPE, for_status
from chalicelib.api.routing import CURRENT_REQUEST, problem_response
from chalicelib.observability import logger, metrics
from chalicelib.settings import get_settings

_CORRELATION_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "Cache-Control": "no-store",
}


def correlation_id(request: Request) -> str:
    given = request.headers.get("x-correlation-id") or ""
    if _CORRELATION_ID.match(given):
        return str(given)
    return str(request.context.get("requestId") or uuid.uuid4())


def http_middleware(request: Request, get_response: Callable[[Request], Response]) -> Response:
    cid = correlation_id(request)
    request.context["correlation_id"] = cid
    logger.set_correlation_id(cid)
    token = CURRENT_REQUEST.set(request)
    try:
        response = get_response(request)
    finally:
        CURRENT_REQUEST.reset(token)
    if response.status_code >= 400 and not _is_problem(response):
        response = _as_problem(request, response)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers["X-Correlation-Id"] = cid
    if get_settings().metrics_enabled:
        metrics.add_metric(
            name=f"Http{response.status_code // 100}xx", unit=MetricUnit.Count, value=1
        )
        metrics.flush_metrics()
    logger.info(
        "request",
        extra={
            "method": request.method,
            "route": request.context.get("resourcePath"),
            "status": response.status_code,
        },
    )
    return response


def _is_problem(response: Response) -> bool:
    content_type = {k.lower(): v for k, v in response.headers.items()}.get("content-type", "")
    return str(content_type).startswith(PROBLEM_CONTENT_TYPE)


def _as_problem(request: Request, response: Response) -> Response:
    detail = ""
    if isinstance(response.body, dict):
        detail = str(response.body.get("Message", ""))
    elif isinstance(response.body, str):
        try:
            detail = str(json.loads(response.body).get("Message", ""))
        except (ValueError, AttributeError):
            detail = ""
    problem = for_status(response.status_code, detail)
    allow = {k: str(v) for k, v in response.headers.items() if k.lower() == "allow"}
    return problem_response(
        problem, negotiate(request.headers.get("accept-language")), request.path, allow
    )
