"""Writes that stand or fall with a pre-registration's transitions (``Also``), the follow-up
counters they keep, and the director's list.

Counters live on one item per school and school year, updated in the transition's own
transaction, so they never drift from the requests; a province's or a region's figures are
a Query of its schools' counter items, never a read of the requests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pynamodb.expressions.operand import Path
from pynamodb.transactions import TransactWrite

from chalicelib.store.binding import bound
from chalicelib.store.case_items import CaseItem
from chalicelib.store.case_mapping import from_item
from chalicelib.store.cases import Also
from chalicelib.store.enrollment.models import CounterItem, GuardItem, RegisteredItem
from chalicelib.workflow.case import Case


def guard_taken(key: str, owner: str) -> Also:
    """The child's one live request: the guard may not exist yet."""

    def add(transaction: TransactWrite) -> None:
        item = bound(GuardItem)(f"ENRGUARD#{key}", "GUARD", owner=owner)
        transaction.save(item, condition=GuardItem.pk.does_not_exist())

    return Also("live_request", add)


def guard_released(key: str, owner: str) -> Also:
    """The request ends: the child may be filed for again. The guard is this request's (one
    live request per child: while it lived, no other could take the guard)."""

    def add(transaction: TransactWrite) -> None:
        item = bound(GuardItem)(f"ENRGUARD#{key}", "GUARD", owner=owner)
        transaction.delete(item, condition=GuardItem.owner == owner)

    return Also("live_request", add)


def _registered_sk(year: int) -> str:
    return f"REGISTERED#{year}"


def registered(key: str, year: int, owner: str, reference: str) -> Also:
    """Massar registered the child for the school year starting in ``year``: the guard is
    released, and this mark keeps a second request for the same year out."""

    def add(transaction: TransactWrite) -> None:
        item = bound(RegisteredItem)(
            f"ENRGUARD#{key}", _registered_sk(year), owner=owner, reference=reference
        )
        transaction.save(item)

    return Also("registered", add)


def not_registered(key: str, year: int) -> Also:
    """Filing: the child is not registered for that school year already."""

    def add(transaction: TransactWrite) -> None:
        transaction.condition_check(
            bound(RegisteredItem),
            f"ENRGUARD#{key}",
            _registered_sk(year),
            condition=RegisteredItem.pk.does_not_exist(),
        )

    return Also("registered", add)


def registered_by(key: str, year: int) -> str | None:
    """Who filed the request that registered the child for ``year``, if it was."""
    try:
        return str(bound(RegisteredItem).get(f"ENRGUARD#{key}", _registered_sk(year)).owner)
    except RegisteredItem.DoesNotExist:
        return None


def guard_holder(key: str) -> str | None:
    """Who holds the child's live request, if anyone."""
    try:
        return str(bound(GuardItem).get(f"ENRGUARD#{key}", "GUARD").owner)
    except GuardItem.DoesNotExist:
        return None


def _counter_pk(year: int, school: str) -> str:
    return f"ENRSTAT#{year}#{school}"


def counted(year: int, school: Mapping[str, Any], moves: Mapping[str, int]) -> Also:
    """ADD ``moves`` (``n_<state>``, ``siblings_<year>``) to the school's counters."""

    def add(transaction: TransactWrite) -> None:
        item = bound(CounterItem)(_counter_pk(year, school["code"]), "COUNTS")
        actions: list[Any] = [
            CounterItem.school.set(school["code"]),
            CounterItem.name_fr.set(school["name_fr"]),
            CounterItem.province.set(school["province"]),
            CounterItem.region.set(school["region"]),
            CounterItem.lookup_pk.set(f"ENRSTAT#{year}#REGION#{school['region']}"),
            CounterItem.lookup_sk.set(f"{school['province']}#{school['code']}"),
            *(Path(name).add(value) for name, value in moves.items()),
        ]
        transaction.update(item, actions=actions)

    return Also("counters", add)


@dataclass(frozen=True)
class Figures:
    school: str
    name_fr: str
    province: str
    region: str
    numbers: dict[str, int]  # n_<state> and siblings_<year>


def _figures(raw: Mapping[str, Any]) -> Figures:
    numbers = {
        name: int(value["N"])
        for name, value in raw.items()
        if "N" in value and name.startswith(("n_", "siblings_"))
    }
    text = {k: raw.get(k, {}).get("S", "") for k in ("school", "name_fr", "province", "region")}
    return Figures(text["school"], text["name_fr"], text["province"], text["region"], numbers)


def school_figures(year: int, school: str) -> list[Figures]:
    raw = bound(CounterItem)._get_connection().get_item(_counter_pk(year, school), "COUNTS")
    item = raw.get("Item")
    return [_figures(item)] if item else []


def area_figures(year: int, region: str, province: str | None = None) -> list[Figures]:
    """A region's schools' counters, or a province's (a prefix of the sort key): a Query."""
    connection = bound(CounterItem)._get_connection()
    condition = CounterItem.lookup_sk.startswith(f"{province}#") if province else None
    found, start = [], None
    while True:
        page = connection.query(
            f"ENRSTAT#{year}#REGION#{region}",
            range_key_condition=condition,
            index_name="by_lookup",
            exclusive_start_key=start,
        )
        found += [_figures(raw) for raw in page.get("Items", [])]
        start = page.get("LastEvaluatedKey")
        if not start:
            return found


@dataclass(frozen=True)
class Page:
    cases: list[Case]
    last_key: dict[str, Any] | None


def _key_of(case: Case) -> dict[str, Any]:
    """The index key of ``case`` as DynamoDB writes a LastEvaluatedKey of the queue index."""
    return {
        "pk": {"S": f"CASE#{case.id}"},
        "sk": {"S": "CASE"},
        "queue_pk": {"S": f"QUEUE#{case.case_type}#{case.office}#{case.state}"},
        "queue_sk": {"S": f"{case.updated_at.isoformat()}#{case.id}"},
    }


def queue_matching(
    case_type: str,
    school: str,
    state: str,
    keep: Any,
    limit: int,
    start: dict[str, Any] | None,
    max_reads: int = 5,
) -> Page:
    """Up to ``limit`` cases of a school's queue for which ``keep(case)`` holds, oldest first,
    reading at most ``max_reads`` pages of the queue index (the filter runs on each page,
    as names live in the case's payload)."""
    kept: list[Case] = []
    for _ in range(max_reads):
        result = bound(CaseItem).by_queue.query(
            f"QUEUE#{case_type}#{school}#{state}", limit=max(limit, 25), last_evaluated_key=start
        )
        for item in result:
            case = from_item(item)
            if keep(case):
                kept.append(case)
                if len(kept) == limit:
                    return Page(kept, _key_of(case))
        start = result.last_evaluated_key
        if not start:
            return Page(kept, None)
    return Page(kept, start)
