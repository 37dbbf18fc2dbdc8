"""Make each moto request atomic, as each AWS request is.

moto's backends keep state in plain Python objects without locks, so two threads can both
pass a DynamoDB condition that AWS would let only one pass (a version check, an atomic
counter). Serialising request handling gives moto AWS's per-request atomicity; it is used
by ``make run`` and the tests, never in the cloud.

Also: moto runs a Step Functions execution in a thread that builds its environment after
StartExecution has returned, so a StopExecution right after it (a clock started and paused
in one batch of stream records) found none and crashed. On AWS that stop just works; here
it waits the few milliseconds the thread needs.
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
    _installed = True


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
