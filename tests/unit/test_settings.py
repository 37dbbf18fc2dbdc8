from __future__ import annotations

import json

from chalicelib.settings import settings_from
from infra.stack import OUTPUT_ENV


def test_settings_read_every_stack_output() -> None:
    env = {name: f"value-of-{name}" for name in OUTPUT_ENV.values()}
    env["AUTH_ISSUERS"] = json.dumps(
        [
            {
                "name": "citizen",
                "issuer": "i",
                "audience": "a",
                "jwks_url": "https://idp.example/jwks",
            }
        ]
    )
    settings = settings_from(env)
    for name in OUTPUT_ENV.values():
        assert f"value-of-{name}" in settings.__dict__.values(), name
    issuer = settings.issuer_named("citizen")
    assert issuer is not None and issuer.jwks_url.endswith("/jwks")
    assert settings.issuer_named("staff") is None


def test_tracing_is_off_unless_asked() -> None:
    assert settings_from({}).tracing_enabled is False
    assert settings_from({"POWERTOOLS_TRACE_DISABLED": "false"}).tracing_enabled is True
