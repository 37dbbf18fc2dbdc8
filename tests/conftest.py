"""Shared fixtures. The AWS ones deploy infra/template.yaml into in-process moto, once per
test process, exactly as ``make run`` deploys it into the moto server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scripts.local_stack import isolate_environment

isolate_environment()
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")

from chalicelib import services  # noqa: E402
from tests.support import caches  # noqa: E402

services.install()  # as app.py does: tests that never import the app know the case types
from tests.support.aws_calls import RECORDER  # noqa: E402


@dataclass(frozen=True)
class Stack:
    env: dict[str, str]
    key_dir: Path


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    from moto import mock_aws

    from infra import moto_atomic
    from scripts.local_stack import provision
    from tests.support import moto_fast, moto_ses_raw

    moto_atomic.install()
    moto_fast.install()  # DynamoDB costs that grow with the session, made per request
    moto_ses_raw.install()  # e-mails with attachments read like the others
    key_dir = tmp_path_factory.mktemp("keys")
    mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
    mock.start()
    try:
        env = provision("local", key_dir)
        os.environ.update(env)
        caches.cold_start()
        RECORDER.install()
        yield Stack(env, key_dir)
    finally:
        RECORDER.uninstall()
        mock.stop()


@pytest.fixture
def token(stack: Stack) -> Callable[..., str]:
    """token(role, office=..., acr=..., sub=...) -> a signed token from a local issuer."""
    from scripts.devtokens import mint

    def make(role: str = "citizen", **claims: Any) -> str:
        return mint(role, directory=stack.key_dir, **claims)

    return make


@pytest.fixture
def client(stack: Stack) -> Iterator[Any]:
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="local") as test_client:
        yield test_client


@pytest.fixture
def no_scan(stack: Stack) -> Iterator[None]:
    """Fails the test if anything it ran called DynamoDB Scan (DESIGN.md, rule 5)."""
    RECORDER.clear()
    yield
    scans = [c for c in RECORDER.of("dynamodb") if c.operation == "Scan"]
    assert not scans, f"DynamoDB Scan on a request path: {[c.params for c in scans]}"


@pytest.fixture(autouse=True)
def own_limit_counters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test counts its own rate limits, quotas and SMS budgets: the stack lives for the
    whole session, which would otherwise make one day (and one minute) of thousands of
    journeys, and a test's outcome would depend on the ones before it."""
    import uuid

    from chalicelib.store import ratelimit as counters

    monkeypatch.setattr(counters, "PREFIX", f"ratelimit#{uuid.uuid4().hex[:8]}#")
