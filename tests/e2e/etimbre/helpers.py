"""Helpers of eTimbre's e2e tests."""

from __future__ import annotations

import json
from typing import Any


def headers(token: str, **extra: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept-Language": "en",
        **extra,
    }


def buy(
    http: Any,
    token: str,
    key: str,
    service: str = "passport",
    consulate: str = "FR-PAR",
    **more: Any,
) -> Any:
    body: dict[str, Any] = {"service": service, "consulate": consulate, "channel": "online", **more}
    return http.post(
        "/etimbre/stamps",
        headers=headers(token, **{"Idempotency-Key": key}),
        body=json.dumps(body),
    )


def session_of(stamp: dict[str, Any]) -> str:
    return str(stamp["pay_url"]).rsplit("/", 1)[-1]
