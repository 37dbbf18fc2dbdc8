"""The consulate's decision clock (law 55.19) on an appointment request, through HTTP with
real tokens: it starts when the citizen asks, pauses while the consulate waits for documents
it asked for (GET /cases/{id} and the receipt show since when, no due date, the days used),
runs again when the citizen says they are attached (the due date moved by the days paused),
and stops when the consulate validates the request."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib import clock
from tests.e2e.consular.test_consular_journeys import upload_checklist
from tests.support.clock_watch import ClockWatch, journey

REQUESTS = "/consular/appointment-requests"


@pytest.fixture
def set_now(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    moment = [datetime.now(UTC)]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    return lambda at: moment.__setitem__(0, at)


def post(client: Any, path: str, token: str, body: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return client.http.post(path, headers=headers, body=json.dumps(body))


def test_the_validation_clock_pauses_for_documents_and_stops_at_the_validation(
    client: Any, token: Any, stack: Any, set_now: Callable[[datetime], None]
) -> None:
    citizen = token("citizen", sub="rdv-clock", acr="cnie")
    agent = token("consular_agent", office="FR-PAR", sub="agent-FR-PAR")
    found: dict[str, str] = {}

    def ask_for_a_slot(at: datetime) -> ClockWatch:
        body = {
            "consulate": "FR-PAR",
            "service": "passport",
            "contact": {"language": "fr"},
        }
        created = post(client, REQUESTS, citizen, body)
        assert created.status_code == 201, created.body
        found["id"] = created.json_body["id"]
        return ClockWatch(client, citizen, found["id"], at)

    def path(action: str) -> str:
        return f"{REQUESTS}/{found['id']}/{action}"

    def ask() -> Any:
        return post(client, path("request-documents"), agent, {"reason": "Photo d'identité"})

    def answer() -> Any:
        upload_checklist(client, citizen, found["id"])  # what the consulate needs to validate
        return post(client, path("complete"), citizen, {})

    def validate() -> Any:
        return post(client, path("validate"), agent, {})

    journey(ask_for_a_slot, set_now, ask, answer, validate, decided_by="validate")
