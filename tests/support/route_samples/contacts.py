"""Samples of the contact routes (``/me/contacts``)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from bench.calls import Sample as BenchSample
from chalicelib import clock
from chalicelib.identity import identity
from tests.support.route_samples.matrix import OWNER, Sample

LP_OWNER = "lp-contact-owner"
_PHONE = '{"kind": "phone", "value": "+212611000001"}'


def pending_contact(owner: str = OWNER) -> dict[str, str]:
    """A contact of ``owner`` waiting for its code: its id, and the code. Written through the
    store (a sample per role would spend the owner's codes of the day)."""
    from datetime import timedelta

    from chalicelib.notify import contacts
    from chalicelib.store import contacts as store

    now, value, code = clock.now(), f"{uuid.uuid4().hex[:10]}@demo.invalid", "246810"
    contact_id = contacts.contact_id_of(owner, "email", value)
    fresh = store.StoredContact(
        contact_id, "email", value, "fr", store.PENDING, "", None, 0, 0, now, None
    )
    digest = contacts.code_digest(contact_id, code)
    store.new_code(owner, fresh, digest, now + timedelta(minutes=15), now)
    return {"contact_id": contact_id, "code": code}


def _lp_pending() -> dict[str, str]:
    return pending_contact(identity("citizen", LP_OWNER))


MATRIX: dict[tuple[str, str], Sample] = {
    ("GET", "/me/contacts"): Sample(),
    ("POST", "/me/contacts"): Sample(body=_PHONE),
    ("POST", "/me/contacts/{contact_id}/confirm"): Sample(
        setup=pending_contact, body='{"code": "999999"}'
    ),
}

_FILING = {"Content-Type": "application/json"}
LEAST_PRIVILEGE: list[tuple[Any, ...]] = [
    ("GET", "/me/contacts", "/me/contacts", "citizen", 200),
    ("POST", "/me/contacts", "/me/contacts", "citizen", 400),
    (
        "POST",
        "/me/contacts",
        "/me/contacts",
        "citizen",
        201,
        {
            "claims": {"sub": LP_OWNER},
            "headers": {**_FILING, "Idempotency-Key": f"lp-{uuid.uuid4()}"},
            "body": _PHONE,
        },
    ),
    (
        "POST",
        "/me/contacts/{contact_id}/confirm",
        "/me/contacts/{contact_id}/confirm",
        "citizen",
        200,
        {
            "setup": _lp_pending,
            "claims": {"sub": LP_OWNER},
            "headers": _FILING,
            "body": lambda values: json.dumps({"code": values["code"]}),
        },
    ),
]

BENCH: dict[tuple[str, str], BenchSample] = {
    ("GET", "/me/contacts"): BenchSample(
        role="citizen", floor=2, why="rate counter, the citizen's contacts (one Query)"
    ),
    ("POST", "/me/contacts"): BenchSample(
        body={"kind": "phone", "value": "+212611000002"},
        role="citizen",
        floor=4,
        why="rate counter, the code's rate counter, the contact if known, one transaction "
        "(the contact and its message in the outbox)",
    ),
    ("POST", "/me/contacts/{contact_id}/confirm"): BenchSample(
        path={"contact_id": "0" * 24},
        body={"code": "123456"},
        role="citizen",
        floor=3,
        why="rate counter, the contact, its confirmation",
    ),
}
