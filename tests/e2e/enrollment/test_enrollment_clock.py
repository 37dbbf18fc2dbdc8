"""The pre-registration's decision clock (law 55.19) through HTTP with real tokens: it starts
when the guardian files, pauses while the director waits for a document they asked for
(GET /cases/{id} and the receipt show since when, no due date, the days used), runs again
when the guardian says it is attached (the due date moved by the days paused) and stops at
the director's decision."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib import clock
from tests.support.clock_watch import ClockWatch, journey
from tests.support.route_samples.enrollment import GUARDIAN, application, seed_school


@pytest.fixture
def set_now(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    moment = [datetime.now(UTC)]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    return lambda at: moment.__setitem__(0, at)


def post(client: Any, path: str, token: str, body: Any = None, **extra: str) -> Any:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", **extra}
    return client.http.post(path, headers=headers, body=json.dumps(body or {}))


def test_the_decision_clock_pauses_for_a_document_and_stops_at_the_decision(
    client: Any, token: Any, stack: Any, set_now: Callable[[datetime], None]
) -> None:
    school = f"CLK-{uuid.uuid4().hex[:6].upper()}"
    seed_school(school)
    guardian = token("citizen", sub=f"guardian-{school}", **GUARDIAN)
    director = token("school_director", office=school)
    other_guardian = token("citizen", sub=f"someone-else-{school}", **GUARDIAN)
    found: dict[str, str] = {}

    def file(at: datetime) -> ClockWatch:
        key = {"Idempotency-Key": str(uuid.uuid4())}
        filed = post(client, "/enrollment/applications", guardian, application(school), **key)
        assert filed.status_code == 201, filed.body
        found["id"] = filed.json_body["id"]
        return ClockWatch(client, guardian, found["id"], at)

    def path(action: str) -> str:
        return f"/enrollment/applications/{found['id']}/{action}"

    def ask() -> Any:
        assert post(client, path("request-documents"), director).status_code == 422  # why?
        asked = post(client, path("request-documents"), director, {"reason": "Acte lisible"})
        assert asked.json_body["state"] == "documents_requested", asked.body
        return asked

    def answer() -> Any:
        assert post(client, path("complete"), other_guardian).status_code == 404
        assert post(client, path("approve"), director).status_code == 409  # still owed
        return post(client, path("complete"), guardian, {"reason": "acte joint"})

    def decide() -> Any:
        # the address lies in the sector: only another ground, in words, is possible
        return post(
            client, path("reject"), director, {"reason": "other", "details": "Acte illisible"}
        )

    journey(file, set_now, ask, answer, decide, decided_by="reject")
