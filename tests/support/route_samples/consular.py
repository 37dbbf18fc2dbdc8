"""How to call this service's routes in the matrix, least-privilege and bench runs."""

from __future__ import annotations

from typing import Any

from bench.calls import Sample as BenchSample
from tests.support.route_samples.matrix import OFFICE, OWNER, Sample

REQUESTS = "/consular/appointment-requests"
REQUEST = REQUESTS + "/{case_id}"
SLOTS_QUERY = "service=passport&from=2030-01-07&to=2030-01-08"
CALENDAR = '{"hours": {"0": [{"start": "09:00", "end": "12:00"}]}, "counters": {"passport": 2}}'
REQUEST_BODY = (
    '{"consulate": "FR-PAR", "service": "passport", "contact": {"email": "m@demo.invalid"}}'
)


def request_case() -> dict[str, str]:
    """A request of OWNER to OFFICE (a consulate code the catalogue does not know)."""
    from chalicelib.services.consular.machines import APPOINTMENT
    from chalicelib.workflow import service
    from chalicelib.workflow.case import Contact
    from chalicelib.workflow.engine import Actor

    actor = Actor(OWNER, frozenset({"citizen"}))
    payload = {"consulate": OFFICE, "service": "passport"}
    case = service.open_case(APPOINTMENT, OWNER, OFFICE, Contact(), payload, actor)
    return {"case_id": case.id}


MATRIX: dict[tuple[str, str], Sample] = {
    ("GET", "/consular/consulates"): Sample(),
    ("GET", "/consular/services"): Sample(),
    ("PUT", "/consular/consulates/{code}/calendar"): Sample(body=CALENDAR),
    ("POST", REQUESTS): Sample(body=REQUEST_BODY),
    ("GET", REQUEST): Sample(setup=request_case),
    ("GET", "/consular/consulates/{code}/requests"): Sample(),
    ("POST", REQUEST + "/validate"): Sample(setup=request_case, body="{}"),
    ("POST", REQUEST + "/request-documents"): Sample(setup=request_case, body="{}"),
    ("POST", REQUEST + "/reject"): Sample(setup=request_case, body="{}"),
    ("POST", REQUEST + "/complete"): Sample(setup=request_case, body="{}"),
    ("GET", "/consular/consulates/{code}/slots"): Sample(
        path={"code": "FR-PAR"}, query=SLOTS_QUERY
    ),
    ("POST", REQUEST + "/booking"): Sample(
        setup=request_case, body='{"slot": "2030-01-07T08:00:00Z"}'
    ),
    ("DELETE", REQUEST + "/booking"): Sample(setup=request_case),
    ("POST", REQUEST + "/waiting-list"): Sample(setup=request_case),
    ("GET", "/consular/consulates/{code}/appointments"): Sample(query="date=2030-01-07"),
    ("POST", REQUEST + "/check-in"): Sample(setup=request_case),
}
UNKNOWN = REQUESTS + "/0123456789abcdef0123456789abcdef"
# The least-privilege run's staff tokens name no office: office routes answer 404 there.
REASON: dict[str, Any] = {"body": '{"reason": "documents missing"}'}
SLOT: dict[str, Any] = {"body": '{"slot": "2030-01-07T09:00:00Z"}'}
LEAST_PRIVILEGE: list[tuple[Any, ...]] = [
    ("GET", "/consular/consulates", "/consular/consulates", None, 200),
    ("GET", "/consular/services", "/consular/services", None, 200),
    (
        "PUT",
        "/consular/consulates/{code}/calendar",
        "/consular/consulates/OFFICE-1/calendar",
        "consular_agent",
        404,
    ),
    ("POST", REQUESTS, REQUESTS, "citizen", 400),
    # A request really opened: the case's transaction (case, history, audit, outbox).
    (
        "POST",
        REQUESTS,
        REQUESTS,
        "citizen",
        201,
        {"body": '{"consulate": "FR-PAR", "service": "passport"}'},
    ),
    ("GET", REQUEST, UNKNOWN, "citizen", 404),
    (
        "GET",
        "/consular/consulates/{code}/requests",
        "/consular/consulates/OFFICE-1/requests",
        "consular_agent",
        404,
    ),
    ("POST", REQUEST + "/validate", UNKNOWN + "/validate", "consular_agent", 404, {"body": "{}"}),
    (
        "POST",
        REQUEST + "/request-documents",
        UNKNOWN + "/request-documents",
        "consular_agent",
        404,
        REASON,
    ),
    ("POST", REQUEST + "/reject", UNKNOWN + "/reject", "consular_agent", 404, REASON),
    ("POST", REQUEST + "/complete", UNKNOWN + "/complete", "citizen", 404, REASON),
    (
        "GET",
        "/consular/consulates/{code}/slots",
        f"/consular/consulates/FR-PAR/slots?{SLOTS_QUERY}",
        "citizen",
        409,
    ),
    ("POST", REQUEST + "/booking", UNKNOWN + "/booking", "citizen", 404, SLOT),
    ("DELETE", REQUEST + "/booking", UNKNOWN + "/booking", "citizen", 404),
    ("POST", REQUEST + "/waiting-list", UNKNOWN + "/waiting-list", "citizen", 404),
    (
        "GET",
        "/consular/consulates/{code}/appointments",
        "/consular/consulates/OFFICE-1/appointments?date=2030-01-07",
        "consular_agent",
        404,
    ),
    ("POST", REQUEST + "/check-in", UNKNOWN + "/check-in", "consular_agent", 404),
]
BENCH: dict[tuple[str, str], BenchSample] = {}
