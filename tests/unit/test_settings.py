from __future__ import annotations

import json

import pytest

from chalicelib.settings import MissingSetting, settings_from
from infra.stack import OUTPUT_ENV


def test_settings_read_every_stack_output() -> None:
    env = {name: f"value-of-{name}" for name in OUTPUT_ENV.values()} | {"KHIDMAT_STAGE": "dev"}
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
    local = {"KHIDMAT_STAGE": "local"}
    assert settings_from(local).tracing_enabled is False
    assert settings_from(local | {"POWERTOOLS_TRACE_DISABLED": "false"}).tracing_enabled is True


@pytest.mark.parametrize("stage", [None, "", "staging", "LOCAL"])
def test_a_function_without_its_stage_refuses_to_start(stage: str | None) -> None:
    env = {} if stage is None else {"KHIDMAT_STAGE": stage}
    with pytest.raises(MissingSetting, match="KHIDMAT_STAGE"):
        settings_from(env)


def test_importing_the_app_without_a_stage_fails() -> None:
    """The Lambda's cold start reads the settings: no stage, no function."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k != "KHIDMAT_STAGE"}
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", "import app"], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0 and "KHIDMAT_STAGE" in done.stderr
