"""Make each moto request atomic, as each AWS request is.

moto's backends keep state in plain Python objects without locks, so two threads can both
pass a DynamoDB condition that AWS would let only one pass (a version check, an atomic
counter). Serialising request handling gives moto AWS's per-request atomicity; it is used
by ``make run`` and the tests, never in the cloud.
"""

from __future__ import annotations

import threading
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
    _installed = True
