"""A stamp's moves in the audit trail (``GET /audit?case=<stamp id>``, verified chain) and
the buyer's notices on payment and refund, sent through the shared outbox."""

from __future__ import annotations

import json
from typing import Any

from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from chalicelib.audit.chain import TRANSITIONS
from chalicelib.audit.verify import check_chain
from chalicelib.store import audit
from chalicelib.store import outbox as outbox_store
from chalicelib.store.etimbre import reads
from scripts.local_events import Pump
from scripts.standins.payment_gateway import StandInGateway
from tests.e2e.etimbre.helpers import buy, headers, session_of
from tests.support.contacts import verified


def test_purchase_payment_and_use_are_three_linked_records_of_the_stamp(
    http: Any, token: Any, gateway: StandInGateway
) -> None:
    citizen = token("citizen", sub="etimbre-audit-1")
    agent = token("consular_agent", office="FR-PAR", sub="agent-audit-1")
    stamp = buy(http, citizen, "audit-1").json_body
    [(status, answer)] = gateway.pay(session_of(stamp), "success")
    assert status == 200, answer
    used = http.post(
        f"/etimbre/stamps/{answer['number']}/consume",
        headers=headers(agent),
        body=json.dumps({"service": "passport"}),
    )
    assert used.status_code == 200, used.body
    trail = http.get(f"/audit?case={stamp['id']}", headers=headers(token("admin")))
    assert trail.status_code == 200, trail.body
    actions = [(e["action"], e["role"]) for e in trail.json_body["items"]]  # newest first
    assert actions == [
        ("transition:used", "consular_agent"),
        ("transition:paid", "system"),
        ("transition:sold", "citizen"),
    ]
    links = [audit.link_of(r) for r in audit.chain_of(stamp["id"], TRANSITIONS)]
    held = reads.get(stamp["id"])
    assert held is not None and check_chain(links, held.audit_head) == []
    assert [link.prev for link in links[1:]] == [link.hash for link in links[:-1]]


def test_the_buyer_is_told_of_the_payment_and_of_the_refund(
    http: Any, token: Any, gateway: StandInGateway, pump: Pump, stack: Any
) -> None:
    """E-mail from the token, phone (a confirmed one) and language from the body; each notice
    written with its move, in the stamp's outbox, and sent once by the cases stream, with the
    public check's absolute URL (the stack's public base URL), never a bare path."""
    citizen = token("citizen", sub="etimbre-notify-1", extra={"email": "buyer@example.ma"})
    verified(http, citizen, "phone", "+212600000001")  # confirmed with a code beforehand
    contact = {"phone": "+212600000001", "language": "en"}
    stamp = buy(http, citizen, "notify-1", service="cnie", contact=contact).json_body
    [(status, answer)] = gateway.pay(session_of(stamp), "success")
    assert status == 200, answer
    number = answer["number"]
    refunded = http.post(
        f"/etimbre/stamps/{number}/refund",
        headers=headers(token("consular_agent", office="FR-PAR")),
        body=json.dumps({"reason": "service not delivered"}),
    )
    assert refunded.status_code == 200, refunded.body
    queued = {
        (m.template, m.channel, m.recipient, m.language) for m in outbox_store.of_case(stamp["id"])
    }
    assert queued == {
        ("etimbre_paid", "email", "buyer@example.ma", "en"),
        ("etimbre_paid", "sms", "+212600000001", "en"),
        ("etimbre_refunded", "email", "buyer@example.ma", "en"),
        ("etimbre_refunded", "sms", "+212600000001", "en"),
    }
    pump.drain()
    pump.drain()
    mails = [
        m for m in ses_backends["123456789012"]["eu-west-3"].sent_messages if number in m.subject
    ]
    assert sorted(m.subject for m in mails) == [
        f"eTimbre {number}: payment received",
        f"eTimbre {number}: refunded",
    ]
    check = f"{stack.env['PUBLIC_BASE_URL']}/public/stamps/{number}"
    assert check.startswith("http://127.0.0.1:")
    for mail in mails:  # moto keeps the HTML part
        assert f'Check it, no sign-in needed: <a href="{check}"><bdi>{check}</bdi></a>' in str(
            mail.body
        )
    texts = [t for _, t in sns_backends["123456789012"]["eu-west-3"].sms_messages.values()]
    assert sum(number in t for t in texts) == 2
    assert f"Check: {check}" in next(t for t in texts if number in t and "paid" in t)
    assert {m.status for m in outbox_store.of_case(stamp["id"])} == {"sent"}
