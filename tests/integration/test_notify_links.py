"""Links in notices, through the outbox against moto: a message's API paths go out as
absolute URLs of the configured public base URL; without a usable one (plain http on a
cloud stage) the message fails loudly on the dead-letter queue, is never sent with a broken
link, and goes out right once an operator fixes the setting and redrives it."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from moto.ses.models import ses_backends

from chalicelib import links
from chalicelib.aws import client
from chalicelib.notify import outbox
from chalicelib.settings import get_settings
from chalicelib.store import outbox as store

ACCOUNT, REGION = "123456789012", "eu-west-3"


def paid_notice() -> tuple[str, str, str]:
    """An eTimbre-paid e-mail in the outbox, as the service writes it: (pk, sk, number)."""
    number, case_id = str(uuid.uuid4().int)[:15], uuid.uuid4().hex
    data: dict[str, object] = {"links": {"check": links.path("public", "stamps", number)}}
    store.enqueue(
        case_id, number, "etimbre#paid#email", "email", "etimbre_paid",
        "buyer@demo.invalid", "en", data, datetime.now(UTC),
    )  # fmt: skip
    [item] = store.of_case(case_id)
    return item.pk, item.sk, number


def mails(number: str) -> list[str]:
    sent = ses_backends[ACCOUNT][REGION].sent_messages
    return [str(m.body) for m in sent if number in m.subject]


def configure(monkeypatch: pytest.MonkeyPatch, stage: str, url: str) -> None:
    configured = replace(get_settings(), stage=stage, public_base_url=url)
    monkeypatch.setattr(links, "get_settings", lambda: configured)


def test_a_notice_carries_the_absolute_url_of_its_path(stack: Any) -> None:
    pk, sk, number = paid_notice()
    assert outbox.deliver(pk, sk) == "sent"
    [body] = mails(number)
    assert f"{stack.env['PUBLIC_BASE_URL']}/public/stamps/{number}" in body


def test_without_an_https_base_url_a_cloud_stage_sends_no_link_and_says_so(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, "prod", "http://api.khidmat.ma")
    pk, sk, number = paid_notice()

    assert outbox.deliver(pk, sk) == "failed"  # at once: no retry would mend the setting

    failed = store.get(pk, sk)
    assert failed is not None and failed.status == "failed"
    assert "PUBLIC_BASE_URL" in str(failed.last_error) and mails(number) == []
    url = get_settings().outbox_dlq_url
    letters = client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    assert any(json.loads(m["Body"])["sk"] == sk for m in letters.get("Messages", []))

    configure(monkeypatch, "prod", "https://api.khidmat.ma")  # the operator fixes it
    assert outbox.redrive(pk, sk) == "sent"
    [body] = mails(number)
    assert f"https://api.khidmat.ma/public/stamps/{number}" in body
