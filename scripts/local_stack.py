"""The local stack: the template deployed into moto, what moto leaves out, local issuers.

Used by ``make run`` (against a moto server), by the tests and by the benchmarks (against
in-process moto): one way to build an environment, the template's.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import boto3

from infra import moto_gaps, stack
from scripts import devtokens

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "eu-west-3",
    "AWS_REGION": "eu-west-3",
    # moto serves no account-specific DynamoDB endpoint
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}

LOCAL_PORT = 8000  # make run's API (PORT moves it)


def isolate_environment() -> None:
    """Fake credentials and no endpoint: in-process moto, never a real account or a server."""
    os.environ.update(FAKE_CREDENTIALS)
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    # The local stage, until the stack's own environment (which names it too) is applied.
    os.environ.setdefault("KHIDMAT_STAGE", "local")


def provision(
    stage: str = "local", key_dir: Path = devtokens.DEFAULT_DIR, port: int = LOCAL_PORT
) -> dict[str, str]:
    """Deploy the stack into whatever AWS boto3 points at (moto here); return the app's env.
    Links in notices point at the local API, ``http://127.0.0.1:<port>``."""
    session = boto3.Session()
    base_url = {"PublicBaseUrl": f"http://127.0.0.1:{port}"}
    outputs = stack.deploy(session.client("cloudformation"), stage, base_url)
    outputs = moto_gaps.close_gaps(session, stage, outputs)
    env = stack.environment(outputs, stage)
    env["AUTH_ISSUERS"] = json.dumps(devtokens.ensure_issuers(key_dir))
    from scripts.standins.payment_gateway import wire_in_process

    wire_in_process()  # the payment gateway of the local stage, for this process
    return env
