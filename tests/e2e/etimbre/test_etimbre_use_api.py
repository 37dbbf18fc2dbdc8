"""Using, refunding and expiring stamps through HTTP, on the real timer; a late callback."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from scripts.local_events import Pump
from scripts.standins.payment_gateway import StandInGateway
from tests.e2e.etimbre.helpers import buy, headers, session_of


def paid_stamp(http: Any, citizen: str, gateway: StandInGateway, key: str, **more: str) -> str:
    stamp = buy(http, citizen, key, **more).json_body
    [(status, answer)] = gateway.pay(session_of(stamp), "success")
    assert status == 200, answer
    return str(answer["number"])


def consume(
    http: Any, agent: str, number: str, service: str = "passport", case_id: str = ""
) -> Any:
    body = {"service": service, **({"case_id": case_id} if case_id else {})}
    return http.post(
        f"/etimbre/stamps/{number}/consume", headers=headers(agent), body=json.dumps(body)
    )


def refund(http: Any, agent: str, number: str) -> Any:
    return http.post(
        f"/etimbre/stamps/{number}/refund",
        headers=headers(agent),
        body=json.dumps({"reason": "service not delivered"}),
    )


def public(http: Any, number: str) -> str:
    return str(http.get(f"/public/stamps/{number}").json_body["status"])


def test_a_stamp_is_used_once_and_only_for_its_service(
    http: Any, token: Any, gateway: StandInGateway
) -> None:
    citizen = token("citizen", sub="etimbre-user-1")
    agent = token("consular_agent", office="FR-PAR", sub="agent-par-1")
    number = paid_stamp(http, citizen, gateway, "use-1")
    elsewhere = consume(http, token("consular_agent", office="FR-LYO"), number)
    assert elsewhere.status_code == 404  # another consulate's stamp
    other_service = consume(http, agent, number, service="cnie")
    assert other_service.status_code == 409
    assert other_service.json_body["type"] == "urn:khidmat:problem:etimbre-stamp-unusable"
    used = consume(http, agent, number)
    assert used.status_code == 200, used.body
    assert used.json_body["state"] == "used" and used.json_body["used_consulate"] == "FR-PAR"
    again = consume(http, agent, number)
    assert again.status_code == 409 and "already used" in again.json_body["detail"]
    assert public(http, number) == "used"
    assert refund(http, token("consular_agent", office="FR-PAR"), number).status_code == 409


def test_a_refund_happens_once_whatever_the_retries(
    http: Any, token: Any, gateway: StandInGateway
) -> None:
    citizen = token("citizen", sub="etimbre-user-2")
    agent = token("consular_agent", office="FR-PAR", sub="agent-par")
    number = paid_stamp(http, citizen, gateway, "refund-1", service="civil_status")
    elsewhere = refund(http, token("consular_agent", office="IT-MIL"), number)
    assert elsewhere.status_code == 404  # sold elsewhere: not this consulate's to refund
    calls_before = gateway.refund_calls
    first = refund(http, agent, number)
    assert first.status_code == 200 and first.json_body["state"] == "refunded"
    second = refund(http, agent, number)
    assert second.status_code == 200 and second.json_body["state"] == "refunded"
    assert gateway.refund_calls == calls_before + 1
    assert consume(http, agent, number, service="civil_status").status_code == 409
    assert public(http, number) == "refunded"
    short = http.post(
        f"/etimbre/stamps/{number}/refund", headers=headers(agent), body=json.dumps({})
    )
    assert short.status_code == 400 or short.status_code == 422
    assert short.json_body["errors"][0]["field"] == "body.reason"


def test_an_unpaid_stamp_expires_on_its_timer_and_a_late_payment_goes_back(
    http: Any, token: Any, gateway: StandInGateway, pump: Pump, clock: Any
) -> None:
    citizen = token("citizen", sub="etimbre-user-3")
    # Bought 31 minutes ago: its 30-minute payment window has closed.
    clock(datetime.now(UTC) - timedelta(minutes=31))
    stamp = buy(http, citizen, "expiry-1", service="power_of_attorney").json_body
    assert gateway.pay(session_of(stamp), "success", late=True) == []  # the payer is slow
    clock(datetime.now(UTC))
    deadline = time.monotonic() + 20
    state = "pending"
    while state == "pending" and time.monotonic() < deadline:
        pump.drain()  # the stream starts the timer; the timer queue brings its callback
        state = http.get(f"/etimbre/stamps/{stamp['id']}", headers=headers(citizen)).json_body[
            "state"
        ]
        time.sleep(0.5)
    assert state == "expired"
    # The payment arrives after the stamp expired: no stamp, the money goes back, flagged.
    [(status, answer)] = gateway.release()
    assert (status, answer["outcome"]) == (200, "late")
    assert stamp["id"] in gateway.refunds
    view = http.get(f"/etimbre/stamps/{stamp['id']}", headers=headers(citizen)).json_body
    assert view["state"] == "expired" and view["number"] is None
    auditor = token("treasury_auditor")
    report = http.get(
        f"/etimbre/reconciliation?date={datetime.now(UTC).date()}", headers=headers(auditor)
    ).json_body
    assert any(
        f["stamp_id"] == stamp["id"] and f["kind"] == "paid_after_expiry" for f in report["flags"]
    )


def test_a_use_is_recorded_only_against_an_appointment_of_the_agent_s_consulate(
    http: Any, token: Any, gateway: StandInGateway
) -> None:
    """The case a counter use names is a file of the agent's own consulate: never another
    consulate's, never an id that names nothing."""
    citizen = token("citizen", sub="etimbre-user-case", acr="cnie")
    agent = token("consular_agent", office="FR-PAR", sub="agent-par-case")
    number = paid_stamp(http, citizen, gateway, "use-case")
    body = {"consulate": "ES-MAD", "service": "passport", "contact": {"language": "fr"}}
    madrid = http.post(
        "/consular/appointment-requests", headers=headers(citizen), body=json.dumps(body)
    ).json_body["id"]
    for case_id in (madrid, "no-such-appointment"):
        refused = consume(http, agent, number, case_id=case_id)
        assert refused.status_code == 422, refused.body
        assert refused.json_body["errors"][0]["field"] == "body.case_id"
    assert public(http, number) == "valid"  # nothing was used
    paris = {**body, "consulate": "FR-PAR"}
    own = http.post(
        "/consular/appointment-requests", headers=headers(citizen), body=json.dumps(paris)
    ).json_body["id"]
    assert consume(http, agent, number, case_id=own).status_code == 200
