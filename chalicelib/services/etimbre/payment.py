"""A pending stamp's end: paid once by the gateway's signed callback (its number issued, the
buyer told), or expired when its payment window closes (the expiry timer's handler). A
forged or stale callback is refused; the gateway's retry of one it sent gets the same
answer. A payment of the wrong amount or after expiry is flagged for the Treasury and
refunded at once."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from chalicelib import clock
from chalicelib.observability import logger
from chalicelib.refusals import LostRace, Refusal
from chalicelib.services.etimbre import domain, gateway, ports
from chalicelib.services.etimbre import problems as _problems  # noqa: F401  (registers slugs)
from chalicelib.services.etimbre.domain import Stamp
from chalicelib.services.etimbre.notices import notices

NUMBER_ATTEMPTS = 3  # a random number already taken (one chance in 10^13) is drawn again


@dataclass(frozen=True)
class WebhookResult:
    outcome: str  # paid, duplicate, refused_card, late, mismatch_refunded, unknown
    number: str = ""


def webhook(body: bytes, timestamp: str, given_signature: str) -> WebhookResult:
    """An authentic and fresh callback, applied once; a retry of it gets the first answer.
    A forged or stale one: 401."""
    at = clock.now()
    why = domain.verify_signature(ports.gateway().secret(), timestamp, body, given_signature, at)
    if why:
        logger.warning("webhook refused", extra={"why": why})
        raise Refusal("etimbre-bad-signature", "The callback's signature does not hold.")
    earlier = ports.callbacks().sighting(given_signature, at)
    if earlier is not None and earlier[0]:
        # The gateway's retry of a request it sent (same body, same signature, still fresh):
        # it did not get our answer, so it gets the same one; nothing is done twice.
        return WebhookResult(*earlier)
    result = _applied(body, at)
    ports.callbacks().record_answer(given_signature, result.outcome, result.number)
    return result


def _applied(body: bytes, at: datetime) -> WebhookResult:
    """The callback's event applied; every step is idempotent, so a delivery whose first
    attempt died before its answer was recorded is applied again safely."""
    try:
        event = json.loads(body)
        kind, reference = str(event["type"]), str(event["reference"])
        amount, currency = Decimal(str(event.get("amount", ""))), str(event.get("currency", ""))
    except (ValueError, KeyError, TypeError, InvalidOperation) as error:
        raise Refusal("malformed-request", "Not a payment event.") from error
    stamp = ports.reads().get(reference) if reference.isalnum() else None
    if stamp is None:
        logger.warning("callback for an unknown stamp")
        return WebhookResult("unknown")
    if kind == "payment.failed":
        if stamp.state == domain.PENDING:
            ports.callbacks().note(stamp.stamp_id, at, "card_refused")
        return WebhookResult("refused_card")
    if kind != "payment.succeeded":
        return WebhookResult("ignored")
    return _paid(stamp, str(event.get("payment_id", "")), amount, currency)


def _paid(stamp: Stamp, payment_id: str, amount: Decimal, currency: str) -> WebhookResult:
    at = clock.now()
    outcome = domain.payment_outcome(stamp, amount, currency)
    if outcome == "duplicate":
        return WebhookResult("duplicate", stamp.number)
    if outcome == "mismatch":
        _flag(
            stamp,
            "amount_mismatch",
            {"expected": f"{stamp.amount} {stamp.currency}", "received": f"{amount} {currency}"},
        )
        # The money goes back at once (under a reference of its own: the stamp's reference
        # stays free for the refund of a right payment later); the stamp waits, pending, for
        # a payment of the right amount.
        _refund(f"{stamp.stamp_id}-{payment_id}", payment_id, amount, currency)
        return WebhookResult("mismatch_refunded")
    if outcome == "late":
        # The money came after the stamp expired: no stamp is issued, the payment goes back.
        _flag(stamp, "paid_after_expiry", {"payment_id": payment_id})
        _refund(stamp.stamp_id, payment_id, amount, currency)
        return WebhookResult("late")
    for _ in range(NUMBER_ATTEMPTS):
        number = domain.stamp_number(secrets.randbelow(10**domain.NUMBER_BODY_DIGITS))
        try:
            ports.sales().mark_paid(stamp, number, payment_id, at, notices(stamp, number, "paid"))
            return WebhookResult("paid", number)
        except LostRace:
            current = ports.reads().get(stamp.stamp_id)
            if current is None:
                break
            if current.state != domain.PENDING:
                return WebhookResult("duplicate", current.number)  # a concurrent duplicate
            stamp = current  # a number taken, or flagged meanwhile: its new audit head
    raise Refusal("conflict", "No free stamp number; the gateway will retry.")


def _refund(reference: str, payment_id: str, amount: Decimal, currency: str) -> None:
    """Give a payment back through the gateway (idempotent on ``reference``): the gateway
    calls again while it is not done."""
    try:
        ports.gateway().refund(reference, payment_id, amount, currency)
    except gateway.GatewayUnavailable as error:
        raise Refusal("etimbre-gateway-unavailable", "Refund not made yet.") from error


def _flag(stamp: Stamp, kind: str, details: dict[str, Any]) -> None:
    """Flag once for the Treasury; a stamp moved meanwhile is read again."""
    for _ in range(NUMBER_ATTEMPTS):
        try:
            ports.callbacks().flag(stamp, kind, clock.now(), details)
            return
        except LostRace:
            current = ports.reads().get(stamp.stamp_id)
            if current is None:
                return
            stamp = current
    raise Refusal("conflict", "The stamp kept changing; the gateway will retry.")


def stamp_timer_fired(message: dict[str, Any]) -> str:
    """The expiry timer of an unpaid stamp fell due (a Step Functions execution)."""
    for _ in range(NUMBER_ATTEMPTS):
        stamp = ports.reads().get(str(message.get("case_id", "")))
        if stamp is None:
            return "unknown stamp"
        if stamp.state != domain.PENDING:
            return "stale"
        at = clock.now()
        if stamp.payment_deadline > at:
            return "stale"  # not due yet
        try:
            ports.sales().expire(stamp, at)
            return "expired"
        except LostRace:
            continue  # paid or flagged meanwhile: look again
    return "stale"
