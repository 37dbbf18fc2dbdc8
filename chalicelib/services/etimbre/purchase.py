"""The sale of a stamp, online or at a consulate's counter: a pending stamp at today's fee,
with the gateway's payment session for it. The payment that follows is in ``payment``."""

from __future__ import annotations

import uuid

from chalicelib import clock, consulates
from chalicelib.identity import Principal
from chalicelib.observability import logger
from chalicelib.refusals import FieldError, Refusal
from chalicelib.services.etimbre import domain, fees, gateway, ports
from chalicelib.services.etimbre import problems as _problems  # noqa: F401  (registers slugs)
from chalicelib.services.etimbre.domain import Stamp
from chalicelib.services.etimbre.notices import Contact, reach
from chalicelib.store.etimbre.chain import By


def _refused(refusal: domain.Refused) -> Refusal:
    errors = [FieldError(refusal.field, refusal.detail)] if refusal.field else []
    return Refusal(refusal.code, refusal.detail, errors=errors)


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
    if consulates.service(service) is None:
        errors.append(FieldError("body.service", f"unknown service {service!r}"))
    if consulates.consulate(consulate) is None:
        errors.append(FieldError("body.consulate", f"unknown consulate {consulate!r}"))
    if errors:
        raise Refusal("etimbre-unknown-code", errors=errors)
    if not consulates.offers(consulate, service):
        # A stamp pays for a service at the consulate it was bought for: one the consulate
        # does not offer could never be used, only refunded.
        raise Refusal(
            "etimbre-service-not-offered",
            errors=[FieldError("body.service", f"{consulate} does not offer {service}")],
        )
    try:
        domain.check_channel(channel, buyer.roles, terminal_reference)
    except domain.Refused as refusal:
        raise _refused(refusal) from refusal
    if "citizen" not in buyer.roles and buyer.office != consulate:
        raise Refusal(
            "validation-failed",
            errors=[FieldError("body.consulate", f"an agent sells for {buyer.office} only")],
        )
    at = clock.now()
    fee = fees.current_fee(service, at, consulate)
    if fee is None:
        raise Refusal("etimbre-unknown-code", f"No fee is in force for {service}.")
    stamp_id = uuid.uuid4().hex
    reached = reach(buyer, contact, language)
    try:
        session = ports.gateway().open_session(
            stamp_id, fee.amount, fee.currency, channel, terminal_reference
        )
    except gateway.GatewayUnavailable as error:
        logger.warning("payment session not opened", extra={"error": str(error)})
        raise Refusal("etimbre-gateway-unavailable", "Try again in a moment.") from error
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
        email=reached.email,
        phone=reached.phone,
        language=reached.language,
    )
    ports.sales().create(stamp, actor(buyer, consulate))
    return stamp


def actor(who: Principal, office: str = "") -> By:
    """Who moves a stamp, as its audit record names them: a citizen, or staff of an office."""
    role = "citizen" if "citizen" in who.roles else sorted(who.roles)[0] if who.roles else ""
    return By(who.subject, role, who.office or ("" if role == "citizen" else office))
