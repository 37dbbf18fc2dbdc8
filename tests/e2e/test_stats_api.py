"""The published processing times through the HTTP API, without a token: cases generated
with known durations (decided in the last weeks), their stream records delivered to the app's
own stream handler (twice), and the figures read back exactly."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

import app as app_module
from chalicelib.stats import rules
from chalicelib.workflow import lifecycle, registry
from chalicelib.workflow.case import Case, Contact
from chalicelib.workflow.engine import Actor
from chalicelib.workflow.machine import Machine
from scripts.local_events import FakeContext
from tests.integration.test_stats import stream_records
from tests.support.demo_case import DEMO, PLAIN_DECISION

PATH = "/public/stats/processing-times"
OWNER = Actor("owner-stats-e2e", frozenset({"citizen"}))
DURATIONS = {"E2E-1": [2, 2, 5, 9, 14, 30, 61, 75], "E2E-2": [0, 121]}


@pytest.fixture
def machine(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Machine:
    """The demo lifecycle with a 60-calendar-day decision clock, under its own type."""
    own = replace(DEMO, case_type=f"stats_e2e_{uuid.uuid4().hex[:8]}", clocks=(PLAIN_DECISION,))
    monkeypatch.setitem(registry._MACHINES, own.case_type, own)
    return own


def generate(machine: Machine, office: str, days: int, ago: int) -> Case:
    """Submitted, then accepted ``days`` calendar days later, ``ago`` days before today
    (at noon UTC: the same calendar day in Casablanca whatever its offset)."""
    decided_at = datetime.combine(datetime.now(UTC).date() - timedelta(days=ago), time(12), UTC)
    submitted_at = decided_at - timedelta(days=days)
    case = lifecycle.open_case(
        machine, OWNER.subject, office, Contact(), {"summary": "s"}, OWNER, submitted_at
    )
    lifecycle.act(machine, case, "submit", OWNER, {}, at=submitted_at)
    staff = Actor("officer-stats-e2e", frozenset({"equivalence_officer"}), office)
    lifecycle.act(machine, lifecycle.load(case.id), "accept", staff, {}, at=decided_at)
    return case


def deliver(cases: list[Case]) -> None:
    """As Lambda would: a DynamoDB stream event to the app's handler."""
    app_module.cases_stream({"Records": stream_records(cases)}, FakeContext())


def get(client: Any, query: str) -> Any:
    return client.http.get(f"{PATH}?{query}", headers={"Accept-Language": "en"})


def test_published_figures_match_the_generated_cases(client: Any, machine: Machine) -> None:
    cases = [
        generate(machine, office, days, ago=1 + i)
        for office, durations in DURATIONS.items()
        for i, days in enumerate(durations)
    ]
    deliver(cases)
    deliver(cases)  # a redelivered batch counts nothing twice

    answer = get(client, f"service={machine.case_type}&office=E2E-1")
    assert answer.status_code == 200, answer.body
    assert answer.headers["Cache-Control"] == "public, max-age=300"
    body = answer.json_body
    today = rules.local_day(datetime.now(UTC))
    window = rules.window(today)
    assert body["window"] == {
        "start": window.start.isoformat(),
        "end": today.isoformat(),
        "months": list(window.months),
    }
    assert len(body["window"]["months"]) == 4
    figures = ("decided", "median_days", "p90_days", "within_legal_time")
    # 2 2 5 9 14 30 61 75: median rank 4, p90 rank 8; 6 within 60 days
    assert [body[k] for k in figures] == [8, 9, 75, 6]
    assert body["within_legal_time_share"] == 0.75
    assert body["office"] == "E2E-1" and body["legal_days"] == 60

    # 0 and 121 days: more than 120 is reported as 121
    assert [
        get(client, f"service={machine.case_type}&office=E2E-2").json_body[k] for k in figures
    ] == [2, 0, 121, 1]

    # every office: 0 2 2 5 9 14 30 61 75 121 -> median rank 5, p90 rank 9
    everyone = get(client, f"service={machine.case_type}").json_body
    assert [everyone[k] for k in figures] == [10, 9, 75, 7]
    assert everyone["within_legal_time_share"] == 0.7 and everyone["office"] is None

    nothing = get(client, f"service={machine.case_type}&office=ELSEWHERE").json_body
    assert [nothing[k] for k in figures] == [0, None, None, 0]
    assert nothing["within_legal_time_share"] is None


def test_bad_requests_name_the_field_and_an_unknown_service_is_404(client: Any) -> None:
    missing = get(client, "office=E2E-1")
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json_body["errors"]] == ["query.service"]
    bad_office = get(client, "service=demo&office=*")
    assert bad_office.status_code == 422
    assert [e["field"] for e in bad_office.json_body["errors"]] == ["query.office"]
    unknown = get(client, "service=no_such_service")
    assert unknown.status_code == 404
    assert unknown.headers["Content-Type"] == "application/problem+json"


def test_the_route_is_public_and_in_the_openapi_document(client: Any) -> None:
    document = client.http.get("/openapi.json").json_body
    operation = document["paths"][PATH]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"service", "office"}
    assert not operation.get("security")
