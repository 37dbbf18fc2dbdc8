"""The processing-time aggregates, in the reference table.

- ``STATS#<service>#<office>`` / ``<YYYY-MM>``: one month of one office's decisions: how
  many, how many within the legal time, and a histogram with one attribute per bucket
  (``d000`` ... ``d121``, see ``chalicelib/stats/histogram.py``). ``<office>`` is ``*`` for
  the service's all-offices aggregate, kept alongside, so any request is one Query.
- ``STATSCASE#<case id>`` / ``DECIDED``: the case has been counted. Put on condition that
  it does not exist, in the same transaction as the ADDs: a stream record delivered twice,
  or a case decided again after a review, is never counted twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.operand import Path
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.stats import histogram
from chalicelib.stats.rules import Decision, Month
from chalicelib.store.binding import bound, connection
from chalicelib.store.case_items import HistoryItem

ALL_OFFICES = "*"


class _ReferenceTable:
    table_name = "reference"
    settings_key = "reference_table"


class StatsMonthItem(Model):
    """The counters; the bucket attributes are written and read by name (see module doc)."""

    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # STATS#<service>#<office or *>
    sk = UnicodeAttribute(range_key=True)  # YYYY-MM
    service = UnicodeAttribute()
    office = UnicodeAttribute()
    decided = NumberAttribute(default=0)
    within = NumberAttribute(default=0)


class StatsDecisionItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # STATSCASE#<case id>
    sk = UnicodeAttribute(range_key=True, default="DECIDED")
    service = UnicodeAttribute()
    office = UnicodeAttribute()
    month = UnicodeAttribute()
    days = NumberAttribute()
    within = BooleanAttribute()
    version = NumberAttribute()
    event_id = UnicodeAttribute()
    recorded_at = UnicodeAttribute()


def month_key(service: str, office: str) -> str:
    return f"STATS#{service}#{office}"


def record_decision(decision: Decision) -> bool:
    """Count a decision in its office's month and in the service's; False if the case was
    already counted (nothing is written then)."""
    bound(StatsMonthItem)
    bound(StatsDecisionItem)
    marker = StatsDecisionItem(
        f"STATSCASE#{decision.case_id}",
        "DECIDED",
        service=decision.service,
        office=decision.office,
        month=decision.month,
        days=decision.days,
        within=decision.within_legal_time,
        version=decision.version,
        event_id=decision.event_id,
        recorded_at=clock.now().isoformat(),
    )
    bucket = histogram.attribute(histogram.bucket(decision.days))
    try:
        with TransactWrite(connection=connection(), return_consumed_capacity="TOTAL") as write:
            write.save(marker, condition=StatsDecisionItem.pk.does_not_exist())
            for office in (decision.office, ALL_OFFICES):
                item = StatsMonthItem(month_key(decision.service, office), decision.month)
                actions: list[Any] = [
                    StatsMonthItem.service.set(decision.service),
                    StatsMonthItem.office.set(office),
                    StatsMonthItem.decided.add(1),
                    StatsMonthItem.within.add(int(decision.within_legal_time)),
                    Path(bucket).add(1),
                ]
                write.update(item, actions=actions)
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
            return False
        raise
    return True


def months(service: str, office: str, first: str, last: str) -> list[Month]:
    """The month items from ``first`` to ``last`` (YYYY-MM): one Query, eventually
    consistent (figures a few seconds old are fine for a published statistic)."""
    connection = bound(StatsMonthItem)._get_connection()
    found: list[Month] = []
    start: dict[str, Any] | None = None
    while True:  # four small items never fill a 1 MB page; the loop is for correctness
        page = connection.query(
            month_key(service, office),
            range_key_condition=StatsMonthItem.sk.between(first, last),
            exclusive_start_key=start,
            return_consumed_capacity="TOTAL",
        )
        found += [_month(raw) for raw in page.get("Items", [])]
        start = page.get("LastEvaluatedKey")
        if not start:
            return found


def _month(raw: dict[str, Any]) -> Month:
    buckets: dict[int, int] = {}
    for name, value in raw.items():
        index = histogram.bucket_of_attribute(name)
        if index is not None and "N" in value:
            buckets[index] = int(value["N"])
    return Month(
        raw["sk"]["S"],
        int(raw.get("decided", {}).get("N", "0")),
        int(raw.get("within", {}).get("N", "0")),
        buckets,
    )


def submitted_at(case_id: str, initial_state: str, last_seq: int) -> datetime | None:
    """When the case first left its initial state: one Query of its history (made by the
    stream handler, never on a request path). None if the history does not say."""
    if last_seq < 1:
        return None
    entries = bound(HistoryItem).query(
        f"CASE#{case_id}", HistoryItem.sk.between("HIST#000001", f"HIST#{last_seq:06d}")
    )
    for entry in entries:
        if entry.from_state == initial_state and entry.to_state != initial_state:
            return entry.at
    return None
