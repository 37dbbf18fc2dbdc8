"""Every AWS API call the code makes, recorded at botocore's single choke point.

Used by the Scan guard (no request path may Scan), the least-privilege test and the
benchmarks that count DynamoDB calls per route.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from botocore.client import BaseClient


@dataclass(frozen=True)
class ApiCall:
    service: str
    operation: str
    params: dict[str, Any] = field(hash=False, compare=False)
    consumed_capacity: float = 0.0


class CallRecorder:
    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self._lock = threading.Lock()
        self._original: Any = None

    def install(self) -> None:
        if self._original is not None:
            return
        original = BaseClient._make_api_call
        recorder = self

        def recording(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
            result = original(client, operation, params)
            service = client.meta.service_model.service_name
            capacity = _capacity(result)
            with recorder._lock:
                recorder.calls.append(ApiCall(service, operation, dict(params), capacity))
            return result

        self._original = original
        BaseClient._make_api_call = recording  # type: ignore[method-assign]

    def uninstall(self) -> None:
        if self._original is not None:
            BaseClient._make_api_call = self._original  # type: ignore[method-assign]
            self._original = None

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    def of(self, service: str) -> list[ApiCall]:
        return [c for c in self.calls if c.service == service]

    def of_the_route(self) -> list[ApiCall]:
        """The calls but the rate limiter's counters (every signed-in call takes one)."""
        return [c for c in self.calls if not is_rate_counter(c)]


def is_rate_counter(call: ApiCall) -> bool:
    key = call.params.get("Key", {}).get("id", {}).get("S", "")
    return call.operation == "UpdateItem" and str(key).startswith("ratelimit#")


def _capacity(result: Any) -> float:
    consumed = result.get("ConsumedCapacity") if isinstance(result, dict) else None
    if isinstance(consumed, dict):
        return float(consumed.get("CapacityUnits", 0.0))
    if isinstance(consumed, list):
        return float(sum(c.get("CapacityUnits", 0.0) for c in consumed))
    return 0.0


RECORDER = CallRecorder()
