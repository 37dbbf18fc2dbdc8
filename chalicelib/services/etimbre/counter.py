"""A paid stamp used at the counter, or refunded through the gateway: each once, by an agent
of the consulate it was sold for. A use with an appointment's check-in is in
``consumption``."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace

from chalicelib import clock
from chalicelib.identity import Principal
from chalicelib.refusals import FieldError, LostRace, Refusal
from chalicelib.services.etimbre import domain, gateway, ports
from chalicelib.services.etimbre import problems as _problems  # noqa: F401  (registers slugs)
from chalicelib.services.etimbre.domain import Stamp
from chalicelib.services.etimbre.lookup import find
from chalicelib.services.etimbre.notices import notices
from chalicelib.services.etimbre.purchase import actor


def consume(number: str, service: str, agent: Principal, case_id: str) -> Stamp:
    """A use at the counter; an agent uses only the stamps of their own consulate. Two
    reads (the number, the stamp) and one conditional write."""
    from chalicelib.services.etimbre.fee_payments import consumption_of

    stamp = find(number) if domain.is_well_formed(number) else None
    if stamp is not None and stamp.consulate != agent.office:
        raise Refusal("not-found", "No such stamp sold for your consulate.")
    if case_id:
        _own_consulate_case_or_422(case_id, agent.office)
    also = consumption_of(
        stamp, service=service, consulate=agent.office, agent=agent.subject, case_id=case_id
    )
    assert stamp is not None  # consumption_of refuses an unknown stamp
    at = clock.now()
    try:
        ports.exits().write_alone(also)
    except LostRace as conflict:
        current = ports.reads().get(stamp.stamp_id)
        why = domain.why_not_consumable(current, service, agent.office) if current else None
        raise Refusal("etimbre-stamp-unusable", why or "The stamp changed meanwhile.") from conflict
    return replace(
        stamp,
        state=domain.USED,
        used_at=at,
        used_consulate=agent.office,
        used_by=agent.subject,
        used_case_id=case_id,
    )


def _own_consulate_case_or_422(case_id: str, consulate: str) -> None:
    """The case a use is recorded against is a file of the agent's own consulate: a use
    is never put on another consulate's (or another service's) file."""
    from chalicelib.workflow import lifecycle

    case = lifecycle.find(case_id)
    if case is None or case.office != consulate or case.case_type != "consular_appointment":
        raise Refusal(
            "etimbre-case-refused",
            errors=[FieldError("body.case_id", "no appointment of your consulate has this id")],
        )


def refund(number: str, reason: str, agent: Principal) -> Stamp:
    """Paid -> refund_pending -> (gateway refund, idempotent) -> refunded: once, whatever the
    retries, and no use can slip in between (a use needs ``paid``)."""
    stamp = ports.reads().by_number(number) if domain.is_well_formed(number) else None
    if stamp is None or stamp.consulate != agent.office:
        raise Refusal("not-found", "No such stamp sold at your consulate.")
    why = domain.why_not_refundable(stamp)
    if why:
        raise Refusal("etimbre-not-refundable", why, extra={"stamp_state": stamp.state})
    if stamp.state == domain.REFUNDED:
        return stamp
    at = clock.now()
    by = actor(agent, stamp.consulate)
    if stamp.state == domain.PAID:
        try:
            ports.exits().hold_for_refund(stamp, reason, by, at)
        except LostRace as conflict:
            raise Refusal("etimbre-not-refundable", "The stamp changed meanwhile.") from conflict
    try:
        refund_id = ports.gateway().refund(
            stamp.stamp_id, stamp.payment_id, stamp.amount, stamp.currency
        )
    except gateway.GatewayUnavailable as error:
        raise Refusal("etimbre-gateway-unavailable", "Retry: the refund is on hold.") from error
    held = ports.reads().get(stamp.stamp_id)  # as held: its reason and its audit head
    if held is not None and held.state == domain.REFUND_PENDING:
        with suppress(LostRace):  # a concurrent retry finished it first
            paid_back = notices(held, held.number, "refunded")
            ports.exits().mark_refunded(held, refund_id, by, at, paid_back)
    done = ports.reads().get(stamp.stamp_id)
    assert done is not None
    ports.refund_asks().forget(done)  # a buyer's request, granted: out of the consulate's queue
    return done
