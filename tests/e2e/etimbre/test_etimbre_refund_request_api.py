"""A buyer asks for the refund of an unused, paid stamp within its window; an agent of the
stamp's consulate finds it in their queue and refunds it, or refuses with a reason the buyer
is told. Until then the stamp stays valid."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.services.etimbre import domain
from chalicelib.store import outbox
from chalicelib.store.etimbre import reads
from scripts.standins.payment_gateway import StandInGateway
from tests.e2e.etimbre.helpers import headers
from tests.e2e.etimbre.test_etimbre_use_api import consume, paid_stamp, public, refund

QUEUE = "/etimbre/consulates/FR-PAR/refund-requests"


def ask(http: Any, citizen: str, number: str, reason: str = "travel cancelled") -> Any:
    return http.post(
        f"/etimbre/stamps/{number}/refund-request",
        headers=headers(citizen),
        body=json.dumps({"reason": reason}),
    )


def refuse(http: Any, agent: str, number: str, reason: str) -> Any:
    return http.post(
        f"/etimbre/stamps/{number}/refund-refusal",
        headers=headers(agent),
        body=json.dumps({"reason": reason}),
    )


def queued(http: Any, agent: str) -> list[str]:
    answer = http.get(f"{QUEUE}?limit=100", headers=headers(agent))
    assert answer.status_code == 200, answer.body
    return [s["number"] for s in answer.json_body["items"]]


def test_a_buyer_asks_an_agent_refuses_then_refunds(
    http: Any, token: Any, gateway: StandInGateway
) -> None:
    citizen = token("citizen", sub=f"refund-asker-{uuid.uuid4().hex[:6]}")
    agent = token("consular_agent", office="FR-PAR", sub="agent-refunds")
    number = paid_stamp(http, citizen, gateway, f"ask-{uuid.uuid4()}")

    asked = ask(http, citizen, number)
    assert asked.status_code == 200, asked.body
    assert asked.json_body["state"] == "paid" and asked.json_body["refund_asked_at"]
    assert ask(http, citizen, number).status_code == 409  # one request at a time
    assert number in queued(http, agent)
    assert public(http, number) == "valid"  # still usable while the consulate answers

    refused = refuse(http, agent, number, "the passport was delivered")
    assert refused.status_code == 200, refused.body
    view = refused.json_body
    assert view["state"] == "paid" and view["refund_asked_at"] is None
    assert view["refund_refused_reason"] == "the passport was delivered"
    assert number not in queued(http, agent)
    stamp = reads.by_number(number)
    assert stamp is not None
    told = [m for m in outbox.of_case(stamp.stamp_id) if m.template == "etimbre_refund_refused"]
    assert told and told[0].data["reason"] == "the passport was delivered"
    assert refuse(http, agent, number, "again").status_code == 409  # nothing waits now

    # The buyer may ask again; this time the agent grants it by refunding the stamp.
    assert ask(http, citizen, number, "appointment cancelled by the consulate").status_code == 200
    granted = refund(http, agent, number)
    assert granted.status_code == 200 and granted.json_body["state"] == "refunded"
    assert number not in queued(http, agent)
    mine = http.get(f"/etimbre/stamps/{number}", headers=headers(citizen)).json_body
    assert mine["state"] == "refunded"


def test_only_the_buyer_asks_and_only_the_consulate_answers(
    http: Any, token: Any, gateway: StandInGateway
) -> None:
    citizen = token("citizen", sub=f"refund-owner-{uuid.uuid4().hex[:6]}")
    number = paid_stamp(http, citizen, gateway, f"own-{uuid.uuid4()}")
    stranger = token("citizen", sub=f"refund-stranger-{uuid.uuid4().hex[:6]}")
    assert ask(http, stranger, number).status_code == 404
    assert ask(http, citizen, number).status_code == 200
    madrid = token("consular_agent", office="ES-MAD")
    assert refuse(http, madrid, number, "not ours").status_code == 404
    assert http.get(QUEUE, headers=headers(madrid)).status_code in (403, 404)


def test_a_used_stamp_or_one_past_its_window_is_not_asked_for(
    http: Any, token: Any, gateway: StandInGateway, clock: Any
) -> None:
    citizen = token("citizen", sub=f"refund-late-{uuid.uuid4().hex[:6]}")
    agent = token("consular_agent", office="FR-PAR")
    used = paid_stamp(http, citizen, gateway, f"used-{uuid.uuid4()}")
    assert consume(http, agent, used).status_code == 200
    refused = ask(http, citizen, used)
    assert refused.status_code == 409, refused.body
    assert refused.json_body["type"].endswith("etimbre-not-refundable")

    late = paid_stamp(http, citizen, gateway, f"late-{uuid.uuid4()}")
    clock(datetime.now(UTC) + domain.REFUND_WINDOW + timedelta(days=1))
    too_late = ask(http, citizen, late)
    assert too_late.status_code == 409 and "days of the payment" in too_late.json_body["detail"]


def test_a_use_while_a_request_waits_ends_the_request(
    http: Any, token: Any, gateway: StandInGateway
) -> None:
    citizen = token("citizen", sub=f"refund-then-use-{uuid.uuid4().hex[:6]}")
    agent = token("consular_agent", office="FR-PAR")
    number = paid_stamp(http, citizen, gateway, f"then-use-{uuid.uuid4()}")
    assert ask(http, citizen, number).status_code == 200
    assert consume(http, agent, number).status_code == 200  # the citizen came after all
    assert number not in queued(http, agent)
    assert refund(http, agent, number).status_code == 409
