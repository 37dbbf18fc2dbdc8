"""The template, as deployed into moto, holds what the app and DESIGN.md need."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from infra import stack as infra_stack


def test_cases_table_has_the_queue_and_owner_indexes_and_a_stream(stack: Any) -> None:
    table = boto3.client("dynamodb").describe_table(TableName=stack.env["CASES_TABLE"])["Table"]
    indexes = {
        i["IndexName"]: [k["AttributeName"] for k in i["KeySchema"]]
        for i in table["GlobalSecondaryIndexes"]
    }
    assert indexes["by_owner"] == ["owner_pk", "owner_sk"]
    assert indexes["by_queue"] == ["queue_pk", "queue_sk"]
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


@pytest.mark.parametrize(
    "name", ["REFERENCE_TABLE", "SLOTS_TABLE", "STAMPS_TABLE", "IDEMPOTENCY_TABLE", "AUDIT_TABLE"]
)
def test_every_table_exists(stack: Any, name: str) -> None:
    table = boto3.client("dynamodb").describe_table(TableName=stack.env[name])["Table"]
    assert table["TableStatus"] == "ACTIVE"


def test_idempotency_records_expire(stack: Any) -> None:
    ttl = boto3.client("dynamodb").describe_time_to_live(TableName=stack.env["IDEMPOTENCY_TABLE"])
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expiration"


def test_documents_bucket_is_encrypted_with_the_data_key(stack: Any) -> None:
    s3 = boto3.client("s3")
    rules = s3.get_bucket_encryption(Bucket=stack.env["DOCUMENTS_BUCKET"])[
        "ServerSideEncryptionConfiguration"
    ]["Rules"]
    default = rules[0]["ApplyServerSideEncryptionByDefault"]
    assert default["SSEAlgorithm"] == "aws:kms"
    assert default["KMSMasterKeyID"].endswith(stack.env["DATA_KEY_ID"])


def test_queues_have_dead_letter_queues(stack: Any) -> None:
    sqs = boto3.client("sqs")
    for name in ("TIMER_QUEUE_URL", "UPLOADS_QUEUE_URL", "MASSAR_QUEUE_URL"):
        attributes = sqs.get_queue_attributes(
            QueueUrl=stack.env[name], AttributeNames=["RedrivePolicy"]
        )["Attributes"]
        assert "deadLetterTargetArn" in attributes["RedrivePolicy"], name


def test_signing_key_signs_with_p256(stack: Any) -> None:
    key = boto3.client("kms").describe_key(KeyId=stack.env["SIGNING_KEY_ID"])["KeyMetadata"]
    assert key["KeySpec"] == "ECC_NIST_P256" and key["KeyUsage"] == "SIGN_VERIFY"


def test_audit_bucket_is_locked_in_compliance_mode(stack: Any) -> None:
    config = boto3.client("s3").get_object_lock_configuration(Bucket=stack.env["AUDIT_BUCKET"])
    assert config["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]["Mode"] == "COMPLIANCE"


def test_timer_state_machine_waits_then_calls_back_through_the_queue(stack: Any) -> None:
    machine = boto3.client("stepfunctions").describe_state_machine(
        stateMachineArn=stack.env["TIMER_STATE_MACHINE_ARN"]
    )
    assert '"TimestampPath": "$.due_at"' in machine["definition"]
    assert stack.env["TIMER_QUEUE_URL"] in machine["definition"]


def test_every_output_the_app_reads_is_set(stack: Any) -> None:
    for variable in infra_stack.OUTPUT_ENV.values():
        assert stack.env.get(variable), variable


def test_redeploying_is_harmless(stack: Any) -> None:
    outputs = infra_stack.deploy(boto3.client("cloudformation"), "local")
    assert outputs["CasesTable"] == stack.env["CASES_TABLE"]
