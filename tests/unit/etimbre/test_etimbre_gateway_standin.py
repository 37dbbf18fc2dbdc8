"""Only the local stage may run without a payment gateway: elsewhere the first call fails
loudly, and no payment is ever faked. The stand-in is not in chalicelib (not packaged)."""

from __future__ import annotations

import importlib.util
from decimal import Decimal

import pytest

from chalicelib.services.etimbre import gateway
from chalicelib.settings import settings_from


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_an_empty_gateway_url_fails_loudly_on_a_deployed_stage(
    stage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gateway, "get_settings", lambda: settings_from({"KHIDMAT_STAGE": stage}))
    with pytest.raises(gateway.GatewayNotConfigured, match="PAYMENT_GATEWAY_URL"):
        gateway.open_session("a" * 32, Decimal("600.00"), "MAD", "online", "")
    with pytest.raises(gateway.GatewayNotConfigured):
        gateway.refund("a" * 32, "pay_1", Decimal("600.00"), "MAD")
    assert gateway.secret() == ""  # nor is the local stand-in's secret accepted there


def test_the_local_stage_uses_the_in_process_stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gateway, "get_settings", lambda: settings_from({"KHIDMAT_STAGE": "local"}))
    session = gateway.open_session("b" * 32, Decimal("600.00"), "MAD", "online", "")
    assert session.pay_url.startswith("local:")
    assert gateway.secret() == gateway.LOCAL_SECRET


def test_the_stand_in_lives_outside_the_packaged_code() -> None:
    assert importlib.util.find_spec("scripts.standins.payment_gateway") is not None
    assert importlib.util.find_spec("chalicelib.services.etimbre.standin_gateway") is None
