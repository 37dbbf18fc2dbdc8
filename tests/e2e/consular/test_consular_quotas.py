"""What a script could do with a validated request, bounded: slot listings a minute, and
changes of one booking (a rest after each, a few a day). Refused attempts cost nothing."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib import clock
from chalicelib.api import quotas
from tests.e2e.consular.test_consular_followups import book, move
from tests.e2e.consular.test_consular_journeys import (
    CALENDAR,
    call,
    citizen,
    put_calendar,
    slots,
    validated_request,
)


def test_slot_listings_have_a_quota_a_minute(
    client: Any, token: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(quotas.QUOTAS, "consular-slots", quotas.Quota(3, quotas.MINUTE, "t"))
    assert put_calendar(client, token, CALENDAR).status_code == 200
    validated_request(client, token, "rdv-lister")
    for _ in range(3):
        slots(client, token, "rdv-lister", date.today() + timedelta(days=50))
    url = (
        f"/consular/consulates/FR-PAR/slots?service=passport&from={date.today()}&to={date.today()}"
    )
    refused = call(client, "GET", url, citizen(token, "rdv-lister"))
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    validated_request(client, token, "rdv-other-lister")
    assert slots(client, token, "rdv-other-lister", date.today() + timedelta(days=50))


def test_a_booking_changes_a_few_times_a_day_with_a_rest_after_each(
    client: Any, token: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Noon of tomorrow (UTC): the day's window must not turn while the clock moves on.
    moment = [(time.time() // 86400 + 1) * 86400 + 12 * 3600]
    monkeypatch.setattr(clock, "now", lambda: datetime.fromtimestamp(moment[0], UTC))
    assert put_calendar(client, token, CALENDAR).status_code == 200
    mine = validated_request(client, token, "rdv-juggler")
    free = [f["slot"] for f in slots(client, token, "rdv-juggler", date.today() + timedelta(50))]
    assert book(client, token, "rdv-juggler", mine, free[0]).status_code == 200
    allowed = quotas.QUOTAS["consular-booking-change"].allowed
    for n in range(1, allowed + 1):
        assert move(client, token, "rdv-juggler", mine, free[n]).status_code == 200
        rested = move(client, token, "rdv-juggler", mine, free[n + 1])
        assert rested.status_code == 429  # the rest after a change
        moment[0] += 5 * 60 + 1
    refused = move(client, token, "rdv-juggler", mine, free[allowed + 1])
    assert refused.status_code == 429  # the day's changes are spent
    assert "day" in refused.json_body["detail"]
    # The booking itself stands: the citizen is not left without an appointment.
    view = call(
        client, "GET", f"/consular/appointment-requests/{mine}", citizen(token, "rdv-juggler")
    )
    assert view.json_body["state"] == "booked"


def test_an_account_holds_a_few_open_requests_at_a_consulate(client: Any, token: Any) -> None:
    """A queue's worth of requests from one account would take the agents' time from
    everyone else: a family's few are open at once, the next waits until one ends."""
    allowed = quotas.OPEN_LIMITS["consular-open-requests"].allowed
    owner = citizen(token, f"rdv-hoarder-{uuid.uuid4().hex[:6]}")
    body = {"consulate": "FR-PAR", "service": "passport"}
    opened = [
        call(client, "POST", "/consular/appointment-requests", owner, body) for _ in range(allowed)
    ]
    assert [o.status_code for o in opened] == [201] * allowed
    refused = call(client, "POST", "/consular/appointment-requests", owner, body)
    assert refused.status_code == 409, refused.body
    assert len(refused.json_body["open"]) == allowed
    # Another consulate is another queue; and withdrawing one frees a place here.
    elsewhere = {"consulate": "ES-MAD", "service": "passport"}
    assert (
        call(client, "POST", "/consular/appointment-requests", owner, elsewhere).status_code == 201
    )
    first = opened[0].json_body["id"]
    withdrawn = call(client, "POST", f"/consular/appointment-requests/{first}/withdraw", owner, {})
    assert withdrawn.status_code == 200, withdrawn.body
    assert call(client, "POST", "/consular/appointment-requests", owner, body).status_code == 201
