"""The cases stream, read for the published processing times.

A MODIFY of a case item (sort key ``CASE``) that moves it into a decision state is counted
once. The images give the decision (the new state and its ``updated_at``), the case type,
office, clocks and history length; the submission time is read from the case's history
with one Query, here in the stream handler and never on a request path. A field such as
``submitted_at`` on the case would spare that Query but would need the engine to write it,
and the history is already the record of when the case left its initial state (a case may
stay a draft for days after ``created_at``). A case decided in the very transition that
leaves its initial state was submitted and decided at once.

Records this code cannot read (an unknown case type, an image without the fields) are
skipped and logged, never raised: one odd record must not hold back the timers and
notifications of its batch. DynamoDB errors do raise, so Lambda retries the batch, and the
conditional marker makes the retry harmless.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.observability import logger
from chalicelib.stats import rules
from chalicelib.store import stats as store
from chalicelib.store.case_items import CaseItem
from chalicelib.workflow import holidays, legal, registry


def handle_case_records(records: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Count the decisions among raw stream records; returns how many were counted now and
    how many had been counted already."""
    counts = {"decisions": 0, "already_counted": 0}
    for record in records:
        decision = decision_of(record)
        if decision is None:
            continue
        if store.record_decision(decision):
            counts["decisions"] += 1
        else:
            counts["already_counted"] += 1
    return counts


def decision_of(record: Mapping[str, Any]) -> rules.Decision | None:
    images = _case_images(record)
    if images is None:
        return None
    old, new = images
    try:
        machine = registry.machine_for(new.case_type)
    except KeyError:
        logger.warning("stats: unknown case type", extra={"case_type": new.case_type})
        return None
    config = rules.config_for(machine)
    if not rules.is_decision(config, old.state, new.state):
        return None
    decided_at = new.updated_at
    if legal.born_filed(machine):
        submitted_at = new.created_at  # its creation was its filing
    elif old.state == machine.initial.name:
        submitted_at = decided_at
    else:
        found = store.submitted_at(new.case_id, machine.initial.name, int(new.history_length))
        submitted_at = found or new.created_at
    return rules.Decision(
        case_id=new.case_id,
        service=new.case_type,
        office=new.office,
        month=rules.month_of(decided_at),
        days=rules.days_between(submitted_at, decided_at),
        within_legal_time=rules.within_legal_time(
            config, dict(new.clocks or {}), submitted_at, decided_at, holidays.moroccan()
        ),
        version=int(new.version or 0),
        event_id=str(record.get("eventID", "")),
    )


def _case_images(record: Mapping[str, Any]) -> tuple[CaseItem, CaseItem] | None:
    """The old and new case item of a MODIFY that changed the state, else None."""
    if record.get("eventName") != "MODIFY":
        return None
    change = record.get("dynamodb") or {}
    old_image, new_image = change.get("OldImage"), change.get("NewImage")
    if not old_image or not new_image or new_image.get("sk", {}).get("S") != "CASE":
        return None
    if old_image.get("state") == new_image.get("state"):
        return None
    try:
        old, new = CaseItem.from_raw_data(old_image), CaseItem.from_raw_data(new_image)
    except (KeyError, TypeError, ValueError) as error:
        logger.warning("stats: unreadable case image", extra={"error": type(error).__name__})
        return None
    needed: tuple[Any, ...] = (new.case_id, new.case_type, new.office, new.updated_at, old.state)
    if any(value is None for value in (*needed, new.created_at)):
        logger.warning("stats: case image without the fields it needs")
        return None
    return old, new
