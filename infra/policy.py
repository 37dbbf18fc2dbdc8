"""The Lambda role's IAM policy for a stage, as data: least privilege, every resource named.

``python -m infra.policy`` writes ``.chalice/policy-<stage>.json`` for every stage (Chalice
reads them, ``autogen_policy`` is off). Tests check the files are up to date and that every
AWS call the routes make under moto is allowed by the dev policy.

Resources are named by the template's deterministic ``khidmat-<stage>-...`` names, so the
policy needs no stack outputs. ``*`` stands only for the region and the account, for the key
id of a KMS key (named instead by its alias in a condition), for a stream's label and a
secret's random suffix, and in the two statements whose actions have no resource (SMS, X-Ray).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

STAGES = ("local", "dev", "prod")
CHALICE_DIR = Path(__file__).resolve().parent.parent / ".chalice"

# table -> its global secondary indexes, as in infra/template.yaml (a test keeps them in step)
TABLES: dict[str, tuple[str, ...]] = {
    "cases": ("by_owner", "by_queue", "by_lookup"),
    "reference": ("by_lookup",),
    "slots": (),
    "stamps": ("by_day", "by_owner"),
    "idempotency": (),
    "audit": ("by_day",),
}
STREAMS = ("cases", "stamps")  # tables whose stream feeds a handler (outbox, reconciliation)
SERVICE_TABLES = ("cases", "reference", "slots", "stamps")
# The queues the app sends to or consumes. The other DLQs are only redrive targets; the
# outbox's is written by the app when it gives a message up, the stream failures' by Lambda,
# with the function's role, for a stream batch out of retries (decision 79).
QUEUES = ("uploads", "timers", "massar", "outbox-retry", "outbox-dlq", "jobs", "stream-failures")

# No Scan anywhere (DESIGN.md rule 5): a Scan slipped onto a request path fails in AWS too.
# TransactWriteItems and TransactGetItems have no IAM actions of their own: each item is
# authorised as the Put/Update/Delete/ConditionCheck/Get it contains.
READ = [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:ConditionCheckItem",
]
WRITE = [
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
]


def _arn(service: str, resource: str) -> str:
    return f"arn:aws:{service}:*:*:{resource}"


def _table(stage: str, table: str) -> str:
    return _arn("dynamodb", f"table/khidmat-{stage}-{table}")


def _statement(sid: str, actions: list[str], resources: list[str] | str) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}


def _key_statement(sid: str, actions: list[str], alias: str) -> dict[str, Any]:
    # A key's id is only known after the stack exists; the alias is deterministic. Key
    # operations are authorised on the key ARN, never on the alias ARN, hence the condition.
    statement = _statement(sid, actions, _arn("kms", "key/*"))
    statement["Condition"] = {"ForAnyValue:StringEquals": {"kms:ResourceAliases": alias}}
    return statement


def _dynamodb(stage: str) -> list[dict[str, Any]]:
    indexes = [
        f"{_table(stage, table)}/index/{index}"
        for table, names in TABLES.items()
        for index in names
    ]
    return [
        _statement("ServiceTables", READ + WRITE, [_table(stage, t) for t in SERVICE_TABLES]),
        _statement(
            "IdempotencyRecords",  # Powertools' persistence layer
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
            [_table(stage, "idempotency")],
        ),
        # The audit trail is append-only: no Update, no Delete, and no BatchWriteItem,
        # which could delete as well as put.
        _statement("AuditTrailAppendOnly", [*READ, "dynamodb:PutItem"], [_table(stage, "audit")]),
        _statement("QueryIndexes", ["dynamodb:Query"], indexes),
        _statement(
            "HealthDescribesTables",
            ["dynamodb:DescribeTable"],
            [_table(stage, t) for t in TABLES],
        ),
        _statement(
            "StreamHandlers",  # used by the Lambda service for the event source mappings
            [
                "dynamodb:DescribeStream",
                "dynamodb:GetRecords",
                "dynamodb:GetShardIterator",
                "dynamodb:ListStreams",
            ],
            [f"{_table(stage, t)}/stream/*" for t in STREAMS],
        ),
    ]


def _storage(stage: str) -> list[dict[str, Any]]:
    # Bucket names carry the account id (khidmat-<stage>-<account>-documents).
    buckets = [f"arn:aws:s3:::khidmat-{stage}-*-{name}" for name in ("documents", "audit")]
    return [
        # PutObject also covers presigned POST uploads (signed with this role's credentials);
        # GetObject covers HeadObject and presigned GETs; audit digests are written once
        # and Object Lock keeps them.
        _statement("BucketObjects", ["s3:GetObject", "s3:PutObject"], [f"{b}/*" for b in buckets]),
        # The upload check reads the malware scan's verdict, a tag GuardDuty writes; on the
        # local stage the stand-in scanner writes it the same way.
        _statement(
            "UploadScanTags",
            ["s3:GetObjectTagging", *(["s3:PutObjectTagging"] if stage == "local" else [])],
            [f"{buckets[0]}/cases/*"],
        ),
        # HeadBucket is authorised as ListBucket; it also lets a missing object answer 404.
        _statement("Buckets", ["s3:ListBucket"], buckets),
        _key_statement(
            "SigningKey",
            ["kms:Sign", "kms:GetPublicKey", "kms:DescribeKey"],
            f"alias/khidmat-{stage}-signing",
        ),
        # The data key encrypts the buckets, the topic and the secret: S3, SNS and Secrets
        # Manager call KMS as this role when it reads or writes them.
        _key_statement(
            "DataKey",
            ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
            f"alias/khidmat-{stage}-data",
        ),
        # A release round's seed (decision 57): GenerateRandom names no key, so IAM can only
        # match it with "*"; it reveals nothing and costs nothing but a call.
        _statement("DrawSeeds", ["kms:GenerateRandom"], "*"),
        _statement(
            "Secrets",  # Secrets Manager appends a random six-character suffix
            ["secretsmanager:GetSecretValue"],
            [
                _arn("secretsmanager", f"secret:khidmat-{stage}-{name}-??????")
                for name in ("cursor-secret", "payment-gateway", "massar-credentials")
            ],
        ),
    ]


def _messaging(stage: str) -> list[dict[str, Any]]:
    timer = f"khidmat-{stage}-timer"
    return [
        _statement(
            "Queues",
            [
                "sqs:SendMessage",
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:ChangeMessageVisibility",
            ],
            [_arn("sqs", f"khidmat-{stage}-{queue}") for queue in QUEUES],
        ),
        _statement(
            "TimerStart", ["states:StartExecution"], [_arn("states", f"stateMachine:{timer}")]
        ),
        _statement(
            "TimerExecutions",
            ["states:StopExecution", "states:DescribeExecution"],
            [_arn("states", f"execution:{timer}:*")],
        ),
        _statement(
            "NotificationsTopic",
            ["sns:Publish"],
            [_arn("sns", f"khidmat-{stage}-notifications")],
        ),
        # An SMS published straight to a phone number has no resource ARN, so IAM can only
        # match it with "*", and SNS has no condition key for it. This statement therefore
        # also allows publishing to other topics of the account; the role can create no
        # topic or subscription, and the account's SMS spend limit caps abuse.
        _statement("SmsToPhoneNumbers", ["sns:Publish"], "*"),
        # The sender identity (a domain) is verified by ops outside the stack; narrow this
        # to identity/<domain> once it is chosen.
        _statement("SendMail", ["ses:SendEmail", "ses:SendRawEmail"], [_arn("ses", "identity/*")]),
    ]


def _observability(stage: str) -> list[dict[str, Any]]:
    # Chalice names the API function khidmat-<stage> and the others khidmat-<stage>-<name>.
    groups = [f"/aws/lambda/khidmat-{stage}", f"/aws/lambda/khidmat-{stage}-*"]
    return [
        _statement(
            "OwnLogGroups",
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            [_arn("logs", f"log-group:{g}{suffix}") for g in groups for suffix in ("", ":*")],
        ),
        # X-Ray's write actions have no resource-level permissions.
        _statement("Tracing", ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*"),
    ]


def policy(stage: str) -> dict[str, Any]:
    """The IAM policy document of the app's Lambda role for ``stage``."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; one of {STAGES}")
    statements = _dynamodb(stage) + _storage(stage) + _messaging(stage) + _observability(stage)
    return {"Version": "2012-10-17", "Statement": statements}


def rendered(stage: str) -> str:
    """The text of ``.chalice/policy-<stage>.json``."""
    return json.dumps(policy(stage), indent=2) + "\n"


def path_of(stage: str) -> Path:
    return CHALICE_DIR / f"policy-{stage}.json"


def write_all() -> list[Path]:
    written = []
    for stage in STAGES:
        path_of(stage).write_text(rendered(stage))
        written.append(path_of(stage))
    return written


if __name__ == "__main__":
    for written_path in write_all():
        print(f"wrote {written_path}")
