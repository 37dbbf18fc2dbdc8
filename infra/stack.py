"""Deploy ``infra/template.yaml`` with CloudFormation and turn its outputs into app settings.

The same code deploys to AWS (``make deploy``), into the moto server of ``make run`` and
into the in-process moto of the tests, so there is one list of resources: the template.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).with_name("template.yaml")

# stack output -> environment variable the app reads (chalicelib/settings.py)
OUTPUT_ENV = {
    "CasesTable": "CASES_TABLE",
    "ReferenceTable": "REFERENCE_TABLE",
    "SlotsTable": "SLOTS_TABLE",
    "StampsTable": "STAMPS_TABLE",
    "IdempotencyTable": "IDEMPOTENCY_TABLE",
    "AuditTable": "AUDIT_TABLE",
    "DocumentsBucket": "DOCUMENTS_BUCKET",
    "AuditBucket": "AUDIT_BUCKET",
    "DataKeyId": "DATA_KEY_ID",
    "SigningKeyId": "SIGNING_KEY_ID",
    "NotificationsTopicArn": "NOTIFICATIONS_TOPIC_ARN",
    "TimerQueueUrl": "TIMER_QUEUE_URL",
    "UploadsQueueUrl": "UPLOADS_QUEUE_URL",
    "MassarQueueUrl": "MASSAR_QUEUE_URL",
    "TimerStateMachineArn": "TIMER_STATE_MACHINE_ARN",
    "CursorSecretArn": "CURSOR_SECRET_ARN",
    "PaymentGatewaySecretArn": "PAYMENT_GATEWAY_SECRET_ARN",
    "MassarCredentialsSecretArn": "MASSAR_CREDENTIALS_SECRET_ARN",
    "CasesTableStreamArn": "CASES_STREAM_ARN",
    "OutboxRetryQueueUrl": "OUTBOX_RETRY_QUEUE_URL",
    "OutboxDeadLetterQueueUrl": "OUTBOX_DLQ_URL",
    "JobsQueueUrl": "JOBS_QUEUE_URL",
    "SenderEmail": "SENDER_EMAIL",
    "PublicBaseUrl": "PUBLIC_BASE_URL",
}


def stack_name(stage: str) -> str:
    return f"khidmat-{stage}"


def deploy(
    cloudformation: Any, stage: str, parameters: dict[str, str] | None = None
) -> dict[str, str]:
    """Create or update the stack and wait for it; return its outputs. On an update, a
    parameter not given keeps the value the stack has (an operator's sender address or
    allowed origins), instead of falling back to the template's default."""
    name = stack_name(stage)
    given = {"Stage": stage, **(parameters or {})}
    params: list[dict[str, Any]] = [
        {"ParameterKey": k, "ParameterValue": v} for k, v in given.items()
    ]
    args = {
        "StackName": name,
        "TemplateBody": TEMPLATE.read_text(),
        "Parameters": params,
        "Capabilities": ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
    }
    if _exists(cloudformation, name):
        kept = [k for k in _parameters_of(cloudformation, name) if k not in given]
        params += [{"ParameterKey": k, "UsePreviousValue": True} for k in kept]
        try:
            cloudformation.update_stack(**args)
        except cloudformation.exceptions.ClientError as error:
            if "No updates are to be performed" not in str(error):
                raise
        else:
            cloudformation.get_waiter("stack_update_complete").wait(StackName=name)
    else:
        cloudformation.create_stack(**args)
        cloudformation.get_waiter("stack_create_complete").wait(StackName=name)
    return outputs(cloudformation, stage)


def outputs(cloudformation: Any, stage: str) -> dict[str, str]:
    stack = cloudformation.describe_stacks(StackName=stack_name(stage))["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def environment(outputs: dict[str, str], stage: str) -> dict[str, str]:
    """The app's environment variables for a deployed stack."""
    env = {OUTPUT_ENV[key]: value for key, value in outputs.items() if key in OUTPUT_ENV}
    env["KHIDMAT_STAGE"] = stage
    return env


def _parameters_of(cloudformation: Any, name: str) -> list[str]:
    stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    return [p["ParameterKey"] for p in stack.get("Parameters", [])]


def _exists(cloudformation: Any, name: str) -> bool:
    try:
        stacks = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except cloudformation.exceptions.ClientError:
        return False
    return any(s["StackStatus"] != "DELETE_COMPLETE" for s in stacks)


if __name__ == "__main__":  # pragma: no cover - used by make deploy
    import argparse

    import boto3

    parser = argparse.ArgumentParser(description="Deploy the Khidmat stack; print its outputs.")
    parser.add_argument("--stage", required=True, choices=["local", "dev", "prod"])
    args = parser.parse_args()
    result = deploy(boto3.client("cloudformation"), args.stage)
    print(json.dumps(environment(result, args.stage), indent=2, sort_keys=True))
