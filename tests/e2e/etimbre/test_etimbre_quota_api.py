"""A citizen buys a bounded number of stamps a day (each opens a payment session and holds a
number); an agent selling on the consulate's terminal is not held to it."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.api import quotas
from tests.e2e.etimbre.helpers import buy


def test_stamp_purchases_have_a_daily_quota(
    http: Any, token: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(quotas.QUOTAS, "etimbre-purchase", quotas.Quota(3, quotas.DAY, "test"))
    pump = token("citizen", sub="etimbre-pump")
    for n in range(3):
        assert buy(http, pump, f"pump-{n}").status_code == 201
    refused = buy(http, pump, "pump-3")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.json_body["title"] == "Too many requests"
    # A retry of a purchase already made is its stored answer, not a new purchase.
    assert buy(http, pump, "pump-0").status_code == 201
    assert buy(http, token("citizen", sub="etimbre-honest"), "honest-0").status_code == 201
    counter = token("consular_agent", office="FR-PAR", sub="agent-terminal")
    for n in range(4):
        sale = buy(http, counter, f"tpe-{n}", channel="terminal", terminal_reference=f"TPE-{n}")
        assert sale.status_code == 201, sale.body
