"""The equivalence committees' members and sittings, in the reference table.

- ``EQCOMMITTEE#<code>`` / ``MEMBERS``: the committee's members (JSON), set by an admin.
- ``EQCOMMITTEE#<code>`` / ``SITTING#<id>``: a sitting: its agenda, then on closing its
  attendance, chair, rapporteur and minutes. Closed on condition that it is still open, so
  two closings cannot both write minutes.

Every read is a GetItem or a BatchGetItem on known keys, never a read of the whole table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.models import Model

from chalicelib.store.binding import bound


class CommitteeItem(Model):
    class Meta:
        table_name = "reference"
        settings_key = "reference_table"

    pk = UnicodeAttribute(hash_key=True)  # EQCOMMITTEE#<code>
    sk = UnicodeAttribute(range_key=True)  # MEMBERS or SITTING#<id>
    data = UnicodeAttribute(default="{}")  # JSON: members, or the sitting's record
    state = UnicodeAttribute(null=True)  # a sitting: open or closed
    updated_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=1)


class AlreadyClosed(Exception):
    """The sitting was closed by someone else meanwhile."""


@dataclass(frozen=True)
class Sitting:
    committee: str
    sitting_id: str
    state: str
    record: dict[str, Any] = field(default_factory=dict)


def _pk(code: str) -> str:
    return f"EQCOMMITTEE#{code}"


def members_of(codes: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Each committee's members (one BatchGetItem); a committee never set has none."""
    keys = [(_pk(code), "MEMBERS") for code in codes]
    found = {item.pk: json.loads(item.data) for item in bound(CommitteeItem).batch_get(keys)}
    return {code: list(found.get(_pk(code), [])) for code in codes}


def set_members(code: str, members: list[dict[str, Any]], at: datetime) -> None:
    bound(CommitteeItem)(
        pk=_pk(code), sk="MEMBERS", data=json.dumps(members, ensure_ascii=False), updated_at=at
    ).save()


def create_sitting(code: str, sitting_id: str, record: dict[str, Any], at: datetime) -> Sitting:
    item = bound(CommitteeItem)(
        pk=_pk(code),
        sk=f"SITTING#{sitting_id}",
        data=json.dumps(record, ensure_ascii=False),
        state="open",
        updated_at=at,
    )
    try:
        item.save(condition=CommitteeItem.pk.does_not_exist())
    except PutError as error:  # an id is random: a collision is a bug, not a race to hide
        raise RuntimeError(f"sitting {sitting_id} exists") from error
    return Sitting(code, sitting_id, "open", record)


def sitting(code: str, sitting_id: str) -> Sitting | None:
    try:
        item = bound(CommitteeItem).get(_pk(code), f"SITTING#{sitting_id}")
    except DoesNotExist:
        return None
    return Sitting(code, sitting_id, str(item.state), json.loads(item.data))


def close_sitting(code: str, sitting_id: str, record: dict[str, Any], at: datetime) -> Sitting:
    """Write the closed record, on condition that the sitting is still open."""
    model = bound(CommitteeItem)
    item = model(pk=_pk(code), sk=f"SITTING#{sitting_id}", updated_at=at)
    try:
        item.update(
            actions=[
                CommitteeItem.data.set(json.dumps(record, ensure_ascii=False)),
                CommitteeItem.state.set("closed"),
                CommitteeItem.updated_at.set(at),
                CommitteeItem.version.add(1),
            ],
            condition=CommitteeItem.state == "open",
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise AlreadyClosed(sitting_id) from error
        raise
    return Sitting(code, sitting_id, "closed", record)
