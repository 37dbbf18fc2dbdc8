"""``GET /health``: each dependency's state, probed at most every 15 seconds per instance."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from chalicelib.documents import signing, storage
from chalicelib.settings import get_settings
from chalicelib.store.tables import table_names, table_status

if TYPE_CHECKING:
    from chalicelib.api.routes.platform_schemas import Check, HealthReport

CACHE_SECONDS = 15.0
_lock = threading.Lock()
_cached: tuple[float, HealthReport] | None = None


def _probe(name: str, probe: Callable[[], object]) -> Check:
    from chalicelib.api.routes.platform_schemas import Check

    started = time.perf_counter()
    try:
        outcome = probe()
        status = "ok" if outcome in (True, "ACTIVE", "Enabled") else f"degraded: {outcome}"
    except Exception as error:  # a health check reports failures, it never raises them
        status = f"down: {type(error).__name__}"
    return Check(
        name=name, status=status, latency_ms=round((time.perf_counter() - started) * 1000, 1)
    )


def report() -> HealthReport:
    from chalicelib.api.routes.platform_schemas import HealthReport

    global _cached
    with _lock:
        if _cached and time.monotonic() - _cached[0] < CACHE_SECONDS:
            return _cached[1]
    settings = get_settings()
    checks = [
        _probe(f"dynamodb:{role}", partial(table_status, name))
        for role, name in table_names(settings).items()
    ]
    checks.append(_probe("s3:documents", storage.bucket_reachable))
    checks.append(_probe("kms:signing-key", signing.key_state))
    healthy = all(c.status == "ok" for c in checks)
    result = HealthReport(
        status="ok" if healthy else "degraded", stage=settings.stage, checks=checks
    )
    with _lock:
        _cached = (time.monotonic(), result)
    return result
