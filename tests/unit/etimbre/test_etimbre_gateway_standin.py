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
    from chalicelib.store import secrets

    bare = settings_from({"KHIDMAT_STAGE": stage})
    monkeypatch.setattr(gateway, "get_settings", lambda: bare)
    monkeypatch.setattr(secrets, "get_settings", lambda: bare)
    with pytest.raises(gateway.GatewayNotConfigured, match="PAYMENT_GATEWAY_URL"):
        gateway.open_session("a" * 32, Decimal("600.00"), "MAD", "online", "")
    with pytest.raises(gateway.GatewayNotConfigured):
        gateway.refund("a" * 32, "pay_1", Decimal("600.00"), "MAD")
    assert gateway.secret() == ""  # nor is the local stand-in's secret accepted there


def test_the_local_stage_uses_the_in_process_stand_in_the_local_stack_wires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from scripts.standins.payment_gateway import wire_in_process

    monkeypatch.setattr(gateway, "get_settings", lambda: settings_from({"KHIDMAT_STAGE": "local"}))
    monkeypatch.setattr(gateway, "_LOCAL_TRANSPORT", [])
    with pytest.raises(gateway.GatewayNotConfigured, match="no stand-in"):
        gateway.open_session("b" * 32, Decimal("600.00"), "MAD", "online", "")
    wire_in_process()
    session = gateway.open_session("b" * 32, Decimal("600.00"), "MAD", "online", "")
    assert session.pay_url.startswith("local:")
    assert gateway.secret() == gateway.LOCAL_SECRET


def test_the_stand_in_lives_outside_the_packaged_code() -> None:
    assert importlib.util.find_spec("scripts.standins.payment_gateway") is not None
    assert importlib.util.find_spec("chalicelib.services.etimbre.standin_gateway") is None


def test_no_product_module_imports_scripts() -> None:
    """The stand-ins and the local tooling stay out of the Lambda package's imports."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    offenders = []
    for path in [root / "app.py", *(root / "chalicelib").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [
                f"{path.relative_to(root)}: {n}" for n in names if n.split(".")[0] == "scripts"
            ]
    assert not offenders, offenders
