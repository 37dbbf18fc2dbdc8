"""The step ``make deploy`` runs after ``chalice deploy``: ``ReportBatchItemFailures`` on the
stage's event source mappings, idempotently, and kept by a later ``chalice deploy`` (moto).

The mappings are made by Chalice's own client calls, as ``chalice deploy`` makes them, on a
queue and a table stream of this test (moto would try to invoke a function, which needs
Docker, on a message sent to a mapped queue: nothing is sent, and the mappings are deleted
afterwards); the last test runs a real ``chalice deploy`` (twice) of an app with only a
queue and a stream handler into a moto server (an app with routes does not deploy into
moto). The package path's template is checked in ``test_deploy_path.py``.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice.awsclient import TypedAWSClient

from scripts import event_sources

REGION = "eu-west-3"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return None\n")
    return buffer.getvalue()


@pytest.fixture
def deployed(stack: Any, tmp_path: Path) -> Iterator[tuple[Any, Path, list[str]]]:
    """Two functions, a queue mapping and a stream mapping made as Chalice makes them, and
    Chalice's record of the deploy in ``<project>/.chalice/deployed/dev.json``."""
    session = boto3.Session(region_name=REGION)
    lam, tag = session.client("lambda"), uuid.uuid4().hex[:8]
    role = session.client("iam").create_role(
        RoleName=f"batches-{tag}", AssumeRolePolicyDocument="{}"
    )["Role"]["Arn"]
    arns = [
        lam.create_function(
            FunctionName=f"khidmat-dev-{name}-{tag}",
            Runtime="python3.11",
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": _zip()},
        )["FunctionArn"]
        for name in ("timer_callbacks", "cases_stream")
    ]
    queue = session.client("sqs").create_queue(QueueName=f"batches-{tag}")["QueueUrl"]
    queue_arn = session.client("sqs").get_queue_attributes(
        QueueUrl=queue, AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    table = session.client("dynamodb").create_table(
        TableName=f"batches-{tag}",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    # Chalice's own calls; its stubs say None, the call returns the mapping's UUID.
    chalice: Any = TypedAWSClient(session._session)  # botocore's session, as the CLI gives
    uuids: list[str] = [
        chalice.create_lambda_event_source(queue_arn, arns[0], batch_size=10),
        chalice.create_lambda_event_source(
            table["LatestStreamArn"], arns[1], batch_size=100, starting_position="LATEST"
        ),
    ]
    record = {
        "resources": [
            {"resource_type": "lambda_function", "name": "timer_callbacks", "lambda_arn": arns[0]},
            {"resource_type": "sqs_event", "event_uuid": uuids[0], "lambda_arn": arns[0]},
            {"resource_type": "lambda_function", "name": "cases_stream", "lambda_arn": arns[1]},
            {"resource_type": "dynamodb_event", "event_uuid": uuids[1], "lambda_arn": arns[1]},
        ]
    }
    (tmp_path / ".chalice" / "deployed").mkdir(parents=True)
    (tmp_path / ".chalice" / "deployed" / "dev.json").write_text(json.dumps(record))
    try:
        yield lam, tmp_path, uuids
    finally:
        for mapping in uuids:
            lam.delete_event_source_mapping(UUID=mapping)


def _types(lam: Any, mapping: str) -> list[str]:
    return list(lam.get_event_source_mapping(UUID=mapping).get("FunctionResponseTypes") or [])


def test_every_mapping_reports_failures_then_a_second_run_changes_nothing(
    deployed: tuple[Any, Path, list[str]],
) -> None:
    lam, project, uuids = deployed
    assert [_types(lam, u) for u in uuids] == [[], []]  # what chalice deploy leaves
    functions, recorded = event_sources.deployed("dev", project)
    assert sorted(recorded) == sorted(uuids) and len(functions) == 2

    changed = event_sources.apply(lam, functions, recorded, sleep=lambda _: None, stage="dev")

    assert sorted(changed) == sorted(uuids)
    assert [_types(lam, u) for u in uuids] == [["ReportBatchItemFailures"]] * 2
    assert event_sources.apply(lam, functions, recorded, stage="dev") == []


def test_a_stream_mapping_gets_a_retry_limit_and_the_stage_s_failures_queue(
    deployed: tuple[Any, Path, list[str]],
) -> None:
    """A record no handler can take would hold its shard for a day: after its retries the
    batch is described in the stage's failures queue and the shard moves on (decision 79)."""
    lam, project, (queue_mapping, stream_mapping) = deployed
    event_sources.apply(lam, *event_sources.deployed("dev", project), stage="dev")

    stream = lam.get_event_source_mapping(UUID=stream_mapping)
    account = stream["EventSourceArn"].split(":")[4]
    assert stream["MaximumRetryAttempts"] == event_sources.STREAM_RETRIES
    assert stream["BisectBatchOnFunctionError"] is True
    assert stream["DestinationConfig"]["OnFailure"]["Destination"] == (
        f"arn:aws:sqs:{REGION}:{account}:khidmat-dev-stream-failures"
    )
    queue = lam.get_event_source_mapping(UUID=queue_mapping)
    assert "OnFailure" not in (queue.get("DestinationConfig") or {})  # its redrive policy
    assert queue.get("MaximumRetryAttempts") in (None, -1)


def test_a_later_chalice_deploy_keeps_the_setting(deployed: tuple[Any, Path, list[str]]) -> None:
    lam, project, uuids = deployed
    event_sources.apply(lam, *event_sources.deployed("dev", project), stage="dev")

    chalice = TypedAWSClient(boto3.Session(region_name=REGION)._session)
    chalice.update_lambda_event_source(uuids[0], batch_size=5)  # what a redeploy calls

    found = lam.get_event_source_mapping(UUID=uuids[0])
    assert found["BatchSize"] == 5
    assert found["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert event_sources.apply(lam, *event_sources.deployed("dev", project), stage="dev") == []


def test_a_mapping_still_settling_is_tried_again(
    deployed: tuple[Any, Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    lam, _, uuids = deployed
    real = lam.update_event_source_mapping
    calls: list[str] = []
    waits: list[float] = []

    def busy_once(**kwargs: Any) -> Any:
        calls.append(kwargs["UUID"])
        if len(calls) == 1:
            raise lam.exceptions.ResourceInUseException(
                {"Error": {"Code": "ResourceInUseException", "Message": "Creating"}}, "Update"
            )
        return real(**kwargs)

    monkeypatch.setattr(lam, "update_event_source_mapping", busy_once)
    changed = event_sources.apply(lam, [], uuids, sleep=waits.append, stage="dev")

    assert sorted(changed) == sorted(uuids) and waits == [1.0]
    assert [_types(lam, u) for u in uuids] == [["ReportBatchItemFailures"]] * 2


def test_without_chalice_s_record_the_step_stops_and_says_why(tmp_path: Path) -> None:
    with pytest.raises(event_sources.NotDeployed, match="chalice deploy --stage dev"):
        event_sources.deployed("dev", tmp_path)


def test_the_package_template_s_stream_and_queue_events_report_failures() -> None:
    template: dict[str, Any] = {
        "Resources": {
            "TimerCallbacks": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Events": {
                        "Timers": {"Type": "SQS", "Properties": {"BatchSize": 10}},
                        "Nightly": {"Type": "Schedule", "Properties": {}},
                    }
                },
            },
            "CasesStream": {
                "Type": "AWS::Serverless::Function",
                "Properties": {"Events": {"Cases": {"Type": "DynamoDB", "Properties": {}}}},
            },
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {}},
        }
    }
    assert sorted(event_sources.in_template(template, "dev")) == [
        "CasesStream.Cases",
        "TimerCallbacks.Timers",
    ]
    events = template["Resources"]["TimerCallbacks"]["Properties"]["Events"]
    assert events["Timers"]["Properties"] == {
        "BatchSize": 10,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
    }
    assert "FunctionResponseTypes" not in events["Nightly"]["Properties"]
    cases = template["Resources"]["CasesStream"]["Properties"]["Events"]["Cases"]
    assert cases["Properties"]["MaximumRetryAttempts"] == event_sources.STREAM_RETRIES
    assert cases["Properties"]["BisectBatchOnFunctionError"] is True
    queue = "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:khidmat-dev-stream-failures"
    assert cases["Properties"]["DestinationConfig"] == {
        "OnFailure": {"Type": "SQS", "Destination": {"Fn::Sub": queue}}
    }
    assert event_sources.in_template(template, "dev") == []  # already there: unchanged


EVENT_APP = """from chalice import Chalice

app = Chalice(app_name="{name}")


@app.on_sqs_message(queue="{name}", batch_size={batch})
def on_queue(event):
    return {{"batchItemFailures": []}}


@app.on_dynamodb_record(stream_arn="{stream}")
def on_stream(event):
    return {{"batchItemFailures": []}}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_after_a_real_chalice_deploy_and_a_redeploy(stack: Any, tmp_path: Path) -> None:
    """``chalice deploy`` (a subprocess, as ``make deploy`` runs it) into a moto server that
    shares this process's backends; the step on its record; ``chalice deploy`` again with
    another batch size: the setting stays and the step has nothing to do."""
    from moto.server import ThreadedMotoServer

    port, name = _free_port(), f"batches-{uuid.uuid4().hex[:8]}"
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint, "AWS_DEFAULT_REGION": REGION}
    session = boto3.Session(region_name=REGION)
    lam = session.client("lambda", endpoint_url=endpoint)
    uuids: list[str] = []
    try:
        session.client("sqs", endpoint_url=endpoint).create_queue(QueueName=name)
        stream = session.client("dynamodb", endpoint_url=endpoint).create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )["TableDescription"]["LatestStreamArn"]
        (tmp_path / ".chalice").mkdir()
        config = {"version": "2.0", "app_name": name, "stages": {"dev": {}}}
        (tmp_path / ".chalice" / "config.json").write_text(json.dumps(config))
        (tmp_path / "requirements.txt").write_text("")

        def chalice_deploy(batch: int) -> None:
            app = EVENT_APP.format(name=name, batch=batch, stream=stream)
            (tmp_path / "app.py").write_text(app)
            command = [sys.executable, "-c", "from chalice.cli import main; main()", "deploy"]
            done = subprocess.run(
                [*command, "--stage", "dev"], cwd=tmp_path, env=env, capture_output=True, text=True
            )
            assert done.returncode == 0, done.stderr

        chalice_deploy(batch=5)
        functions, uuids = event_sources.deployed("dev", tmp_path)
        assert len(functions) == 2 and len(uuids) == 2
        assert [_types(lam, u) for u in uuids] == [[], []]

        assert sorted(event_sources.apply(lam, functions, uuids, stage="dev")) == sorted(uuids)

        chalice_deploy(batch=7)
        assert event_sources.deployed("dev", tmp_path) == (functions, uuids)  # updated in place
        queue_mapping = next(u for u in uuids if ":sqs:" in _arn(lam, u))
        assert lam.get_event_source_mapping(UUID=queue_mapping)["BatchSize"] == 7
        assert [_types(lam, u) for u in uuids] == [["ReportBatchItemFailures"]] * 2
        assert event_sources.apply(lam, functions, uuids, stage="dev") == []
    finally:
        for mapping in uuids:
            lam.delete_event_source_mapping(UUID=mapping)
        server.stop()


def _arn(lam: Any, mapping: str) -> str:
    return str(lam.get_event_source_mapping(UUID=mapping)["EventSourceArn"])
