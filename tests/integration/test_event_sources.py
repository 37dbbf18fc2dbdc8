"""The step ``make deploy`` runs after ``chalice deploy``: ``ReportBatchItemFailures`` on the
stage's event source mappings, idempotently, and kept by a later ``chalice deploy`` (moto).

The mappings are made by Chalice's own client calls, as ``chalice deploy`` makes them, on a
queue and a table stream of this test (moto would try to invoke a function, which needs
Docker, on a message sent to a mapped queue: nothing is sent, and the mappings are deleted
afterwards). The package path's template is checked in ``test_deploy_path.py``.
"""

from __future__ import annotations

import io
import json
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

    changed = event_sources.apply(lam, functions, recorded, sleep=lambda _: None)

    assert sorted(changed) == sorted(uuids)
    assert [_types(lam, u) for u in uuids] == [["ReportBatchItemFailures"]] * 2
    assert event_sources.apply(lam, functions, recorded) == []


def test_a_later_chalice_deploy_keeps_the_setting(deployed: tuple[Any, Path, list[str]]) -> None:
    lam, project, uuids = deployed
    event_sources.apply(lam, *event_sources.deployed("dev", project))

    chalice = TypedAWSClient(boto3.Session(region_name=REGION)._session)
    chalice.update_lambda_event_source(uuids[0], batch_size=5)  # what a redeploy calls

    found = lam.get_event_source_mapping(UUID=uuids[0])
    assert found["BatchSize"] == 5
    assert found["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert event_sources.apply(lam, *event_sources.deployed("dev", project)) == []


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
    changed = event_sources.apply(lam, [], uuids, sleep=waits.append)

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
    assert sorted(event_sources.in_template(template)) == [
        "CasesStream.Cases",
        "TimerCallbacks.Timers",
    ]
    events = template["Resources"]["TimerCallbacks"]["Properties"]["Events"]
    assert events["Timers"]["Properties"] == {
        "BatchSize": 10,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
    }
    assert "FunctionResponseTypes" not in events["Nightly"]["Properties"]
    assert event_sources.in_template(template) == []  # already there: unchanged
