"""How to call this service's routes in the matrix, least-privilege and bench runs."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bench.calls import Sample as BenchSample
from chalicelib.identity import identity
from tests.support.route_samples.matrix import OFFICE, OWNER, Sample

if TYPE_CHECKING:
    from chalicelib.services.etimbre import domain

VALID_UNKNOWN_NUMBER = "123456789012334"  # well formed (check digits 34), never issued


def pending_stamp(
    owner: str = OWNER, consulate: str = OFFICE, service: str = "passport"
) -> domain.Stamp:
    """A stamp bought (not paid yet) written straight through the store (no gateway)."""
    from chalicelib.services.etimbre import domain
    from chalicelib.store.etimbre import stamps

    at = datetime.now(UTC)
    stamp = domain.Stamp(
        stamp_id=uuid.uuid4().hex,
        state=domain.PENDING,
        service=service,
        consulate=consulate,
        channel=domain.ONLINE,
        amount=Decimal("600.00"),
        currency="MAD",
        owner=owner,
        fee_reference="sample",
        created_at=at,
        payment_deadline=domain.payment_deadline(at),
        day=at.date().isoformat(),
        email=f"{owner}@demo.invalid",
        language="fr",
    )
    return stamps.create(stamp)


def paid(owner: str = OWNER, consulate: str = OFFICE, service: str = "passport") -> domain.Stamp:
    """A paid stamp written straight through the store (no gateway), as it was paid."""
    from chalicelib.services.etimbre import domain
    from chalicelib.store.etimbre import stamps

    stamp = pending_stamp(owner, consulate, service)
    number = domain.stamp_number(secrets.randbelow(10**domain.NUMBER_BODY_DIGITS))
    payment_id = "pay_sample_" + stamp.stamp_id[:8]
    stamps.mark_paid(stamp, number, payment_id, stamp.created_at)
    return replace(stamp, state=domain.PAID, number=number, payment_id=payment_id)


def paid_stamp(owner: str = OWNER, consulate: str = OFFICE, service: str = "passport") -> str:
    """A paid stamp written straight through the store (no gateway): its number."""
    return paid(owner, consulate, service).number


def stamp_of_owner() -> dict[str, str]:
    return {"number": paid_stamp()}


CONSUME = '{"service": "passport"}'
REFUND = '{"reason": "matrix sample"}'

MATRIX: dict[tuple[str, str], Sample] = {
    ("GET", "/etimbre/fees"): Sample(),
    ("POST", "/etimbre/stamps"): Sample(
        body='{"service": "passport", "consulate": "FR-PAR", "channel": "online"}'
    ),
    ("POST", "/etimbre/payments/webhook"): Sample(body='{"type": "payment.succeeded"}'),
    ("GET", "/etimbre/stamps"): Sample(query="limit=5"),
    ("GET", "/etimbre/stamps/{number}"): Sample(setup=stamp_of_owner),
    ("GET", "/public/stamps/{number}"): Sample(path={"number": VALID_UNKNOWN_NUMBER}),
    ("POST", "/etimbre/stamps/{number}/consume"): Sample(setup=stamp_of_owner, body=CONSUME),
    ("POST", "/etimbre/stamps/{number}/refund"): Sample(setup=stamp_of_owner, body=REFUND),
    ("GET", "/etimbre/reconciliation"): Sample(query="date=2026-01-01"),
    ("POST", "/etimbre/stamps/{number}/refund-request"): Sample(setup=stamp_of_owner, body=REFUND),
    ("POST", "/etimbre/stamps/{number}/refund-refusal"): Sample(setup=stamp_of_owner, body=REFUND),
    ("GET", "/etimbre/consulates/{code}/refund-requests"): Sample(query="limit=5"),
    ("POST", "/etimbre/reconciliation/settlements"): Sample(body='{"date": "2026-01-01"}'),
}

NUMBER = "/etimbre/stamps/{number}"
# The rows reaching each write's success sell, pay, use and refund stamps of LP_CONSULATE
# (tests/support/route_samples/consular.py's; no e2e test sells there).
LP_CONSULATE, LP_BUYER = "SA-JED", "lp-stamp-buyer"
_AGENT = {"office": LP_CONSULATE}
_JSON = {"Content-Type": "application/json"}


def _paid_here() -> dict[str, str]:
    return {"number": paid_stamp(identity("citizen", LP_BUYER), LP_CONSULATE)}


def _signed_payment() -> dict[str, str]:
    """The gateway's callback for a pending stamp: paid, signed now with the shared secret
    (the stand-in gateway's ``signed``)."""
    import time

    from chalicelib.services.etimbre import domain, gateway

    stamp = pending_stamp(identity("citizen", LP_BUYER), LP_CONSULATE)
    event = {
        "event_id": "evt_" + uuid.uuid4().hex[:16],
        "type": "payment.succeeded",
        "payment_id": "pay_" + uuid.uuid4().hex[:16],
        "reference": stamp.stamp_id,
        "amount": str(stamp.amount),
        "currency": stamp.currency,
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    body = json.dumps(event, separators=(",", ":"))
    timestamp = str(int(time.time()))
    signature = domain.signature(gateway.secret(), timestamp, body.encode())
    return {"body": body, "timestamp": timestamp, "signature": signature}


def _asked_here() -> dict[str, str]:
    """A paid stamp of LP_BUYER whose refund the buyer asked for."""
    from chalicelib.identity import Principal
    from chalicelib.services.etimbre import refund_asks

    number = _paid_here()["number"]
    buyer = Principal(identity("citizen", LP_BUYER), "citizen", frozenset({"citizen"}))
    refund_asks.ask(number, "least privilege", buyer)
    return {"number": number}


def _settlement_file() -> dict[str, str]:
    """The gateway's settlement file of today, naming a stamp paid today."""
    from chalicelib.services.etimbre import settlement_file

    stamp = paid(identity("citizen", LP_BUYER), LP_CONSULATE)
    key = f"{settlement_file.PREFIX}lp-{uuid.uuid4().hex}.csv"
    lines = ["payment_id,reference,amount,currency"]
    lines.append(f"{stamp.payment_id},{stamp.stamp_id},{stamp.amount},{stamp.currency}")
    settlement_file.write(key, "\n".join(lines) + "\n")
    return {"date": stamp.day, "key": key}


LP_SUCCESSES: list[tuple[Any, ...]] = [
    (
        "POST",
        f"{NUMBER}/refund-request",
        f"{NUMBER}/refund-request",
        "citizen",
        200,
        {"setup": _paid_here, "claims": {"sub": LP_BUYER}, "headers": _JSON, "body": REFUND},
    ),
    (
        "POST",
        f"{NUMBER}/refund-refusal",
        f"{NUMBER}/refund-refusal",
        "consular_agent",
        200,
        {"setup": _asked_here, "claims": _AGENT, "headers": _JSON, "body": REFUND},
    ),
    (
        "GET",
        "/etimbre/consulates/{code}/refund-requests",
        f"/etimbre/consulates/{LP_CONSULATE}/refund-requests?limit=5",
        "consular_agent",
        200,
        {"setup": _asked_here, "claims": _AGENT},
    ),
    (
        "POST",
        "/etimbre/stamps",
        "/etimbre/stamps",
        "citizen",
        201,
        {
            "claims": {"sub": LP_BUYER},
            "headers": lambda _: {**_JSON, "Idempotency-Key": f"lp-{uuid.uuid4()}"},
            "body": json.dumps(
                {"service": "passport", "consulate": LP_CONSULATE, "channel": "online"}
            ),
        },
    ),
    (
        "POST",
        "/etimbre/payments/webhook",
        "/etimbre/payments/webhook",
        None,
        200,
        {
            "setup": _signed_payment,
            "headers": lambda signed: {
                **_JSON,
                "X-Gateway-Timestamp": signed["timestamp"],
                "X-Gateway-Signature": signed["signature"],
            },
            "body": lambda signed: signed["body"],
        },
    ),
    (
        "POST",
        f"{NUMBER}/consume",
        f"{NUMBER}/consume",
        "consular_agent",
        200,
        {"setup": _paid_here, "claims": _AGENT, "headers": _JSON, "body": CONSUME},
    ),
    (
        "POST",
        f"{NUMBER}/refund",
        f"{NUMBER}/refund",
        "consular_agent",
        200,
        {"setup": _paid_here, "claims": _AGENT, "headers": _JSON, "body": REFUND},
    ),
    (
        "POST",
        "/etimbre/reconciliation/settlements",
        "/etimbre/reconciliation/settlements",
        "treasury_auditor",
        200,
        {
            "setup": _settlement_file,
            "headers": _JSON,
            "body": lambda file: json.dumps({"date": file["date"], "key": file["key"]}),
        },
    ),
]
LEAST_PRIVILEGE: list[tuple[Any, ...]] = [
    ("GET", "/etimbre/fees", "/etimbre/fees", None, 200),
    ("POST", "/etimbre/stamps", "/etimbre/stamps", "citizen", 400),
    ("POST", "/etimbre/payments/webhook", "/etimbre/payments/webhook", None, 401),
    ("GET", "/etimbre/stamps", "/etimbre/stamps?limit=5", "citizen", 200),
    ("GET", NUMBER, f"/etimbre/stamps/{VALID_UNKNOWN_NUMBER}", "citizen", 404),
    ("GET", "/public/stamps/{number}", f"/public/stamps/{VALID_UNKNOWN_NUMBER}", None, 200),
    (
        "POST",
        f"{NUMBER}/consume",
        f"/etimbre/stamps/{VALID_UNKNOWN_NUMBER}/consume",
        "consular_agent",
        400,
    ),
    (
        "POST",
        f"{NUMBER}/refund",
        f"/etimbre/stamps/{VALID_UNKNOWN_NUMBER}/refund",
        "consular_agent",
        400,
    ),
    (
        "GET",
        "/etimbre/reconciliation",
        "/etimbre/reconciliation?date=2026-01-01",
        "treasury_auditor",
        200,
    ),
    (
        "POST",
        "/etimbre/reconciliation/settlements",
        "/etimbre/reconciliation/settlements",
        "treasury_auditor",
        400,
    ),
    *LP_SUCCESSES,
]

# Floors (bench/routes.py says how they are counted).
_STAMP = "rate counter, the number, the stamp it names (the number is the public key)"
_STAMP_WRITE = (
    "rate counter, the number, the stamp, one transaction (the stamp and its ledger line)"
)


def _refund_asked() -> dict[str, str]:
    """A paid stamp of the matrix's citizen whose refund they asked for."""
    from chalicelib.identity import Principal
    from chalicelib.services.etimbre import refund_asks

    number = paid_stamp()
    refund_asks.ask(number, "bench", Principal(OWNER, "citizen", frozenset({"citizen"})))
    return {"number": number}


BENCH: dict[tuple[str, str], BenchSample] = {
    ("POST", "/etimbre/stamps"): BenchSample(
        body={"service": "passport", "consulate": "FR-PAR", "channel": "online"},
        role="citizen",
        floor=3,
        why="rate counter, the purchase limit, one transaction (stamp, number, counters)",
    ),
    ("GET", "/etimbre/stamps"): BenchSample(
        query={"limit": "20"}, role="citizen", floor=2, why="rate counter, the owner's stamps"
    ),
    ("GET", "/etimbre/stamps/{number}"): BenchSample(
        matrix=True,  # the matrix's paid stamp
        role="citizen",
        floor=3,
        why=_STAMP,
    ),
    ("GET", "/public/stamps/{number}"): BenchSample(
        path={"number": VALID_UNKNOWN_NUMBER}, floor=2, why="the caller's rate counter, the stamp"
    ),
    ("POST", "/etimbre/stamps/{number}/consume"): BenchSample(
        matrix=True,
        floor=4,
        why=_STAMP_WRITE,
    ),
    ("POST", "/etimbre/stamps/{number}/refund"): BenchSample(
        matrix=True,
        floor=4,
        why=_STAMP_WRITE,
        over="the refund writes two transactions and reads the stamp three times; one "
        "transaction, the answer made from what it wrote, would be the floor",
    ),
    ("GET", "/etimbre/reconciliation"): BenchSample(
        query={"date": "2026-01-01"},
        floor=3,
        why="rate counter, the day's aggregates and its anomalies (two partitions)",
    ),
    ("POST", "/etimbre/stamps/{number}/refund-request"): BenchSample(
        matrix=True,
        role="citizen",
        floor=4,
        why=_STAMP_WRITE,
    ),
    ("POST", "/etimbre/stamps/{number}/refund-refusal"): BenchSample(
        matrix=True,
        setup=_refund_asked,
        floor=4,
        why=_STAMP_WRITE,
    ),
    ("GET", "/etimbre/consulates/{code}/refund-requests"): BenchSample(
        path={"code": "FR-PAR"},
        query={"limit": "20"},
        floor=2,
        why="rate counter, the consulate's refund requests (one Query)",
    ),
    ("POST", "/etimbre/reconciliation/settlements"): BenchSample(
        body={"date": "2026-01-01"},
        floor=3,
        why="rate counter, the day's aggregates, the settlement's result (the file is in S3)",
    ),
    ("POST", "/etimbre/payments/webhook"): BenchSample(
        body={"type": "payment.succeeded"},
        floor=2,
        why="a signed call, no rate counter: the stamp, one transaction marking it paid",
    ),
}
