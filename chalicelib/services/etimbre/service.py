"""eTimbre's use cases: sell, pay, show, check, use, refund, expire, reconcile.

Each one reads what it needs, asks ``domain`` for the rule and makes one conditional
write through ``store.etimbre.stamps``; the gateway is called through its adapter.
"""

from __future__ import annotations

import json
import secrets
import uuid
from contextlib import suppress
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from chalicelib.api import links
from chalicelib.api.principal import Principal
from chalicelib.api.problems import FieldError, Problem
from chalicelib.observability import logger
from chalicelib.services.consular import catalogue
from chalicelib.services.etimbre import domain, fees, gateway
from chalicelib.services.etimbre import problems as _problems  # noqa: F401  (registers slugs)
from chalicelib.services.etimbre.domain import Stamp
from chalicelib.store.cases import Conflict
from chalicelib.store.etimbre import stamps
from chalicelib.workflow import service as workflow

NUMBER_ATTEMPTS = 3  # a random number already taken (one chance in 10^13) is drawn again


def _refused(refusal: domain.Refused) -> Problem:
    errors = [FieldError(refusal.field, refusal.detail)] if refusal.field else []
    return Problem(refusal.code, refusal.detail, errors=errors)


# --- purchase ----------------------------------------------------------------------------


def purchase(
    buyer: Principal,
    service: str,
    consulate: str,
    channel: str,
    terminal_reference: str,
    language: str,
    contact: Contact | None = None,
) -> Stamp:
    """A pending stamp at today's fee, and the gateway's payment session for it. ``contact``
    (from the body) tells how to reach the buyer; else the token's e-mail, phone and locale."""
    errors = []
    if catalogue.service(service) is None:
        errors.append(FieldError("body.service", f"unknown service {service!r}"))
    if catalogue.consulate(consulate) is None:
        errors.append(FieldError("body.consulate", f"unknown consulate {consulate!r}"))
    if errors:
        raise Problem("etimbre-unknown-code", errors=errors)
    try:
        domain.check_channel(channel, buyer.roles, terminal_reference)
    except domain.Refused as refusal:
        raise _refused(refusal) from refusal
    if "citizen" not in buyer.roles and buyer.office != consulate:
        raise Problem(
            "validation-failed",
            errors=[FieldError("body.consulate", f"an agent sells for {buyer.office} only")],
        )
    at = workflow.now()
    fee = fees.current_fee(service, at)
    if fee is None:
        raise Problem("etimbre-unknown-code", f"No fee is in force for {service}.")
    stamp_id = uuid.uuid4().hex
    reach = _reach(buyer, contact, language)
    try:
        session = gateway.open_session(
            stamp_id, fee.amount, fee.currency, channel, terminal_reference
        )
    except gateway.GatewayUnavailable as error:
        logger.warning("payment session not opened", extra={"error": str(error)})
        raise Problem("etimbre-gateway-unavailable", "Try again in a moment.") from error
    stamp = Stamp(
        stamp_id=stamp_id,
        state=domain.PENDING,
        service=service,
        consulate=consulate,
        channel=channel,
        amount=fee.amount,
        currency=fee.currency,
        owner=buyer.subject,
        fee_reference=fee.legal_reference,
        created_at=at,
        payment_deadline=domain.payment_deadline(at),
        day=at.date().isoformat(),
        pay_url=session.pay_url,
        session_id=session.session_id,
        terminal_reference=terminal_reference,
        email=reach.email,
        phone=reach.phone,
        language=reach.language,
    )
    stamps.create(stamp, _by(buyer, consulate))
    return stamp


@dataclass(frozen=True)
class Contact:
    email: str = ""
    phone: str = ""
    language: str = ""


def _reach(buyer: Principal, contact: Contact | None, language: str) -> Contact:
    """Where the payment and refund notices go: the body's contact, else the token's. At the
    counter the agent's own address is not the buyer's: only the body counts there."""
    given = contact or Contact()
    citizen = "citizen" in buyer.roles
    chosen = given.language or (buyer.locale[:2] if citizen else "") or language
    return Contact(
        email=given.email or (buyer.email if citizen else ""),
        phone=given.phone or (buyer.phone if citizen else ""),
        language=chosen if chosen in ("ar", "fr", "en") else "fr",
    )


def _by(who: Principal, office: str = "") -> stamps.By:
    role = "citizen" if "citizen" in who.roles else sorted(who.roles)[0] if who.roles else ""
    return stamps.By(who.subject, role, who.office or ("" if role == "citizen" else office))


def _notices(stamp: Stamp, number: str, event: str) -> list[stamps.Message]:
    """The buyer's e-mail and SMS for ``event`` (paid, refunded): the number, the service and
    the receipt's API path, made an absolute link when the message is sent (api/links)."""
    svc = catalogue.service(stamp.service)
    name = svc.names.get(stamp.language, stamp.service) if svc else stamp.service
    data: dict[str, Any] = {
        "reference": number,
        "reason": stamp.refund_reason if event == "refunded" else "",
        "links": {"receipt": links.path("etimbre", "stamps", number)},
        "fields": {
            "service": f"{name} ({stamp.amount} {stamp.currency})",
            "consulate": stamp.consulate,
        },
    }
    addresses = {"email": stamp.email, "sms": stamp.phone}
    return [
        stamps.Message(
            f"etimbre#{event}#{channel}", channel, f"etimbre_{event}", to, stamp.language, data
        )
        for channel, to in addresses.items()
        if to
    ]


# --- the gateway's callback -----------------------------------------------------------------


@dataclass(frozen=True)
class WebhookResult:
    outcome: str  # paid, duplicate, refused_card, late, unknown
    number: str = ""


def webhook(body: bytes, timestamp: str, given_signature: str) -> WebhookResult:
    """An authentic, fresh, first-seen callback, applied once. Anything else: 401."""
    at = workflow.now()
    why = domain.verify_signature(gateway.secret(), timestamp, body, given_signature, at)
    if why:
        logger.warning("webhook refused", extra={"why": why})
        raise Problem("etimbre-bad-signature", "The callback's signature does not hold.")
    if not stamps.first_sight(given_signature, at):
        logger.warning("webhook replayed")
        raise Problem("etimbre-bad-signature", "This callback was already delivered.")
    try:
        event = json.loads(body)
        kind, reference = str(event["type"]), str(event["reference"])
        amount, currency = Decimal(str(event.get("amount", ""))), str(event.get("currency", ""))
    except (ValueError, KeyError, TypeError, InvalidOperation) as error:
        raise Problem("malformed-request", "Not a payment event.") from error
    stamp = stamps.get(reference) if reference.isalnum() else None
    if stamp is None:
        logger.warning("callback for an unknown stamp")
        return WebhookResult("unknown")
    if kind == "payment.failed":
        if stamp.state == domain.PENDING:
            stamps.note(stamp.stamp_id, at, "card_refused")
        return WebhookResult("refused_card")
    if kind != "payment.succeeded":
        return WebhookResult("ignored")
    return _paid(stamp, str(event.get("payment_id", "")), amount, currency)


def _paid(stamp: Stamp, payment_id: str, amount: Decimal, currency: str) -> WebhookResult:
    at = workflow.now()
    outcome = domain.payment_outcome(stamp, amount, currency)
    if outcome == "duplicate":
        return WebhookResult("duplicate", stamp.number)
    if outcome == "mismatch":
        _flag(
            stamp,
            "amount_mismatch",
            {"expected": f"{stamp.amount} {stamp.currency}", "received": f"{amount} {currency}"},
        )
        raise Problem(
            "etimbre-payment-mismatch",
            f"Expected {stamp.amount} {stamp.currency}; flagged for the Treasury.",
        )
    if outcome == "late":
        # The money came after the stamp expired: no stamp is issued, the payment goes back.
        _flag(stamp, "paid_after_expiry", {"payment_id": payment_id})
        try:
            gateway.refund(stamp.stamp_id, payment_id, amount, currency)
        except gateway.GatewayUnavailable as error:
            raise Problem("etimbre-gateway-unavailable", "Refund not made yet.") from error
        return WebhookResult("late")
    for _ in range(NUMBER_ATTEMPTS):
        number = domain.stamp_number(secrets.randbelow(10**domain.NUMBER_BODY_DIGITS))
        try:
            stamps.mark_paid(stamp, number, payment_id, at, _notices(stamp, number, "paid"))
            return WebhookResult("paid", number)
        except Conflict:
            current = stamps.get(stamp.stamp_id)
            if current is None:
                break
            if current.state != domain.PENDING:
                return WebhookResult("duplicate", current.number)  # a concurrent duplicate
            stamp = current  # a number taken, or flagged meanwhile: its new audit head
    raise Problem("conflict", "No free stamp number; the gateway will retry.")


def _flag(stamp: Stamp, kind: str, details: dict[str, Any]) -> None:
    """Flag once for the Treasury; a stamp moved meanwhile is read again."""
    for _ in range(NUMBER_ATTEMPTS):
        try:
            stamps.flag(stamp, kind, workflow.now(), details)
            return
        except Conflict:
            current = stamps.get(stamp.stamp_id)
            if current is None:
                return
            stamp = current
    raise Problem("conflict", "The stamp kept changing; the gateway will retry.")


# --- reading ---------------------------------------------------------------------------------


def find(number_or_id: str) -> Stamp | None:
    """A stamp by its number, or (before it has one) by the purchase id."""
    if domain.is_well_formed(number_or_id):
        return stamps.by_number(number_or_id)
    if len(number_or_id) == 32 and number_or_id.isalnum():
        return stamps.get(number_or_id)
    return None


def owned(number_or_id: str, caller: Principal) -> Stamp:
    """Its buyer sees a stamp, and so do the agents of the consulate it was bought for."""
    stamp = find(number_or_id)
    if stamp is None or not (
        stamp.owner == caller.subject
        or ("consular_agent" in caller.roles and stamp.consulate == caller.office)
    ):
        raise Problem("not-found", "No such stamp.")
    return stamp


def public_state(number: str) -> tuple[str, Stamp | None]:
    stamp = stamps.by_number(number) if domain.is_well_formed(number) else None
    return domain.public_status(stamp.state if stamp else None), stamp


# --- use and refund -------------------------------------------------------------------------


def consume(number: str, service: str, agent: Principal, case_id: str) -> Stamp:
    """A use at the counter; an agent uses only the stamps of their own consulate. Two
    reads (the number, the stamp) and one conditional write."""
    from chalicelib.services.etimbre.consumption import consumption_of

    stamp = find(number) if domain.is_well_formed(number) else None
    if stamp is not None and stamp.consulate != agent.office:
        raise Problem("not-found", "No such stamp sold for your consulate.")
    also = consumption_of(
        stamp, service=service, consulate=agent.office, agent=agent.subject, case_id=case_id
    )
    assert stamp is not None  # consumption_of refuses an unknown stamp
    at = workflow.now()
    try:
        stamps.write_alone(also)
    except Conflict as conflict:
        current = stamps.get(stamp.stamp_id)
        why = domain.why_not_consumable(current, service, agent.office) if current else None
        raise Problem("etimbre-stamp-unusable", why or "The stamp changed meanwhile.") from conflict
    return replace(
        stamp,
        state=domain.USED,
        used_at=at,
        used_consulate=agent.office,
        used_by=agent.subject,
        used_case_id=case_id,
    )


def refund(number: str, reason: str, agent: Principal) -> Stamp:
    """Paid -> refund_pending -> (gateway refund, idempotent) -> refunded: once, whatever the
    retries, and no use can slip in between (a use needs ``paid``)."""
    stamp = stamps.by_number(number) if domain.is_well_formed(number) else None
    if stamp is None or stamp.consulate != agent.office:
        raise Problem("not-found", "No such stamp sold at your consulate.")
    why = domain.why_not_refundable(stamp)
    if why:
        raise Problem("etimbre-not-refundable", why, extra={"stamp_state": stamp.state})
    if stamp.state == domain.REFUNDED:
        return stamp
    at = workflow.now()
    by = _by(agent, stamp.consulate)
    if stamp.state == domain.PAID:
        try:
            stamps.hold_for_refund(stamp, reason, by, at)
        except Conflict as conflict:
            raise Problem("etimbre-not-refundable", "The stamp changed meanwhile.") from conflict
    try:
        refund_id = gateway.refund(stamp.stamp_id, stamp.payment_id, stamp.amount, stamp.currency)
    except gateway.GatewayUnavailable as error:
        raise Problem("etimbre-gateway-unavailable", "Retry: the refund is on hold.") from error
    held = stamps.get(stamp.stamp_id)  # as held: its reason and its audit head
    if held is not None and held.state == domain.REFUND_PENDING:
        with suppress(Conflict):  # a concurrent retry finished it first
            stamps.mark_refunded(held, refund_id, by, at, _notices(held, held.number, "refunded"))
    done = stamps.get(stamp.stamp_id)
    assert done is not None
    return done


def stamp_timer_fired(message: dict[str, Any]) -> str:
    """The expiry timer of an unpaid stamp fell due (a Step Functions execution)."""
    for _ in range(NUMBER_ATTEMPTS):
        stamp = stamps.get(str(message.get("case_id", "")))
        if stamp is None:
            return "unknown stamp"
        if stamp.state != domain.PENDING:
            return "stale"
        at = workflow.now()
        if stamp.payment_deadline > at:
            return "stale"  # not due yet
        try:
            stamps.expire(stamp, at)
            return "expired"
        except Conflict:
            continue  # paid or flagged meanwhile: look again
    return "stale"


# --- reconciliation --------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    consulate: str
    service: str
    channel: str
    state: str
    count: int
    amount: Decimal


def totals(day: str, consulate: str | None) -> list[Row]:
    """The day's totals from the aggregate rows kept on write: one Query, no stamp read."""
    rows = []
    for item in stamps.aggregates(day, consulate):
        where, service, channel = item.sk.split("#")
        for state in domain.STATES:
            count = int(getattr(item, f"{state}_count") or 0)
            if count:
                cents = int(getattr(item, f"{state}_cents") or 0)
                rows.append(Row(where, service, channel, state, count, domain.from_cents(cents)))
    return rows


def flags(day: str) -> list[dict[str, Any]]:
    return [
        {"stamp_id": a.stamp_id, "kind": a.kind, "at": a.at.isoformat(), **dict(a.details or {})}
        for a in stamps.anomalies(day)
    ]


def match_settlement(day: str, key: str) -> domain.Matching:
    """The gateway's settlement file for ``day`` (CSV in S3) against our stamps."""
    from chalicelib.services.etimbre import settlement_file

    text = settlement_file.read(key)
    if text is None:
        raise Problem(
            "etimbre-settlement-missing", f"No settlement file at {key} (yet).", extra={"key": key}
        )
    lines, unreadable = domain.parse_settlement(text)
    ours = stamps.many(line.reference for line in lines if line.reference.isalnum())
    # A stamp we know but never took a payment for is missing on our side, like an unknown one.
    paid_ours = {stamp_id: stamp for stamp_id, stamp in ours.items() if stamp.payment_id}
    result = domain.match_settlement(lines, paid_ours, stamps.paid_on(day))
    result.problems += [{"kind": "unreadable", "line": line} for line in unreadable]
    return result
