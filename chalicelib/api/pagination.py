"""Opaque, tamper-evident cursors for ``?limit=&cursor=`` lists.

A cursor is the DynamoDB ``LastEvaluatedKey`` (plus the list it belongs to), signed with an
HMAC key kept in Secrets Manager. An edited or forged cursor is a 400, never a query.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from chalicelib.refusals import FieldError, Refusal

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, scope: str, payload: bytes) -> bytes:
    return hmac.new(key, scope.encode() + b"\0" + payload, hashlib.sha256).digest()[:16]


def encode_cursor(key: bytes, scope: str, last_key: dict[str, Any] | None) -> str | None:
    """The cursor of the next page, bound to ``scope`` (the list it belongs to)."""
    if not last_key:
        return None
    payload = json.dumps(last_key, sort_keys=True, separators=(",", ":"), default=str).encode()
    return f"{_b64(payload)}.{_b64(_mac(key, scope, payload))}"


def decode_cursor(key: bytes, scope: str, cursor: str | None) -> dict[str, Any] | None:
    """The key to start after, or a 400 problem if the cursor was not made by us for this list."""
    if not cursor:
        return None
    invalid = Refusal(
        "invalid-cursor",
        "Use the 'next' value of the previous page as it was given.",
        errors=[FieldError("cursor", "not a cursor this list issued", "invalid_cursor")],
    )
    try:
        payload_text, mac_text = cursor.split(".")
        payload = _unb64(payload_text)
        if not hmac.compare_digest(_unb64(mac_text), _mac(key, scope, payload)):
            raise invalid
        value = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as error:
        raise invalid from error
    if not isinstance(value, dict):
        raise invalid
    return value


def clamp_limit(limit: int | None) -> int:
    return max(1, min(limit or DEFAULT_LIMIT, MAX_LIMIT))
