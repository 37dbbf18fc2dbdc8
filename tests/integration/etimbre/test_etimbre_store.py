"""Stamps in moto: a sale, a payment and a use are each one conditional TransactWriteItems
with their aggregate; 50 concurrent uses of one stamp, exactly one wins; the consular
check-in's ``consume_also`` stands or falls with the appointment's transition."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from chalicelib import clock
from chalicelib.api.problems import status_of
from chalicelib.audit.chain import TRANSITIONS
from chalicelib.audit.verify import check_chain
from chalicelib.identity import Principal
from chalicelib.refusals import LostRace, Refusal
from chalicelib.services.etimbre import domain
from chalicelib.services.etimbre.counter import consume, refund
from chalicelib.services.etimbre.fee_payments import consume_also
from chalicelib.services.etimbre.payment import webhook
from chalicelib.services.etimbre.purchase import purchase
from chalicelib.store import audit
from chalicelib.store.binding import bound
from chalicelib.store.etimbre import reads, webhooks
from chalicelib.store.etimbre.exits import consumption, write_alone
from chalicelib.store.etimbre.items import WebhookItem
from chalicelib.workflow import lifecycle, registry
from chalicelib.workflow.case import Contact
from chalicelib.workflow.engine import Actor
from scripts import audit_verify
from scripts.standins.payment_gateway import StandInGateway, use_standin
from tests.support.aws_calls import RECORDER
from tests.support.demo_case import DEMO

BUYER = Principal(
    "etimbre-store-buyer",
    "citizen",
    frozenset({"citizen"}),
    email="buyer@demo.invalid",
    phone="+212611000003",
    email_verified=True,  # the provider vouches for both: no contact of ours to read
    phone_verified=True,
)
AGENT = Principal("etimbre-store-agent", "staff", frozenset({"consular_agent"}), office="NL-AMS")


@pytest.fixture
def gateway(stack: Any) -> StandInGateway:
    def deliver(body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        try:
            result = webhook(body, headers["X-Gateway-Timestamp"], headers["X-Gateway-Signature"])
        except Refusal as problem:
            return status_of(problem), {"type": problem.slug}
        return 200, {"outcome": result.outcome, "number": result.number}

    return use_standin(deliver)


def paid(gateway: StandInGateway, service_code: str = "passport") -> domain.Stamp:
    stamp = purchase(BUYER, service_code, "NL-AMS", "online", "", "fr")
    [(status, answer)] = gateway.pay(stamp.session_id, "success")
    assert status == 200, answer
    found = reads.by_number(answer["number"])
    assert found is not None
    return found


def test_a_sale_and_a_payment_are_one_transaction_each(gateway: StandInGateway) -> None:
    RECORDER.clear()
    stamp = purchase(BUYER, "cnie", "NL-AMS", "online", "", "fr")
    sale = [c for c in RECORDER.of("dynamodb")]
    assert [c.operation for c in sale] == ["TransactWriteItems"]
    written = {
        i["Put"]["Item"]["sk"]["S"].split("#")[0] if "Put" in i else "AGG"
        for i in sale[0].params["TransactItems"]
    }
    # the stamp, its day's row, its expiry timer, the first record of its audit chain (T#1)
    assert written == {"STAMP", "AGG", "TIMER", "T"}
    RECORDER.clear()
    gateway.pay(stamp.session_id, "success")
    operations = [c.operation for c in RECORDER.of("dynamodb")]
    # the sighting, the read, the payment, the answer kept for the gateway's retries
    assert operations == ["PutItem", "GetItem", "TransactWriteItems", "UpdateItem"]


def test_fifty_concurrent_uses_of_one_stamp_exactly_one_wins(gateway: StandInGateway) -> None:
    stamp = paid(gateway)

    def use(n: int) -> str:
        try:
            consume(stamp.number, "passport", AGENT, "")
        except Refusal as problem:
            assert status_of(problem) == 409
            return "refused"
        return "used"

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(use, range(50)))
    assert outcomes.count("used") == 1 and outcomes.count("refused") == 49
    after = reads.get(stamp.stamp_id)
    assert after is not None and after.state == domain.USED
    assert sum(1 for e in after.events if e["event"] == "used") == 1
    [row] = [r for r in reads.aggregates(stamp.day, "NL-AMS") if r.sk == "NL-AMS#passport#online"]
    assert int(row.used_count) >= 1 and int(row.used_cents) == 60000 * int(row.used_count)


def test_check_in_consumes_the_stamp_in_the_same_transaction(gateway: StandInGateway) -> None:
    registry.register(DEMO)
    owner = Actor("etimbre-demo-owner", frozenset({"citizen"}))
    stamp = paid(gateway, "legalisation")
    case = lifecycle.open_case(DEMO, owner.subject, "MEN", Contact(), {"summary": "s"}, owner)
    also = consume_also(
        stamp.number, service="legalisation", consulate="NL-AMS", agent="agent-x", case_id=case.id
    )
    lifecycle.act(DEMO, case, "submit", owner, {}, also=[also])
    used = reads.get(stamp.stamp_id)
    assert used is not None and used.state == domain.USED and used.used_case_id == case.id
    # A second appointment with the same stamp: refused before it writes anything...
    second = lifecycle.open_case(DEMO, owner.subject, "MEN", Contact(), {"summary": "t"}, owner)
    with pytest.raises(Refusal) as refused:
        consume_also(
            stamp.number, service="legalisation", consulate="NL-AMS", agent="a", case_id=second.id
        )
    assert status_of(refused.value) == 409
    # ...and if the stamp goes in between, the whole transition fails and names the stamp.
    fresh = paid(gateway, "legalisation")
    late_also = consume_also(
        fresh.number, service="legalisation", consulate="NL-AMS", agent="a", case_id=second.id
    )
    consume(fresh.number, "legalisation", AGENT, "")
    with pytest.raises(LostRace) as conflict:
        lifecycle.act(DEMO, second, "submit", owner, {}, also=[late_also])
    assert "stamp" in conflict.value.failed
    assert lifecycle.load(second.id).state == "draft"


def test_a_payment_for_an_unknown_reference_changes_nothing(gateway: StandInGateway) -> None:
    body, signed = gateway.signed(
        {"type": "payment.succeeded", "reference": "0" * 32, "amount": "1", "currency": "MAD"}
    )
    result = webhook(body, signed["X-Gateway-Timestamp"], signed["X-Gateway-Signature"])
    assert result.outcome == "unknown"
    assert json.loads(body)["reference"] == "0" * 32


def test_a_refund_interrupted_by_the_gateway_is_finished_by_the_retry(
    gateway: StandInGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.services.etimbre import gateway as adapter

    stamp = paid(gateway, "power_of_attorney")
    real_refund = adapter.refund

    def down(*args: Any) -> str:
        raise adapter.GatewayUnavailable("timeout")

    monkeypatch.setattr(adapter, "refund", down)
    with pytest.raises(Refusal) as unavailable:
        refund(stamp.number, "wrong service bought", AGENT)
    assert status_of(unavailable.value) == 502
    held = reads.get(stamp.stamp_id)
    assert held is not None and held.state == domain.REFUND_PENDING
    with pytest.raises(Refusal) as no_use:  # on hold: it cannot be used meanwhile
        consume(stamp.number, "power_of_attorney", AGENT, "")
    assert status_of(no_use.value) == 409
    monkeypatch.setattr(adapter, "refund", real_refund)
    done = refund(stamp.number, "wrong service bought", AGENT)
    assert done.state == domain.REFUNDED
    assert refund(stamp.number, "again", AGENT).state == domain.REFUNDED
    assert list(gateway.refunds).count(stamp.stamp_id) == 1


def test_each_move_of_a_stamp_is_chained_in_the_audit_trail(gateway: StandInGateway) -> None:
    """Sold, paid, used: three records of the stamp's own chain, linked and verified, each
    written in its move's transaction; the stamp's audit head is the last one's hash."""
    stamp = paid(gateway)
    consume(stamp.number, "passport", AGENT, "")
    links = [audit.link_of(r) for r in audit.chain_of(stamp.stamp_id, TRANSITIONS)]
    assert [link.action for link in links] == [
        "transition:sold",
        "transition:paid",
        "transition:used",
    ]
    assert [link.seq for link in links] == [1, 2, 3]
    assert links[1].prev == links[0].hash and links[2].prev == links[1].hash
    assert (links[2].actor, links[2].role, links[2].office) == (
        AGENT.subject,
        "consular_agent",
        "NL-AMS",
    )
    used = reads.get(stamp.stamp_id)
    assert used is not None and used.audit_head == links[-1].hash
    assert check_chain(links, used.audit_head) == []


def test_the_verifier_names_a_stamps_deleted_last_move_by_its_head(
    stack: Any, gateway: StandInGateway
) -> None:
    """The chain alone cannot show its last record gone; the head the stamp keeps does."""
    stamp = paid(gateway)
    consume(stamp.number, "passport", AGENT, "")
    boto3.client("dynamodb").delete_item(
        TableName=stack.env["AUDIT_TABLE"],
        Key={"pk": {"S": f"CASE#{stamp.stamp_id}"}, "sk": {"S": "T#000003"}},
    )
    links = [audit.link_of(r) for r in audit.chain_of(stamp.stamp_id, TRANSITIONS)]
    assert check_chain(links) == []  # two records, still linked: no finding without the head
    findings = audit_verify.verify(datetime.now(UTC).date()).findings
    named = [(f.what, f.sk) for f in findings if f.pk == f"CASE#{stamp.stamp_id}"]
    assert named == [("head", "T#000002")]


def test_a_move_from_a_stale_copy_fails_and_writes_nothing(gateway: StandInGateway) -> None:
    """A flag moved the head: a use computed from the copy before it is refused whole."""
    stamp = paid(gateway)
    assert webhooks.flag(stamp, "amount_mismatch", clock.now(), {}) is True
    assert webhooks.flag(stamp, "amount_mismatch", clock.now(), {}) is False  # once
    also = consumption(
        stamp, service="passport", consulate="NL-AMS", agent="a", case_id="c", at=clock.now()
    )
    with pytest.raises(LostRace):
        write_alone(also)
    current = reads.get(stamp.stamp_id)
    assert current is not None and current.state == domain.PAID and current.audit_seq == 3
    links = [audit.link_of(r) for r in audit.chain_of(stamp.stamp_id, TRANSITIONS)]
    assert [link.action for link in links][-1] == "transition:flagged"
    assert check_chain(links, current.audit_head) == []


def test_a_replay_guard_expires_only_after_a_replay_would_be_too_old(stack: Any) -> None:
    """The table deletes WEBHOOK# items by TTL; until then a replay is refused, and the guard
    outlives the whole window in which the signature itself is still fresh."""
    ttl = boto3.client("dynamodb").describe_time_to_live(TableName=stack.env["STAMPS_TABLE"])
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expires_at"
    at = clock.now()
    assert webhooks.sighting("sha256=guard-ttl-test", at) is None
    assert webhooks.sighting("sha256=guard-ttl-test", at) == ("", "")  # seen, no answer yet
    webhooks.record_answer("sha256=guard-ttl-test", "paid", "123")
    assert webhooks.sighting("sha256=guard-ttl-test", at) == ("paid", "123")
    digest = hashlib.sha256(b"sha256=guard-ttl-test").hexdigest()
    guard = bound(WebhookItem).get(f"WEBHOOK#{digest}", "WEBHOOK")
    fresh_until = at + 2 * domain.SIGNATURE_TOLERANCE
    assert int(guard.expires_at) > fresh_until.timestamp()
    assert int(guard.expires_at) <= (fresh_until + timedelta(hours=1)).timestamp()
