"""The cases table's stream: what a committed transition asked for, carried out.

Timer requests start or stop Step Functions executions; outbox messages go to the notify
module; exports go to their target's queue; decided cases feed the published processing
times; new history entries run the reactions services registered (``reactions.py``), last.
Items are told apart by their sort key.

The Lambda handler gives one record at a time to ``handle_record`` (``chalicelib/batch.py``):
a record that raises is reported alone and the shard resumes there. ``handle_records`` is
the same work for a list, for tests and tools.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.workflow import exports, reactions, timers


def handle_record(record: dict[str, Any]) -> dict[str, int]:
    """One raw stream record: the timer, outbox or export item it inserted, the decision it
    counts or the reactions its history entry runs. Raises if that work failed; it is
    idempotent, so the record's second delivery redoes only what is missing."""
    return handle_records([record])


def handle_records(records: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Process raw stream records (the Lambda event's ``Records``); returns counts."""
    from chalicelib.notify import outbox
    from chalicelib.stats.stream import handle_case_records

    records = list(records)
    counts = {"timers": 0, "outbox": 0, "exports": 0}
    outbox_records, history = [], []
    for record in records:
        if record.get("eventName") != "INSERT":
            continue
        image = record.get("dynamodb", {}).get("NewImage", {})
        sort_key = image.get("sk", {}).get("S", "")
        if sort_key.startswith("TIMER#"):
            timers.apply(image)
            counts["timers"] += 1
        elif sort_key.startswith("OUTBOX#"):
            outbox_records.append(record)
            counts["outbox"] += 1
        elif sort_key.startswith("EXPORT#"):
            exports.dispatch(image)
            counts["exports"] += 1
        elif sort_key.startswith("HIST#"):
            history.append(image)
    if outbox_records:
        outbox.handle_stream_records(outbox_records)
    counts.update(handle_case_records(records))  # processing times, from decided cases
    counts["reactions"] = reactions.handle(history)
    return counts
