"""A per-client rate limit for public endpoints (certificate and stamp verification ...).

A fixed window of one minute per (bucket, client): one conditional UpdateItem per call
counts the call unless the window is full (``chalicelib/store/ratelimit.py``), so the
limit holds across every Lambda instance at once. A full window answers 429 with
``Retry-After`` (the seconds until the window ends).

The client is the source IP API Gateway saw. It is personal data: it never reaches the
logs, and the table only holds a keyed hash of it (HMAC with the app's secret key under a
label of its own), so a counter cannot be traced back to an address by hashing them all.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time

from chalicelib.api.problems import Problem
from chalicelib.api.routing import Call
from chalicelib.observability import logger

WINDOW_SECONDS = 60
UNKNOWN_CLIENT = "unknown"


def now() -> float:
    """The clock (tests move it)."""
    return time.time()


def source_ip(call: Call) -> str:
    identity = (call.request.context or {}).get("identity") or {}
    ip = identity.get("sourceIp") if isinstance(identity, dict) else None
    return str(ip) if ip else UNKNOWN_CLIENT


def client_key(ip: str) -> str:
    from chalicelib.store.secrets import cursor_key

    return hmac.new(cursor_key(), b"ratelimit\0" + ip.encode(), hashlib.sha256).hexdigest()[:32]


def limit(call: Call, bucket: str, per_minute: int = 60) -> None:
    """Counts this call against ``bucket`` for its client; raises a 429 problem when the
    client has already made ``per_minute`` calls in the current minute.

    A bucket is a short name for what is limited (``"bac-certificate"``,
    ``"etimbre-stamp"``): routes that share a bucket share the allowance."""
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.store import ratelimit as counters

    if per_minute < 1:
        raise ValueError("per_minute must be at least 1")
    moment = now()
    window_start = int(moment // WINDOW_SECONDS) * WINDOW_SECONDS
    window_end = window_start + WINDOW_SECONDS
    try:
        key = client_key(source_ip(call))
        allowed = counters.take(bucket, key, window_start, window_end, per_minute)
    except (BotoCoreError, ClientError):
        # The limiter protects the service; it must not take it down. A counter that cannot
        # be written lets the call through (and says so, without the client's address).
        logger.warning("rate limit not checked", extra={"bucket": bucket}, exc_info=True)
        return
    if not allowed:
        retry_after = max(1, math.ceil(window_end - moment))
        raise Problem(
            "too-many-requests",
            f"At most {per_minute} requests a minute; retry in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )
