"""The card gateway's secret off the local stage: Secrets Manager (moto), read at first use;
none named, nothing is signed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.services.etimbre import gateway
from chalicelib.settings import settings_from


def test_off_the_local_stage_the_secret_comes_from_secrets_manager_at_first_use(
    stack: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    created = boto3.client("secretsmanager").create_secret(
        Name="khidmat-dev-payment-gateway-test", SecretString="the-gateway-s-secret"
    )
    dev = settings_from({"KHIDMAT_STAGE": "dev", "PAYMENT_GATEWAY_SECRET_ARN": created["ARN"]})
    monkeypatch.setattr(gateway, "get_settings", lambda: dev)
    from chalicelib.store import secrets

    monkeypatch.setattr(secrets, "get_settings", lambda: dev)
    assert gateway.secret() == "the-gateway-s-secret"
    bare = settings_from({"KHIDMAT_STAGE": "dev", "PAYMENT_GATEWAY_URL": "https://pay.example"})
    monkeypatch.setattr(gateway, "get_settings", lambda: bare)
    monkeypatch.setattr(secrets, "get_settings", lambda: bare)
    with pytest.raises(gateway.GatewayNotConfigured, match="secret"):
        gateway.open_session("c" * 32, Decimal("600.00"), "MAD", "online", "")
