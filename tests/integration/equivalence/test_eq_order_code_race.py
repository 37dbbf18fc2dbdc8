"""A new order code (decision 55) and a transition that ends the order, in a race (moto): the
transition read the order's bit before the new code moved it to another; it then fails as a
lost race instead of setting the old bit only and leaving the new one valid; and a rotation
that read a bit since moved is a ``LostRace`` too (DynamoDB's ``TransactWriteError``
translated by the store), writing nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.credentials.orders import OrderCode
from chalicelib.credentials.statuslist import Reference
from chalicelib.refusals import LostRace
from chalicelib.store import credentials as store
from chalicelib.store.bac import transactions


def test_a_transition_that_read_the_old_bit_fails_after_a_new_code(stack: Any) -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    old, new = Reference("0-0", 7001), Reference("0-0", 7002)
    store.record_order_reference("c-race", 1, old, at)
    ends_the_order = store.order_superseded("c-race", 1)  # reads the bit: old
    code = OrderCode("d" * 32, "c-race", 1, "x~", at)
    store.order_code_rotated(old, new, code)
    assert store.order_reference("c-race", 1) == new
    assert 7001 in store.invalid_indices("0-0")  # the rotation set the old bit
    with pytest.raises(LostRace):
        transactions.run([ends_the_order])
    # read again, the transition sets the bit the order now has
    transactions.run([store.order_superseded("c-race", 1)])
    assert {7001, 7002} <= store.invalid_indices("0-0")


def test_a_second_code_marks_the_first_replaced(stack: Any) -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    first, second = Reference("0-0", 7101), Reference("0-0", 7102)
    store.order_code_rotated(None, first, OrderCode("a" * 32, "c-two", 1, "x~", at))
    store.order_code_rotated(first, second, OrderCode("b" * 32, "c-two", 1, "y~", at))
    assert store.load_order_code("a" * 32).replaced_at == at  # type: ignore[union-attr]
    assert store.load_order_code("b" * 32).replaced_at is None  # type: ignore[union-attr]
    # a rotation that read a bit since moved loses: nothing of it is written
    with pytest.raises(LostRace) as lost:
        store.order_code_rotated(
            first,
            Reference("0-0", 7103),
            OrderCode("c" * 32, "c-two", 1, "z~", at),
        )
    assert lost.value.failed == {"order_code"}
    assert store.load_order_code("c" * 32) is None
    assert store.order_reference("c-two", 1) == second
