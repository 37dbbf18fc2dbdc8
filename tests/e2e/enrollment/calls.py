"""How the pre-registration journeys call the API and read what was sent."""

from __future__ import annotations

import json
import uuid
from io import BytesIO
from typing import Any

import requests
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends
from PIL import Image

from scripts.local_events import Pump

ACCOUNT, REGION = "123456789012", "eu-west-3"


def headers(token: str, language: str = "fr", **extra: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept-Language": language,
        **extra,
    }


def file(client: Any, token: str, body: dict[str, Any], language: str = "fr") -> Any:
    return client.http.post(
        "/enrollment/applications",
        headers=headers(token, language, **{"Idempotency-Key": str(uuid.uuid4())}),
        body=json.dumps(body),
    )


def decide(client: Any, token: str, case_id: str, action: str, body: Any = None) -> Any:
    return client.http.post(
        f"/enrollment/applications/{case_id}/{action}",
        headers=headers(token),
        body=json.dumps(body) if body is not None else None,
    )


def emails_about(reference: str) -> list[str]:
    return [
        f"{m.subject}\n{m.body}"
        for m in ses_backends[ACCOUNT][REGION].sent_messages
        if reference in getattr(m, "subject", "")
    ]


def sms_about(reference: str) -> list[str]:
    return [t for _, t in sns_backends[ACCOUNT][REGION].sms_messages.values() if reference in t]


def upload_photo(client: Any, token: str, case_id: str, pump: Pump) -> None:
    out = BytesIO()
    Image.new("RGB", (30, 40), (200, 180, 160)).save(out, "PNG")
    content = out.getvalue()
    grant = client.http.post(
        f"/cases/{case_id}/documents",
        headers=headers(token),
        body=json.dumps({"kind": "photo", "content_type": "image/png", "size": len(content)}),
    )
    assert grant.status_code == 201, grant.body
    form = {"file": ("photo.png", content, "image/png")}
    fields = grant.json_body["fields"]
    assert requests.post(grant.json_body["url"], data=fields, files=form, timeout=10).ok
    pump.drain()  # S3 -> uploads queue -> the checks


def approved(client: Any, guardian: str, director: str, case_id: str, pump: Pump) -> None:
    """The photo attached and checked, then the director's approval (not yet exported)."""
    upload_photo(client, guardian, case_id, pump)
    answer = decide(client, director, case_id, "approve")
    assert answer.status_code == 200, answer.body
    assert answer.json_body["state"] == "approved"
