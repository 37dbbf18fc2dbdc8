"""Reading stamps: one by its id or its number, many at once, those paid on a day; and the
Treasury's rows of a day (the aggregates kept on write, the anomalies flagged)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from chalicelib.services.etimbre.domain import Stamp
from chalicelib.store.binding import bound
from chalicelib.store.etimbre.items import AggregateItem, AnomalyItem, NumberItem, StampItem


def key(stamp_id: str) -> str:
    return f"STAMP#{stamp_id}"


def get(stamp_id: str) -> Stamp | None:
    try:
        return to_stamp(bound(StampItem).get(key(stamp_id), "STAMP"))
    except StampItem.DoesNotExist:
        return None


def stamp_id_of(number: str) -> str | None:
    try:
        return str(bound(NumberItem).get(f"NUMBER#{number}", "NUMBER").stamp_id)
    except NumberItem.DoesNotExist:
        return None


def by_number(number: str) -> Stamp | None:
    stamp_id = stamp_id_of(number)
    return get(stamp_id) if stamp_id else None


def of_owner(
    owner: str, limit: int, start_after: dict[str, Any] | None
) -> tuple[list[Stamp], dict[str, Any] | None]:
    """A buyer's stamps, newest first: one Query on the owner index."""
    result = bound(StampItem).by_owner.query(
        f"OWNER#{owner}", scan_index_forward=False, limit=limit, last_evaluated_key=start_after
    )
    return [to_stamp(i) for i in result], result.last_evaluated_key


def many(stamp_ids: Iterable[str]) -> dict[str, Stamp]:
    """BatchGet, 100 keys a call (PynamoDB pages it)."""
    keys = [(key(s), "STAMP") for s in dict.fromkeys(stamp_ids)]
    return {i.stamp_id: to_stamp(i) for i in bound(StampItem).batch_get(keys)}


def paid_on(day: str) -> list[Stamp]:
    """The stamps paid on a day: one Query (paged) on the sparse by_day index."""
    return [to_stamp(i) for i in bound(StampItem).by_day.query(f"PAID#{day}")]


def aggregates(day: str, consulate: str | None) -> list[AggregateItem]:
    condition = AggregateItem.sk.startswith(f"{consulate}#") if consulate else None
    return list(bound(AggregateItem).query(f"AGG#{day}", condition))


def anomalies(day: str) -> list[AnomalyItem]:
    return list(bound(AnomalyItem).query(f"ANOMALY#{day}"))


def to_stamp(i: StampItem) -> Stamp:
    return Stamp(
        stamp_id=i.stamp_id,
        state=i.state,
        service=i.service,
        consulate=i.consulate,
        channel=i.channel,
        amount=Decimal(i.amount),
        currency=i.currency,
        owner=i.owner,
        fee_reference=i.fee_reference,
        created_at=i.created_at,
        payment_deadline=i.payment_deadline,
        day=i.day,
        number=i.number or "",
        pay_url=i.pay_url,
        session_id=i.session_id,
        terminal_reference=i.terminal_reference,
        language=i.language,
        email=i.email or "",
        phone=i.phone or "",
        payment_id=i.payment_id or "",
        paid_at=i.paid_at,
        used_at=i.used_at,
        used_consulate=i.used_consulate or "",
        used_by=i.used_by or "",
        used_case_id=i.used_case_id or "",
        refund_reason=i.refund_reason or "",
        refunded_at=i.refunded_at,
        expired_at=i.expired_at,
        refund_asked_at=i.refund_asked_at,
        refund_asked_reason=i.refund_asked_reason or "",
        refund_refused_reason=i.refund_refused_reason or "",
        events=tuple(dict(e) for e in (i.events or [])),
        audit_head=i.audit_head or "",
        audit_seq=int(i.audit_seq or 0),
    )
