"""Two costs of moto's DynamoDB that grow with everything a test session has written, made
to depend on what a request touches instead. Same answers, same rollback; tests only.

- A transaction: moto deep-copies every table it names before the first write, to put the
  copies back if one operation fails (``infra/moto_atomic.py`` already copies each table once
  and without its stream). The cases table holds every case of the session, so each
  transition cost more than the last: three quarters of a worker's time, late in a run, was
  ``copy.deepcopy``. Here the copy is of the items the transaction names, and a failed
  transaction puts those items back as they were (or removes the ones it created). A
  transaction can write nothing but the items it names, so the table ends as moto's own
  rollback would leave it; ``infra/moto_atomic.py`` still takes the failed writes' stream
  records back out.
- A query: moto sorts every item of the table by its key first. On the table's own key it
  then keeps the partition asked for, so here it is handed that partition's items alone (the
  same ones, which it sorts by the sort key as before). On an index it sorts its matches
  again by the index's keys and then the table's, a total order, so here it is handed the
  items unsorted: the same answer, without sorting the whole table on every query.

Both run under ``infra/moto_atomic``'s lock (every moto request does), so nothing else reads
or writes a table in between.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

_installed = False
_state = threading.local()


@dataclass
class _Saved:
    """One item a transaction names, as it was before the transaction."""

    table: Any
    hash_key: Any
    range_key: Any
    item: Any  # a deep copy of moto's Item, or None if there was none
    had_partition: bool


def install() -> None:
    """Patch moto's DynamoDB models (idempotent). Call after ``infra.moto_atomic.install``."""
    global _installed
    if _installed:
        return
    _items_not_tables_in_transactions()
    _partition_only_queries()
    _installed = True


def _items_not_tables_in_transactions() -> None:
    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    def deepcopy_table(self: Any, memo: dict[int, Any]) -> Any:
        """The table itself while a transaction runs (its items are saved apart); otherwise
        what ``copy.deepcopy`` does for any object (a backup of the table, say)."""
        if getattr(_state, "in_transaction", False):
            return self
        memo[id(self)] = clone = copy.copy(self)  # what _reconstruct makes, filled below
        clone.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return clone

    Table.__deepcopy__ = deepcopy_table  # type: ignore[attr-defined]
    outer = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        saved = _save(self, transact_items)
        with _transaction():
            try:
                return outer(self, transact_items)
            except Exception:
                for entry in reversed(saved):  # the first save of a key is put back last
                    _put_back(entry)
                raise

    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


@contextmanager
def _transaction() -> Iterator[None]:
    _state.in_transaction = True
    try:
        yield
    finally:
        _state.in_transaction = False


def _save(backend: Any, transact_items: list[dict[str, Any]]) -> list[_Saved]:
    from moto.dynamodb.models.dynamo_type import DynamoType

    saved: list[_Saved] = []
    for entry in transact_items:
        for op in entry.values():
            table: Any = backend.tables.get(op.get("TableName")) if isinstance(op, dict) else None
            key = (op.get("Key") or op.get("Item")) if table is not None else None
            if table is None or not isinstance(key, dict) or table.hash_key_attr not in key:
                continue  # moto refuses it before writing anything
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = None
            if table.range_key_attr is not None:
                if table.range_key_attr not in key:
                    continue
                range_key = DynamoType(key[table.range_key_attr])
            had_partition = hash_key in table.items
            item = table.items.get(hash_key)
            if range_key is not None:
                item = item.get(range_key) if had_partition else None
            saved.append(_Saved(table, hash_key, range_key, copy.deepcopy(item), had_partition))
    return saved


def _put_back(saved: _Saved) -> None:
    items = saved.table.items
    if saved.range_key is None:
        if saved.item is None:
            items.pop(saved.hash_key, None)
        else:
            items[saved.hash_key] = saved.item
        return
    partition = items[saved.hash_key]  # a defaultdict: created if a delete emptied it
    if saved.item is None:
        partition.pop(saved.range_key, None)
    else:
        partition[saved.range_key] = saved.item
    if not partition and not saved.had_partition:
        del items[saved.hash_key]


def _partition_only_queries() -> None:
    from moto.dynamodb.models.table import Table

    original = Table.query

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        if index_name:
            # moto sorts an index's matches by the index's keys, then the table's: a total
            # order, so the table's own order of the items it starts from changes nothing.
            candidates = [i for part in self.items.values() for i in _values(self, part)]
        elif hash_key is None:
            return original(self, hash_key, *args, **kwargs)
        else:  # the partition asked for, which moto then sorts by the sort key
            candidates = _values(self, self.items.get(hash_key))
        self.all_items = lambda: candidates
        try:
            return original(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    Table.query = query  # type: ignore[method-assign]


def _values(table: Any, partition: Any) -> list[Any]:
    """The items of one entry of ``table.items``: a dict of items by sort key, or one item
    for a table without a sort key (none for a partition that is not there)."""
    if partition is None:
        return []
    return list(partition.values()) if table.range_key_attr is not None else [partition]
