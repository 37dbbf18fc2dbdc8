"""What the baccalaureate's writes share: ``run``
(``Also`` writes on their own, in one transaction) and ``guard`` (one request of a kind)."""

from __future__ import annotations

from collections.abc import Iterable

from pynamodb.transactions import TransactWrite

from chalicelib.refusals import LostRace
from chalicelib.store.bac.items import GuardItem
from chalicelib.store.binding import bound, connection
from chalicelib.store.cases import Also


def run(writes: Iterable[Also]) -> None:
    """``Also`` writes on their own, in one transaction; a lost condition is a ``LostRace``."""
    from pynamodb.exceptions import TransactWriteError

    transaction = TransactWrite(connection=connection())
    try:
        with transaction:
            for write in writes:
                write.add(transaction)
    except TransactWriteError as error:
        raise LostRace(failed=frozenset({"item"})) from error


def guard(what: str) -> Also:
    """One request of a kind (``what`` says which): the guard may not exist yet."""

    def add(transaction: TransactWrite) -> None:
        item = bound(GuardItem)(f"BACGUARD#{what}", "GUARD")
        transaction.save(item, condition=GuardItem.pk.does_not_exist())

    return Also("already_applied", add)
