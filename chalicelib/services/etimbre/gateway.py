"""The card payment gateway, over HTTP: open a payment session, refund a payment.

Every request is signed like the gateway's callbacks (HMAC-SHA256 over timestamp and body,
with the shared secret), and both calls are idempotent on our stamp id: a retry after a
timeout opens no second session and refunds no second time. Under ``make run`` and in the
tests the endpoint is the stand-in gateway (``scripts/standins/payment_gateway.py``, not
packaged into the Lambda and never imported by it). Without an endpoint only the local stage
goes on, in process, through the transport the local stack wires in (``use_local_transport``);
on any other stage the first call fails loudly: no payment is ever faked.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chalicelib.services.etimbre import domain
from chalicelib.settings import get_settings

TIMEOUT_SECONDS = 5
# Only a local stage may run without a configured secret: the stand-in uses this one.
LOCAL_SECRET = "local-stand-in-gateway-secret"  # noqa: S105  (not a secret: local only)


Transport = Callable[[str, dict[str, Any]], dict[str, Any]]
# What answers in process on the local stage: wired by the local stack (scripts/), never
# imported from here, so the Lambda package holds no stand-in.
_LOCAL_TRANSPORT: list[Transport] = []


def use_local_transport(transport: Transport) -> None:
    """The local stack's stand-in, answering ``(path, payload)`` when no URL is set."""
    _LOCAL_TRANSPORT[:] = [transport]


class GatewayUnavailable(Exception):
    """The gateway did not answer, or answered with an error: nothing was charged by us."""


class GatewayNotConfigured(RuntimeError):
    """A deployed stage without PAYMENT_GATEWAY_URL: a deployment error, never a fake pay."""


@dataclass(frozen=True)
class Session:
    session_id: str
    pay_url: str


def secret() -> str:
    """The shared secret: the stand-in's on the local stage; elsewhere the stage's secret in
    Secrets Manager, read at first use ("" if the stage names none: every signature then
    fails, so no call is signed and no callback accepted)."""
    if get_settings().stage == "local":
        return LOCAL_SECRET
    from chalicelib.store.secrets import payment_gateway_secret

    return payment_gateway_secret()


def _post(path: str, payload: dict[str, Any]) -> dict[str, Any]:
    if not get_settings().payment_gateway_url:
        return _in_process(path, payload)
    key = secret()
    if not key:
        raise GatewayNotConfigured("no payment gateway secret on this stage: nothing is signed")
    body = json.dumps(payload, separators=(",", ":")).encode()
    # Wall time, not the app's clock: the gateway checks a request's freshness against its own.
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310  (the URL is a setting: https in the cloud)
        get_settings().payment_gateway_url.rstrip("/") + path,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Gateway-Timestamp": timestamp,
            "X-Gateway-Signature": domain.signature(key, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            result: dict[str, Any] = json.loads(answer.read())
            return result
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise GatewayUnavailable(f"{path}: {error}") from error


def _in_process(path: str, payload: dict[str, Any]) -> dict[str, Any]:
    """No gateway configured: on the local stage, the stand-in answers in-process (it opens
    sessions and refunds; nobody pays until a test or a person plays the payer). Anywhere
    else it is a deployment error, raised (a 500 and an error log), not a 502 to retry."""
    stage = get_settings().stage
    if stage != "local":
        raise GatewayNotConfigured(
            f"PAYMENT_GATEWAY_URL is empty on stage {stage!r}: only the local stage may use "
            "the in-process stand-in gateway"
        )
    if not _LOCAL_TRANSPORT:
        raise GatewayNotConfigured("no stand-in gateway is wired on this local stack")
    return _LOCAL_TRANSPORT[0](path, payload)


def open_session(
    reference: str, amount: Decimal, currency: str, channel: str, terminal_reference: str
) -> Session:
    answer = _post(
        "/sessions",
        {
            "reference": reference,
            "amount": str(amount),
            "currency": currency,
            "channel": channel,
            "terminal_reference": terminal_reference,
        },
    )
    return Session(str(answer["session_id"]), str(answer["pay_url"]))


def refund(reference: str, payment_id: str, amount: Decimal, currency: str) -> str:
    """Refund a payment; the gateway refunds a reference once, so a retry is harmless."""
    answer = _post(
        "/refunds",
        {
            "reference": reference,
            "payment_id": payment_id,
            "amount": str(amount),
            "currency": currency,
        },
    )
    return str(answer["refund_id"])
