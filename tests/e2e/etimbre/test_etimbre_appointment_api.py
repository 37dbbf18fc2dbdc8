"""An online purchase paid and used at an appointment: the consular check-in consumes the
stamp in its own transaction (``consume_also``); the same stamp cannot pay twice."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from scripts.standins.payment_gateway import StandInGateway
from tests.e2e.etimbre.helpers import buy, headers, session_of

CONSULATE = "BE-BRU"  # no other test books here
CALENDAR = {
    "hours": {str(d): [{"start": "09:00", "end": "11:00"}] for d in range(5)},
    "counters": {"passport": 2},
    "closed": [],
}


def call(http: Any, method: str, path: str, token: str, body: Any = None) -> Any:
    return http.request(
        method, path, headers=headers(token), body=None if body is None else json.dumps(body)
    )


def booked_with(http: Any, citizen: str, agent: str, stamp: str, first: date) -> dict[str, Any]:
    body = {
        "consulate": CONSULATE,
        "service": "passport",
        "contact": {"email": "etimbre-rdv@demo.invalid", "language": "fr"},
        "stamp": stamp,
    }
    created = call(http, "POST", "/consular/appointment-requests", citizen, body)
    assert created.status_code == 201, created.body
    case_id = created.json_body["id"]
    validated = call(http, "POST", f"/consular/appointment-requests/{case_id}/validate", agent, {})
    assert validated.status_code == 200, validated.body
    url = (
        f"/consular/consulates/{CONSULATE}/slots?service=passport&from={first.isoformat()}"
        f"&to={(first + timedelta(days=10)).isoformat()}"
    )
    free = call(http, "GET", url, citizen).json_body["items"]
    booked = call(
        http,
        "POST",
        f"/consular/appointment-requests/{case_id}/booking",
        citizen,
        {"slot": free[0]["slot"]},
    )
    assert booked.status_code == 200, booked.body
    return dict(booked.json_body)


def test_a_stamp_bought_online_pays_for_an_appointment_once(
    http: Any, token: Any, gateway: StandInGateway, clock: Any
) -> None:
    citizen = token("citizen", sub="etimbre-rdv-citizen", acr="cnie")
    agent = token("consular_agent", office=CONSULATE, sub="agent-bru")
    assert (
        call(http, "PUT", f"/consular/consulates/{CONSULATE}/calendar", agent, CALENDAR).status_code
        == 200
    )
    stamp = buy(http, citizen, "rdv-stamp", consulate=CONSULATE).json_body
    [(_, paid)] = gateway.pay(session_of(stamp), "success")
    number = paid["number"]

    first = booked_with(http, citizen, agent, number, date.today() + timedelta(days=3))
    start = datetime.fromisoformat(first["payload"]["slot"])
    clock(start - timedelta(minutes=10))
    checked_in = call(http, "POST", f"/consular/appointment-requests/{first['id']}/check-in", agent)
    assert checked_in.status_code == 200, checked_in.body
    assert checked_in.json_body["state"] == "checked_in"
    used = call(http, "GET", f"/etimbre/stamps/{number}", citizen).json_body
    assert used["state"] == "used" and used["used_consulate"] == CONSULATE
    assert http.get(f"/public/stamps/{number}").json_body["status"] == "used"

    # The same stamp on another appointment: the check-in is refused and nothing moves.
    clock(datetime.now(UTC))
    second = booked_with(http, citizen, agent, number, date.today() + timedelta(days=6))
    clock(datetime.fromisoformat(second["payload"]["slot"]) - timedelta(minutes=10))
    refused = call(http, "POST", f"/consular/appointment-requests/{second['id']}/check-in", agent)
    assert refused.status_code == 409
    assert refused.json_body["type"] == "urn:khidmat:problem:etimbre-stamp-unusable"
    again = call(http, "GET", f"/cases/{second['id']}", citizen)
    assert again.json_body["state"] == "booked"
    auditor = token("treasury_auditor")
    report = http.get(
        f"/etimbre/reconciliation?date={stamp['created_at'][:10]}&consulate={CONSULATE}",
        headers=headers(auditor),
    ).json_body
    assert {(r["state"], r["count"]) for r in report["rows"]} == {("used", 1)}
