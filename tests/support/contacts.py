"""A citizen confirms a contact as they would: asks for a code, reads it from the message
the outbox holds for it (their phone or mailbox), and types it back."""

from __future__ import annotations

import json
import uuid
from typing import Any

from chalicelib.store import outbox


def _headers(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json", **extra}


def ask_code(http: Any, token: str, kind: str, value: str, language: str = "fr") -> Any:
    return http.post(
        "/me/contacts",
        headers=_headers(token, **{"Idempotency-Key": str(uuid.uuid4())}),
        body=json.dumps({"kind": kind, "value": value, "language": language}),
    )


def received_code(contact_id: str) -> str:
    """The newest code sent to the contact, as its owner reads it."""
    *_, newest = sorted(outbox.of_case(f"contact-{contact_id}"), key=lambda m: m.created_at)
    return str(newest.data["fields"]["code"])


def confirm(http: Any, token: str, contact_id: str, code: str) -> Any:
    return http.post(
        f"/me/contacts/{contact_id}/confirm",
        headers=_headers(token),
        body=json.dumps({"code": code}),
    )


def verified(http: Any, token: str, kind: str, value: str) -> str:
    """``value`` confirmed as the citizen's ``kind``; its contact id."""
    asked = ask_code(http, token, kind, value)
    assert asked.status_code in (200, 201), asked.body
    contact_id = str(asked.json_body["id"])
    if asked.status_code == 201:
        done = confirm(http, token, contact_id, received_code(contact_id))
        assert done.status_code == 200, done.body
    return contact_id
