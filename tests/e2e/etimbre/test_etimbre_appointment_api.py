"""An online purchase paid and used at an appointment: the consular check-in consumes the
stamp in its own transaction (``consume_also``); the same stamp cannot pay twice."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from scripts.standins.payment_gateway import StandInGateway
from tests.e2e.consular.test_consular_journeys import upload_checklist
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


def _request(stamp: str, service: str = "passport") -> dict[str, Any]:
    return {
        "consulate": CONSULATE,
        "service": service,
        "contact": {"language": "fr"},  # the token's verified e-mail and phone
        "stamp": stamp,
    }


def validated_with(http: Any, citizen: str, agent: str, stamp: str) -> str:
    created = call(http, "POST", "/consular/appointment-requests", citizen, _request(stamp))
    assert created.status_code == 201, created.body
    case_id = str(created.json_body["id"])
    upload_checklist(SimpleNamespace(http=http), citizen, case_id)
    validated = call(http, "POST", f"/consular/appointment-requests/{case_id}/validate", agent, {})
    assert validated.status_code == 200, validated.body
    return case_id


def booked_with(
    http: Any, citizen: str, agent: str, stamp: str, first: date, case_id: str = ""
) -> dict[str, Any]:
    case_id = case_id or validated_with(http, citizen, agent, stamp)
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

    # Two requests name the same paid stamp; the first check-in uses it.
    first = booked_with(http, citizen, agent, number, date.today() + timedelta(days=3))
    other = validated_with(http, citizen, agent, number)
    start = datetime.fromisoformat(first["payload"]["slot"])
    clock(start - timedelta(minutes=10))
    checked_in = call(http, "POST", f"/consular/appointment-requests/{first['id']}/check-in", agent)
    assert checked_in.status_code == 200, checked_in.body
    assert checked_in.json_body["state"] == "checked_in"
    used = call(http, "GET", f"/etimbre/stamps/{number}", citizen).json_body
    assert used["state"] == "used" and used["used_consulate"] == CONSULATE
    assert http.get(f"/public/stamps/{number}").json_body["status"] == "used"

    # The same stamp on the other appointment: the check-in is refused and nothing moves.
    clock(datetime.now(UTC))
    second = booked_with(http, citizen, agent, number, date.today() + timedelta(days=6), other)
    clock(datetime.fromisoformat(second["payload"]["slot"]) - timedelta(minutes=10))
    refused = call(http, "POST", f"/consular/appointment-requests/{second['id']}/check-in", agent)
    assert refused.status_code == 409
    assert refused.json_body["type"] == "urn:khidmat:problem:etimbre-stamp-unusable"
    again = call(http, "GET", f"/cases/{second['id']}", citizen)
    assert again.json_body["state"] == "booked"
    # A used stamp is refused at once by a new request.
    late = call(http, "POST", "/consular/appointment-requests", citizen, _request(number))
    assert late.status_code == 422 and late.json_body["errors"][0]["field"] == "body.stamp"
    auditor = token("treasury_auditor")
    report = http.get(
        f"/etimbre/reconciliation?date={stamp['created_at'][:10]}&consulate={CONSULATE}",
        headers=headers(auditor),
    ).json_body
    assert {(r["state"], r["count"]) for r in report["rows"]} == {("used", 1)}


def test_another_citizen_s_paid_stamp_cannot_pay_for_my_appointment(
    http: Any, token: Any, gateway: StandInGateway
) -> None:
    """A stamp named in a request is the applicant's own, paid, for that service at that
    consulate; someone else's reads like an unknown number and nothing is created."""
    owner = token("citizen", sub="etimbre-stamp-owner", acr="cnie")
    thief = token("citizen", sub="etimbre-stamp-thief", acr="cnie")
    stamp = buy(http, owner, "owned-stamp", consulate=CONSULATE).json_body
    [(_, paid)] = gateway.pay(session_of(stamp), "success")
    number = paid["number"]
    stolen = call(http, "POST", "/consular/appointment-requests", thief, _request(number))
    assert stolen.status_code == 422
    assert (
        stolen.json_body["errors"]
        == [
            {
                "field": "body.stamp",
                "message": "no stamp of yours has this number",
                "code": "invalid",
            }
        ]
        or stolen.json_body["errors"][0]["message"] == "no stamp of yours has this number"
    )
    mine = call(http, "GET", "/me/cases", thief).json_body["items"]
    assert not [c for c in mine if c["case_type"] == "consular_appointment"]
    wrong_service = call(
        http, "POST", "/consular/appointment-requests", owner, _request(number, "cnie")
    )
    assert wrong_service.status_code == 422
    assert "pays for passport" in wrong_service.json_body["errors"][0]["message"]
    honest = call(http, "POST", "/consular/appointment-requests", owner, _request(number))
    assert honest.status_code == 201, honest.body
    still = call(http, "GET", f"/etimbre/stamps/{number}", owner).json_body
    assert still["state"] == "paid"  # naming a stamp never spends it


def paid_number(http: Any, gateway: StandInGateway, citizen: str, key: str, **more: Any) -> str:
    bought = buy(http, citizen, key, consulate=CONSULATE, **more)
    assert bought.status_code == 201, bought.body
    [(_, paid)] = gateway.pay(session_of(bought.json_body), "success")
    assert "number" in paid, paid
    return str(paid["number"])


def test_a_refused_stamp_is_not_a_dead_end_another_one_is_attached_before_the_visit(
    http: Any, token: Any, gateway: StandInGateway, clock: Any
) -> None:
    """A request whose stamp cannot pay any more (here refunded) gets another one before
    the visit, checked exactly as at creation, and the check-in spends the one attached."""
    citizen = token("citizen", sub="etimbre-rdv-switch", acr="cnie")
    neighbour = token("citizen", sub="etimbre-rdv-neighbour", acr="cnie")
    agent = token("consular_agent", office=CONSULATE, sub="agent-bru")
    path = f"/consular/consulates/{CONSULATE}/calendar"
    assert call(http, "PUT", path, agent, CALENDAR).status_code == 200
    first = paid_number(http, gateway, citizen, "switch-first")
    booked = booked_with(http, citizen, agent, first, date.today() + timedelta(days=9))
    case_id, start = booked["id"], datetime.fromisoformat(booked["payload"]["slot"])
    refund = {"reason": "paid twice by mistake"}
    refunded = call(http, "POST", f"/etimbre/stamps/{first}/refund", agent, refund)
    assert refunded.status_code == 200, refunded.body

    clock(start - timedelta(minutes=10))
    check_in = f"/consular/appointment-requests/{case_id}/check-in"
    stuck = call(http, "POST", check_in, agent)
    assert stuck.status_code == 409
    assert call(http, "GET", f"/cases/{case_id}", citizen).json_body["state"] == "booked"
    clock(datetime.now(UTC))  # the payments below are signed with the real time

    # Another stamp, checked as at creation: the citizen's own, paid, for that service here.
    attach = f"/consular/appointment-requests/{case_id}/stamp"
    theirs = paid_number(http, gateway, neighbour, "switch-neighbour")
    stolen = call(http, "PUT", attach, citizen, {"stamp": theirs})
    assert stolen.status_code == 422 and stolen.json_body["errors"][0]["field"] == "body.stamp"
    cnie = paid_number(http, gateway, citizen, "switch-cnie", service="cnie")
    wrong = call(http, "PUT", attach, citizen, {"stamp": cnie})
    assert wrong.status_code == 422 and "pays for cnie" in wrong.json_body["errors"][0]["message"]
    assert call(http, "PUT", attach, neighbour, {"stamp": theirs}).status_code == 404
    second = paid_number(http, gateway, citizen, "switch-second")
    attached = call(http, "PUT", attach, citizen, {"stamp": second})
    assert attached.status_code == 200, attached.body
    assert attached.json_body["payload"]["stamp"] == second
    again = call(http, "PUT", attach, citizen, {"stamp": second})  # a retry changes nothing
    assert again.status_code == 200 and again.json_body["version"] == attached.json_body["version"]
    history = call(http, "GET", f"/cases/{case_id}", citizen).json_body["history"]
    [entry] = [h for h in history if h["event"] == "stamp_attached"]
    assert entry["data"] == {"stamp": second, "replaced": first}

    clock(start - timedelta(minutes=5))
    checked_in = call(http, "POST", check_in, agent)
    assert checked_in.status_code == 200, checked_in.body
    assert checked_in.json_body["state"] == "checked_in"
    used = call(http, "GET", f"/etimbre/stamps/{second}", citizen).json_body
    assert used["state"] == "used" and used["used_consulate"] == CONSULATE
    assert call(http, "GET", f"/etimbre/stamps/{first}", citizen).json_body["state"] == "refunded"
    late = call(http, "PUT", attach, citizen, {"stamp": first})
    assert late.status_code == 409
