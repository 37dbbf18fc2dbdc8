"""The guide is built ahead of traffic: into the documents bucket, KMS-encrypted, once per
version (a second build changes nothing), by the build command and by the deploy before
the app's code goes live."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from chalicelib.services.equivalence.library import guide
from infra import stack as stack_module
from scripts import build_guide, deploy
from tests.support.aws_calls import RECORDER

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def renders(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytes]]:
    """A version of the guide no other test built, and a fast stand-in for fpdf2 that
    records each render (the real one is exercised by the e2e tests)."""
    monkeypatch.setattr(guide, "RENDERER_VERSION", f"test-{uuid.uuid4().hex}")
    done: list[bytes] = []

    def render(data: dict[str, Any]) -> bytes:
        done.append(b"%PDF-1.7 guide " + str(data["renderer"]).encode())
        return done[-1]

    monkeypatch.setattr(guide, "_render", render)
    yield done


def test_a_build_stores_the_version_once_encrypted(stack: Any, renders: list[bytes]) -> None:
    first = guide.build()
    RECORDER.clear()
    second = guide.build()

    assert (
        first.created
        and not second.created
        and first == second.__class__(second.version, second.key, True)
    )
    assert len(renders) == 1  # the second build did not render
    assert [(c.service, c.operation) for c in RECORDER.calls] == [("s3", "HeadObject")]
    s3 = boto3.client("s3")
    head = s3.head_object(Bucket=stack.env["DOCUMENTS_BUCKET"], Key=first.key)
    assert head["ServerSideEncryption"] == "aws:kms" and head["ContentType"] == "application/pdf"
    assert stack.env["DATA_KEY_ID"] in head["SSEKMSKeyId"]
    body = s3.get_object(Bucket=stack.env["DOCUMENTS_BUCKET"], Key=first.key)["Body"].read()
    assert body == renders[0]


def test_the_build_command_names_a_stacks_bucket(stack: Any, renders: list[bytes]) -> None:
    outputs = stack_module.outputs(boto3.client("cloudformation"), "local")
    s3 = boto3.client("s3")
    assert build_guide.build(outputs, s3).endswith(": built")
    assert build_guide.build(outputs, s3).endswith(": already there")
    assert len(renders) == 1


def test_the_deploy_builds_the_guide_before_the_code_goes_live(
    stack: Any, renders: list[bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stack is the local one here; packaging and the change set are
    tests/integration/test_deploy_path.py's."""
    outputs = stack_module.outputs(boto3.client("cloudformation"), "local")
    key = guide.key_of(guide.version_of(guide.contents()))
    config = tmp_path / "config.json"
    shutil.copy(ROOT / ".chalice" / "config.json", config)
    seen: list[bool] = []

    def package(stage: str, outdir: Path, region: str) -> Path:
        from chalicelib.documents import published

        seen.append(published.exists(key, build_guide.bucket_of(outputs, boto3.client("s3"))))
        return outdir / "sam.json"

    monkeypatch.setattr(deploy, "load_issuers", lambda stage: [])
    monkeypatch.setattr(stack_module, "deploy", lambda *args, **kwargs: outputs)
    monkeypatch.setattr(deploy, "package", package)
    monkeypatch.setattr(deploy, "deploy_app", lambda *args: {"EndpointURL": "https://api"})
    monkeypatch.setenv(deploy.ARTIFACTS_ENV, "khidmat-dev-artifacts")

    deploy.deploy("dev", config, "https://khidmat.gov.ma/api", "https://portail.khidmat.gov.ma")

    assert seen == [True] and len(renders) == 1
    assert json.loads(config.read_text())["stages"]["dev"]["environment_variables"]
