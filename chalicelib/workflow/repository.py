"""Where the case engine keeps its cases: a Protocol, so that the lifecycle's use cases run
against DynamoDB (``chalicelib.store.cases``, the default) or, in unit tests, against the
in-memory repository of ``tests/fakes/cases.py``, in milliseconds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from chalicelib.workflow.case import Case, Document, HistoryEntry

if TYPE_CHECKING:
    from chalicelib.store.cases import Also, OutboxMessage, TimerRequest


class CaseRepository(Protocol):
    def new_case_id(self) -> str: ...

    def next_reference(self, prefix: str, year: int) -> str:
        """``EQ-2026-000123``: never twice for one prefix and year."""
        ...

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
        """All of it or nothing; a stale ``before`` or a failed ``also`` is a ``LostRace``
        naming what failed."""
        ...

    def load(self, case_id: str) -> Case | None: ...

    def load_with_history(self, case_id: str) -> tuple[Case | None, list[HistoryEntry]]: ...

    def load_by_reference(self, reference: str) -> Case | None: ...


_IN_USE: list[CaseRepository] = []


def cases() -> CaseRepository:
    """The repository in use: DynamoDB's unless a test put another in place."""
    if _IN_USE:
        return _IN_USE[-1]
    from chalicelib.store import cases as dynamodb

    return dynamodb


@contextmanager
def using(repository: CaseRepository) -> Iterator[CaseRepository]:
    _IN_USE.append(repository)
    try:
        yield repository
    finally:
        _IN_USE.remove(repository)
