"""How to call this service's routes in the matrix, least-privilege and bench runs."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from bench.calls import Sample as BenchSample
from tests.support.route_samples.matrix import OFFICE, OWNER, Sample

VALID_UNKNOWN_NUMBER = "123456789012334"  # well formed (check digits 34), never issued


def paid_stamp(owner: str = OWNER, consulate: str = OFFICE, service: str = "passport") -> str:
    """A paid stamp written straight through the store (no gateway): its number."""
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
    )
    stamp = stamps.create(stamp)
    number = domain.stamp_number(secrets.randbelow(10**domain.NUMBER_BODY_DIGITS))
    stamps.mark_paid(stamp, number, "pay_sample_" + stamp.stamp_id[:8], at)
    return number


def stamp_of_owner() -> dict[str, str]:
    return {"number": paid_stamp()}


CONSUME = '{"service": "passport", "case_id": "matrix-case"}'
REFUND = '{"reason": "matrix sample"}'

MATRIX: dict[tuple[str, str], Sample] = {
    ("GET", "/etimbre/fees"): Sample(),
    ("POST", "/etimbre/stamps"): Sample(
        body='{"service": "passport", "consulate": "FR-PAR", "channel": "online"}'
    ),
    ("POST", "/etimbre/payments/webhook"): Sample(body='{"type": "payment.succeeded"}'),
    ("GET", "/etimbre/stamps/{number}"): Sample(setup=stamp_of_owner),
    ("GET", "/public/stamps/{number}"): Sample(path={"number": VALID_UNKNOWN_NUMBER}),
    ("POST", "/etimbre/stamps/{number}/consume"): Sample(setup=stamp_of_owner, body=CONSUME),
    ("POST", "/etimbre/stamps/{number}/refund"): Sample(setup=stamp_of_owner, body=REFUND),
    ("GET", "/etimbre/reconciliation"): Sample(query="date=2026-01-01"),
    ("POST", "/etimbre/reconciliation/settlements"): Sample(body='{"date": "2026-01-01"}'),
}

NUMBER = "/etimbre/stamps/{number}"
LEAST_PRIVILEGE: list[tuple[str, str, str, str | None, int]] = [
    ("GET", "/etimbre/fees", "/etimbre/fees", None, 200),
    ("POST", "/etimbre/stamps", "/etimbre/stamps", "citizen", 400),
    ("POST", "/etimbre/payments/webhook", "/etimbre/payments/webhook", None, 401),
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
]

BENCH: dict[tuple[str, str], BenchSample] = {
    ("POST", "/etimbre/stamps"): BenchSample(
        body={"service": "passport", "consulate": "FR-PAR", "channel": "online"}, role="citizen"
    ),
    ("GET", "/etimbre/stamps/{number}"): BenchSample(
        path={"number": VALID_UNKNOWN_NUMBER}, role="citizen"
    ),
    ("GET", "/public/stamps/{number}"): BenchSample(path={"number": VALID_UNKNOWN_NUMBER}),
    ("POST", "/etimbre/stamps/{number}/consume"): BenchSample(
        path={"number": VALID_UNKNOWN_NUMBER}, body={"service": "passport"}, office="FR-PAR"
    ),
    ("POST", "/etimbre/stamps/{number}/refund"): BenchSample(
        path={"number": VALID_UNKNOWN_NUMBER}, body={"reason": "bench"}, office="FR-PAR"
    ),
    ("GET", "/etimbre/reconciliation"): BenchSample(query={"date": "2026-01-01"}),
    ("POST", "/etimbre/reconciliation/settlements"): BenchSample(body={"date": "2026-01-01"}),
    ("POST", "/etimbre/payments/webhook"): BenchSample(body={"type": "payment.succeeded"}),
}
