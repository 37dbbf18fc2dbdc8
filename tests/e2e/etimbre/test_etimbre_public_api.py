"""The public check of a stamp: a page in a real browser (headless Chromium, over real HTTP,
the stand-in gateway calling the served app back), JSON for a program, and a rate limit."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime
from typing import Any

import pytest

from app import app
from chalicelib import clock
from scripts.standins.payment_gateway import StandInGateway, http_delivery, use_standin
from tests.support.browser import needs_chromium, page_text
from tests.support.local_server import serving


def post(url: str, token: str, body: dict[str, Any], key: str) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 (a local URL)
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
    )
    with urllib.request.urlopen(request) as answer:  # noqa: S310
        return dict(json.loads(answer.read()))


@needs_chromium
def test_a_browser_shows_a_paid_stamp_as_valid_with_no_personal_data(
    stack: Any, token: Any
) -> None:
    with serving(app) as base:
        gateway: StandInGateway = use_standin(http_delivery(f"{base}/etimbre/payments/webhook"))
        citizen = token("citizen", sub="etimbre-browser-buyer")
        stamp = post(
            f"{base}/etimbre/stamps",
            citizen,
            {"service": "nationality_certificate", "consulate": "FR-PAR", "channel": "online"},
            "browser-1",
        )
        [(status, paid)] = gateway.pay(stamp["pay_url"].rsplit("/", 1)[-1], "success")
        assert status == 200, paid
        dom = page_text(f"{base}/public/stamps/{paid['number']}")
        assert '<html lang="ar" dir="rtl">' in dom
        assert "Timbre valide" in dom and "طابع صالح" in dom
        assert f"<bdi>{paid['number']}</bdi>" in dom and "60.00 MAD" in dom
        assert "etimbre-browser-buyer" not in dom  # the buyer is nowhere
        with urllib.request.urlopen(f"{base}/public/stamps/{paid['number']}") as answer:  # noqa: S310
            assert json.loads(answer.read())["status"] == "valid"  # no Accept: JSON


def test_the_public_check_is_rate_limited(http: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        clock, "now", lambda: datetime.fromtimestamp(1_900_000_000.0, UTC)
    )  # a minute of its own
    answers = [http.get("/public/stamps/123456789012334").status_code for _ in range(31)]
    assert answers[:30] == [200] * 30 and answers[30] == 429
