"""Make each moto request atomic, as each AWS request is.

moto's backends keep state in plain Python objects without locks, so two threads can both
pass a DynamoDB condition that AWS would let only one pass (a version check, an atomic
counter). Serialising request handling gives moto AWS's per-request atomicity; it is used
by ``make run`` and the tests, never in the cloud.

Also: moto runs a Step Functions execution in a thread that builds its environment after
StartExecution has returned, so a StopExecution right after it (a clock started and paused
in one batch of stream records) found none and crashed. On AWS that stop just works; here
it waits the few milliseconds the thread needs.

And: moto backs up a table before each operation of a DynamoDB transaction, by deep copy,
stream records included, and puts the copies back when one fails. Each table is now copied
once per transaction and without its stream (whose records, kept since the start, made
every copy dearer as a test session went on); a failed transaction's stream records are
taken back out instead. The stream shard stays the same object, so a reader's shard
iterator (the local event pump's) keeps seeing what follows a failed transaction.
"""

from __future__ import annotations

import threading
import time
from typing import Any

_LOCK = threading.RLock()
_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.core.responses import BaseResponse

    original = BaseResponse.call_action

    def atomic_call_action(self: Any) -> Any:
        with _LOCK:
            return original(self)

    BaseResponse.call_action = atomic_call_action  # type: ignore[method-assign]
    _stop_once_started()
    _cheaper_transactions()
    _installed = True


def _cheaper_transactions() -> None:
    import copy

    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    original = models.DynamoDBBackend.transact_write_items

    class _OncePerTable:
        """moto's ``copy`` for the time of one transaction (requests are serialised)."""

        def __init__(self) -> None:
            self.copies: dict[int, Any] = {}

        def deepcopy(self, thing: Any, memo: Any = None) -> Any:
            if not isinstance(thing, Table):
                return copy.deepcopy(thing, memo)
            if id(thing) not in self.copies:
                shard = thing.stream_shard
                shared = {id(shard): shard} if shard is not None else {}
                self.copies[id(thing)] = copy.deepcopy(thing, shared)
            return self.copies[id(thing)]

    def transact_write_items(self: Any, transact_items: Any) -> Any:
        shards = [t.stream_shard for t in self.tables.values() if t.stream_shard is not None]
        lengths = [len(shard.items) for shard in shards]
        models.copy = _OncePerTable()  # type: ignore[assignment,attr-defined]
        try:
            return original(self, transact_items)
        except Exception:
            for shard, length in zip(shards, lengths, strict=True):
                del shard.items[length:]  # what the rolled-back writes had streamed
            raise
        finally:
            models.copy = copy  # type: ignore[attr-defined]

    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _stop_once_started() -> None:
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    original = ExecutionWorker.stop

    def stop(self: Any, *args: Any, **kwargs: Any) -> Any:
        # The worker thread sets ``env`` first thing, without calling moto: no deadlock.
        give_up = time.monotonic() + 5
        while getattr(self, "env", None) is None and time.monotonic() < give_up:
            time.sleep(0.005)
        return original(self, *args, **kwargs)

    ExecutionWorker.stop = stop  # type: ignore[method-assign]
