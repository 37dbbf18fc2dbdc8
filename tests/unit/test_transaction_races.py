"""A transaction that loses a race on a shared item loses cleanly: DynamoDB's
TransactionConflict is a conflict of the case store (a 409 to the caller), never a 500."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import CancellationReason, TransactWriteError

from chalicelib.store import cases


class _Error(TransactWriteError):
    def __init__(self, reasons: list[CancellationReason | None]) -> None:
        super().__init__("cancelled")
        self._reasons = reasons

    @property
    def cancellation_reasons(self) -> Any:
        return self._reasons


def test_a_transaction_conflict_is_a_busy_conflict() -> None:
    error = _Error([None, CancellationReason(code="TransactionConflict")])
    assert cases._failed(error, ["case", "calendar"]) == {"busy"}


def test_a_failed_condition_names_its_item() -> None:
    error = _Error([None, CancellationReason(code="ConditionalCheckFailed")])
    assert cases._failed(error, ["case", "slot"]) == {"slot"}
