"""What moto's CloudFormation leaves out of the template, applied through the service APIs.

Only for moto (``make run`` and the tests); AWS builds all of it from the template. The gaps
(moto 5.2.5): the ECC signing key comes out symmetric, Secrets Manager secrets are not
created, the audit bucket's versioning and Object Lock are ignored, tables get no TTL, the
documents bucket sends no notifications, the sender's SES identity is not verified, and
state machines made by CloudFormation are unknown to moto's executing Step Functions.
"""

from __future__ import annotations

import secrets
from typing import Any

import yaml

from infra.stack import TEMPLATE

# Resource types moto's CloudFormation skips ("No Moto CloudFormation support for ...") and
# close_gaps creates through the API; make run hides moto's warning for these only.
CLOSED_TYPES = frozenset({"AWS::SecretsManager::Secret", "AWS::SES::EmailIdentity"})


def close_gaps(session: Any, stage: str, outputs: dict[str, str]) -> dict[str, str]:
    """Create what the stack lacks under moto; return the outputs with their real values."""
    fixed = dict(outputs)
    fixed["SigningKeyId"] = _signing_key(session.client("kms"), stage)
    fixed["CursorSecretArn"] = _secret(session.client("secretsmanager"), stage, "cursor-secret")
    for output, purpose in (
        ("PaymentGatewaySecretArn", "payment-gateway"),
        ("MassarCredentialsSecretArn", "massar-credentials"),
    ):
        fixed[output] = _secret(session.client("secretsmanager"), stage, purpose)
    _lock_audit_bucket(session.client("s3"), outputs["AuditBucket"])
    _time_to_live(session.client("dynamodb"), stage)
    _executable_state_machines(session.client("stepfunctions"), outputs)
    session.client("ses").verify_email_identity(EmailAddress=outputs["SenderEmail"])
    session.client("s3").put_bucket_notification_configuration(
        Bucket=outputs["DocumentsBucket"],
        NotificationConfiguration={
            "QueueConfigurations": [
                {"QueueArn": outputs["UploadsQueueArn"], "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )
    return fixed


def _signing_key(kms: Any, stage: str) -> str:
    alias = f"alias/khidmat-{stage}-signing"
    current = kms.describe_key(KeyId=alias)["KeyMetadata"]
    if current.get("KeySpec") == "ECC_NIST_P256":
        return str(current["KeyId"])
    key = kms.create_key(
        KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY", Description=f"khidmat-{stage} signing key"
    )["KeyMetadata"]
    kms.update_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    return str(key["KeyId"])


def _secret(secretsmanager: Any, stage: str, purpose: str) -> str:
    name = f"khidmat-{stage}-{purpose}"
    try:
        return str(secretsmanager.describe_secret(SecretId=name)["ARN"])
    except secretsmanager.exceptions.ResourceNotFoundException:
        created = secretsmanager.create_secret(Name=name, SecretString=secrets.token_urlsafe(36))
        return str(created["ARN"])


def _lock_audit_bucket(s3: Any, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(
        Bucket=bucket,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 3650}},
        },
    )


class _TemplateLoader(yaml.SafeLoader):  # type: ignore[misc]
    """Reads the template's CloudFormation tags (!Sub, !Ref ...) as plain values."""


_TemplateLoader.add_multi_constructor(
    "!",
    lambda loader, suffix, node: (
        loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None
    ),
)


def _time_to_live(dynamodb: Any, stage: str) -> None:
    resources = yaml.load(TEMPLATE.read_text(), Loader=_TemplateLoader)["Resources"]  # noqa: S506
    for resource in resources.values():
        ttl = resource.get("Properties", {}).get("TimeToLiveSpecification")
        if resource["Type"] != "AWS::DynamoDB::Table" or not ttl:
            continue
        table = resource["Properties"]["TableName"].replace("${Stage}", stage)
        current = dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
        if current.get("TimeToLiveStatus") == "ENABLED":
            continue
        dynamodb.update_time_to_live(
            TableName=table,
            TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
        )


def _executable_state_machines(states: Any, outputs: dict[str, str]) -> None:
    """Create the template's state machines through the API when the executing backend is on
    (it sees only those), with the definitions the template gives them."""
    resources = yaml.load(TEMPLATE.read_text(), Loader=_TemplateLoader)["Resources"]  # noqa: S506
    values = {
        "AWS::Partition": "aws",
        "TimerQueue": outputs["TimerQueueUrl"],
        "LifecycleQueueUrl": outputs["LifecycleQueueUrl"],
    }
    for resource in resources.values():
        if resource["Type"] != "AWS::StepFunctions::StateMachine":
            continue
        properties = resource["Properties"]
        name = properties["StateMachineName"].replace("${Stage}", outputs["Stage"])
        arn = outputs["TimerStateMachineArn"].rsplit(":", 1)[0] + f":{name}"
        try:
            states.describe_state_machine(stateMachineArn=arn)
            continue
        except states.exceptions.StateMachineDoesNotExist:
            pass
        definition = properties["DefinitionString"]
        for key, value in values.items():
            definition = definition.replace("${" + key + "}", value)
        states.create_state_machine(
            name=name,
            definition=definition,
            type=properties.get("StateMachineType", "STANDARD"),
            roleArn="arn:aws:iam::123456789012:role/khidmat-local-states",
        )
