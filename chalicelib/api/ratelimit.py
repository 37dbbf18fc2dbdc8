"""Rate limits: per client for public endpoints (certificate and stamp verification ...),
per signed-in identity for the rest of the API and for the quotas of costly flows.

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
from collections.abc import Callable

from chalicelib import clock
from chalicelib.api.routing import Call
from chalicelib.observability import logger
from chalicelib.refusals import Refusal

WINDOW_SECONDS = 60
DAY_SECONDS = 24 * 3600
UNKNOWN_CLIENT = "unknown"


def source_ip(call: Call) -> str:
    identity = (call.request.context or {}).get("identity") or {}
    ip = identity.get("sourceIp") if isinstance(identity, dict) else None
    return str(ip) if ip else UNKNOWN_CLIENT


def client_key(ip: str) -> str:
    from chalicelib.store.ratelimit import hashing_key

    return hmac.new(hashing_key(), b"ratelimit\0" + ip.encode(), hashlib.sha256).hexdigest()[:32]


def limit(call: Call, bucket: str, per_minute: int = 60) -> None:
    """Counts this call against ``bucket`` for its client; raises a 429 problem when the
    client has already made ``per_minute`` calls in the current minute.

    A bucket is a short name for what is limited (``"bac-certificate"``,
    ``"etimbre-stamp"``): routes that share a bucket share the allowance. Public routes
    use it, so it fails closed: a counter that cannot be written refuses the call (503),
    since an unlimited public route is what a scraper waits for."""
    ip = source_ip(call)
    _take(bucket, lambda: client_key(ip), per_minute, WINDOW_SECONDS, fail_closed=True)


def identity_key(issuer: str, subject: str) -> str:
    """A signed-in caller as the counters know them: a keyed hash of (issuer, subject)."""
    from chalicelib.store.ratelimit import hashing_key

    raw = b"identity\0" + issuer.encode() + b"\0" + subject.encode()
    return hmac.new(hashing_key(), raw, hashlib.sha256).hexdigest()[:32]


def limit_identity(
    issuer: str, subject: str, bucket: str, allowed: int, window_seconds: int = WINDOW_SECONDS
) -> None:
    """Counts one use of ``bucket`` by a signed-in identity in a fixed window (a minute for
    the API as a whole, a day for a quota on a costly flow); 429 past ``allowed``. A caller
    who signed in is accountable, so a counter that cannot be written lets the call
    through (and says so)."""
    key = lambda: identity_key(issuer, subject)  # noqa: E731 - read the secret inside the guard
    _take(bucket, key, allowed, window_seconds, fail_closed=False)


def _take(
    bucket: str, key: Callable[[], str], allowed: int, window_seconds: int, *, fail_closed: bool
) -> None:
    from chalicelib.store import ratelimit as counters

    if allowed < 1:
        raise ValueError("a limit allows at least one call")
    moment, window_start, window_end = _window(window_seconds)
    try:
        taken = counters.take(bucket, key(), window_start, window_end, allowed)
    except counters.CountersUnavailable as error:
        logger.warning("rate limit not checked", extra={"bucket": bucket}, exc_info=True)
        if not fail_closed:
            return
        raise Refusal(
            "unavailable",
            "The request could not be counted against its limit; retry shortly.",
            retry_after=5,
        ) from error
    if not taken:
        _too_many(allowed, window_seconds, window_end - moment)


def _window(window_seconds: int) -> tuple[float, int, int]:
    """Now, and the fixed window it falls in: (moment, start, end)."""
    moment = clock.timestamp()
    start = int(moment // window_seconds) * window_seconds
    return moment, start, start + window_seconds


def _period(window_seconds: int) -> str:
    if window_seconds == WINDOW_SECONDS:
        return "minute"
    if window_seconds == DAY_SECONDS:
        return "day"
    return f"{window_seconds} seconds"


def refuse_if_spent(
    issuer: str, subject: str, bucket: str, allowed: int, window_seconds: int
) -> None:
    """429 if the identity already used ``bucket`` ``allowed`` times in the window, without
    counting this call: for flows counted only when they succeed (``count_success``)."""
    from chalicelib.store import ratelimit as counters

    moment, window_start, window_end = _window(window_seconds)
    try:
        spent = counters.used(bucket, identity_key(issuer, subject), window_start)
    except counters.CountersUnavailable:
        logger.warning("rate limit not checked", extra={"bucket": bucket}, exc_info=True)
        return
    if spent >= allowed:
        _too_many(allowed, window_seconds, window_end - moment)


def count_success(issuer: str, subject: str, bucket: str, window_seconds: int) -> None:
    """Count one use that succeeded (checked before by ``refuse_if_spent``)."""
    from chalicelib.store import ratelimit as counters

    _, window_start, window_end = _window(window_seconds)
    try:
        counters.add(bucket, identity_key(issuer, subject), window_start, window_end)
    except counters.CountersUnavailable:
        logger.warning("rate limit not counted", extra={"bucket": bucket}, exc_info=True)


def _too_many(allowed: int, window_seconds: int, seconds_left: float) -> None:
    retry_after = max(1, math.ceil(seconds_left))
    raise Refusal(
        "too-many-requests",
        f"At most {allowed} requests every {_period(window_seconds)}; "
        f"retry in {retry_after} seconds.",
        retry_after=retry_after,
    )
