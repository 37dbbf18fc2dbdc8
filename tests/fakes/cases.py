"""The case repository in memory (``chalicelib.workflow.repository.CaseRepository``): the same
contract as DynamoDB's, one transition all or nothing, a stale version or a failed ``also``
a ``LostRace`` naming it. ``also`` writes are recorded by name; ``refuse`` names the ones
whose condition fails, as another writer's would; the next ``cancel`` writes are cancelled
with no condition failing (``TransactionCancelled``), as DynamoDB cancels a throttled one.
An ``also`` built by ``in_memory`` (a fake store's write) says itself whether its condition
holds and what it applies: every condition is read before anything is applied, so one
transaction is all or nothing."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.refusals import LostRace
from chalicelib.store.cases import Also, TransactionCancelled
from chalicelib.workflow.case import Case, Document, HistoryEntry

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

    from chalicelib.store.cases import OutboxMessage, TimerRequest


@dataclass(frozen=True)
class InMemoryWrite:
    """The ``add`` of a fake store's ``Also``: its condition (read against the state before
    the transaction) and its effect (applied only if every condition of the transaction
    holds). Handed to a DynamoDB transaction it refuses: a fake's write is never sent."""

    holds: Callable[[], bool]
    apply: Callable[[], None]

    def __call__(self, transaction: TransactWrite) -> None:
        raise TypeError("an in-memory write belongs to the in-memory case repository")


def in_memory(
    name: str, apply: Callable[[], None], holds: Callable[[], bool] = lambda: True
) -> Also:
    """An ``Also`` named ``name`` that the in-memory repository checks and applies."""
    return Also(name, InMemoryWrite(holds, apply))


@dataclass
class InMemoryCases:
    cases: dict[str, Case] = field(default_factory=dict)
    histories: dict[str, list[HistoryEntry]] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)
    outbox: list[tuple[str, OutboxMessage]] = field(default_factory=list)
    timers: list[tuple[str, TimerRequest]] = field(default_factory=list)
    also_written: list[str] = field(default_factory=list)
    exports: list[tuple[str, str]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    cancel: int = 0
    writes: int = 0
    _ids: Iterable[int] = field(default_factory=itertools.count)
    _counters: dict[str, int] = field(default_factory=dict)

    def new_case_id(self) -> str:
        return f"case{next(iter(self._ids)):028d}"

    def next_reference(self, prefix: str, year: int) -> str:
        key = f"{prefix}#{year}"
        self._counters[key] = self._counters.get(key, 0) + 1
        return f"{prefix}-{year}-{self._counters[key]:06d}"

    def save_transition(
        self,
        before: Case,
        after: Case,
        entry: HistoryEntry,
        outbox: Iterable[OutboxMessage] = (),
        timers: Iterable[TimerRequest] = (),
        now: datetime | None = None,
        documents: Iterable[Document] = (),
        exports: Iterable[str] = (),
        also: Sequence[Also] = (),
    ) -> None:
        failed = {a.name for a in also} & self.refuse
        failed |= {a.name for a in also if isinstance(a.add, InMemoryWrite) and not a.add.holds()}
        stored = self.cases.get(before.id)
        if (stored.version if stored else 0) != before.version:
            failed.add("case")
        if before.version == 0 and after.reference in self.references:
            failed.add("case")
        if failed:
            raise LostRace(failed=frozenset(failed))
        if self.cancel:
            self.cancel -= 1
            raise TransactionCancelled("cancelled (the fake's)")
        self.writes += 1
        self.cases[after.id] = after
        self.histories.setdefault(after.id, []).append(entry)
        self.references.setdefault(after.reference, after.id)
        self.outbox += [(after.id, m) for m in outbox]
        self.timers += [(after.id, t) for t in timers]
        self.exports += [(after.id, target) for target in exports]
        for write in also:
            if isinstance(write.add, InMemoryWrite):
                write.add.apply()
        self.also_written += [a.name for a in also]

    def load(self, case_id: str) -> Case | None:
        return self.cases.get(case_id)

    def load_with_history(self, case_id: str) -> tuple[Case | None, list[HistoryEntry]]:
        return self.cases.get(case_id), list(self.histories.get(case_id, []))

    def load_by_reference(self, reference: str) -> Case | None:
        case_id = self.references.get(reference)
        return self.cases.get(case_id) if case_id else None
