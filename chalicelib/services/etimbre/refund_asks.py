"""A buyer asks for the refund of an unused, paid stamp within its window; an agent of its
consulate answers: refunds it (``use_and_refund.refund``) or refuses with a reason the buyer
is told. Until then the stamp stays paid: a use at the counter ends the request."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalicelib import clock
from chalicelib.identity import Principal
from chalicelib.refusals import LostRace, Refusal
from chalicelib.services.etimbre import domain, ports
from chalicelib.services.etimbre import problems as _problems  # noqa: F401  (registers slugs)
from chalicelib.services.etimbre.domain import Stamp
from chalicelib.services.etimbre.lookup import find
from chalicelib.services.etimbre.notices import notices
from chalicelib.services.etimbre.purchase import actor


def ask(number: str, reason: str, buyer: Principal) -> Stamp:
    stamp = find(number)
    if stamp is None or stamp.owner != buyer.subject:
        raise Refusal("not-found", "No such stamp.")
    why = domain.why_buyer_may_not_ask_refund(stamp, clock.now())
    if why:
        raise Refusal("etimbre-not-refundable", why, extra={"stamp_state": stamp.state})
    try:
        ports.refund_asks().ask(stamp, reason, actor(buyer, stamp.consulate), clock.now())
    except LostRace as conflict:
        raise Refusal("etimbre-not-refundable", "The stamp changed meanwhile.") from conflict
    return _current(stamp)


def refuse(number: str, reason: str, agent: Principal) -> Stamp:
    stamp = ports.reads().by_number(number) if domain.is_well_formed(number) else None
    if stamp is None or stamp.consulate != agent.office:
        raise Refusal("not-found", "No such stamp sold at your consulate.")
    if stamp.refund_asked_at is None or stamp.state != domain.PAID:
        raise Refusal("etimbre-no-refund-request", "No refund request of this stamp is waiting.")
    told = notices(replace(stamp, refund_refused_reason=reason), stamp.number, "refund_refused")
    try:
        ports.refund_asks().refuse(stamp, reason, actor(agent, stamp.consulate), clock.now(), told)
    except LostRace as conflict:
        raise Refusal("etimbre-no-refund-request", "The stamp changed meanwhile.") from conflict
    return _current(stamp)


def waiting(
    consulate: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[Stamp], dict[str, Any] | None]:
    """The consulate's stamps whose refund is asked, oldest request first; a request a use
    or a refund already ended is dropped from the queue as it is met."""
    ids, last = ports.refund_asks().waiting(consulate, limit, start)
    stamps = ports.reads().many(ids) if ids else {}  # one BatchGetItem for the page
    found: list[Stamp] = []
    for stamp_id in ids:
        stamp = stamps.get(stamp_id)
        if stamp is None:
            continue
        if stamp.state == domain.PAID and stamp.refund_asked_at is not None:
            found.append(stamp)
        else:
            ports.refund_asks().forget(stamp)
    return found, last


def _current(stamp: Stamp) -> Stamp:
    now = ports.reads().get(stamp.stamp_id)
    assert now is not None
    return now
