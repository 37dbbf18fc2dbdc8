"""The Lambda role's policy (infra/policy.py) is what the code needs, no more.

Every route is driven through the app under moto; every AWS call it makes (and every call
that failed, such as a conditional write that lost) is mapped to the IAM action and resource
AWS would authorise, renamed from the local stage to dev, and evaluated against the dev
policy by a small evaluator below. A call the mapping does not know fails the test, so a
new kind of call must be mapped (and granted) before it can ship.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from chalice.test import Client

from app import app
from chalicelib import clock
from chalicelib.api import idempotency
from chalicelib.api.routing import specs_of
from chalicelib.workflow import registry
from infra import policy as iam
from tests.support import caches
from tests.support.aws_calls import RECORDER, ApiCall
from tests.support.demo_case import DEMO
from tests.support.edge_app import edge_app
from tests.support.route_samples import collected
from tests.support.route_samples.equivalence import equivalence_file
from tests.support.route_samples.matrix import OWNER_SUB

REGION, ACCOUNT = "eu-west-3", "123456789012"  # moto's account
registry.register(DEMO)  # the public statistics answer for registered case types only
Request = tuple[str, str, dict[str, list[str]]]  # IAM action, resource ARN, condition context

STATS = "/public/stats/processing-times"
# (method, route, url, role or None for public, expected status)
ROUTES = [
    ("GET", "/health", "/health", None, 200),
    ("GET", "/.well-known/jwks.json", "/.well-known/jwks.json", None, 200),
    ("GET", "/openapi.json", "/openapi.json", None, 200),
    ("GET", "/docs", "/docs", None, 200),
    ("GET", "/audit", "/audit?case=CASE-LP&limit=1", "admin", 200),
    ("GET", "/me/cases", "/me/cases", "citizen", 200),
    ("GET", "/cases/{case_id}", "/cases/CASE-LP-UNKNOWN", "citizen", 404),
    ("GET", "/cases/{case_id}/access-log", "/cases/CASE-LP-UNKNOWN/access-log", "citizen", 404),
    ("GET", "/public/audit-digests/{date}", "/public/audit-digests/2026-01-01", None, 404),
    ("POST", "/cases/{case_id}/documents", "/cases/x/documents", "citizen", 400),
    (
        "POST",
        "/cases/{case_id}/documents",
        "/cases/{case_id}/documents",
        "citizen",
        201,
        {
            "setup": equivalence_file,
            "claims": {"sub": OWNER_SUB},
            "headers": {"Content-Type": "application/json"},
            "body": '{"kind": "identity", "content_type": "application/pdf", "size": 2048}',
        },
    ),
    ("GET", "/cases/{case_id}/documents/{document_id}", "/cases/x/documents/y", "citizen", 404),
    ("GET", "/cases/{case_id}/receipt", "/cases/CASE-LP-UNKNOWN/receipt", "citizen", 404),
    ("GET", STATS, f"{STATS}?service=demo", None, 200),
    *collected("LEAST_PRIVILEGE"),
]


def dev(name: str) -> str:
    return name.replace("khidmat-local-", "khidmat-dev-")


# ---------------------------------------------------------------- calls -> IAM requests


def _table(name: str) -> str:
    return name if name.startswith("arn:") else f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"


TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}


def dynamodb(op: str, params: dict[str, Any]) -> list[Request]:
    if op in ("BatchGetItem", "BatchWriteItem"):
        return [(f"dynamodb:{op}", _table(t), {}) for t in params["RequestItems"]]
    if op in ("TransactWriteItems", "TransactGetItems"):
        pairs = [next(iter(item.items())) for item in params["TransactItems"]]
        return [(f"dynamodb:{TRANSACT_ACTIONS[k]}", _table(v["TableName"]), {}) for k, v in pairs]
    arn = _table(params["TableName"])
    if params.get("IndexName"):
        arn += f"/index/{params['IndexName']}"
    return [(f"dynamodb:{op}", arn, {})]


def s3(op: str, params: dict[str, Any]) -> list[Request]:
    bucket = f"arn:aws:s3:::{params['Bucket']}"
    if op in ("HeadBucket", "ListObjects", "ListObjectsV2"):
        return [("s3:ListBucket", bucket, {})]
    action = {"HeadObject": "GetObject"}.get(op, op)  # HeadObject is authorised as GetObject
    if params.get("VersionId"):
        action += "Version"
    return [(f"s3:{action}", f"{bucket}/{params['Key']}", {})]


def kms(op: str, params: dict[str, Any]) -> list[Request]:
    if op == "GenerateRandom":  # names no key: IAM sees the resource "*"
        return [(f"kms:{op}", "*", {})]
    client = boto3.client("kms", region_name=REGION)
    key = client.describe_key(KeyId=params["KeyId"])["KeyMetadata"]
    aliases = client.list_aliases(KeyId=key["KeyId"])["Aliases"]
    context = {"kms:ResourceAliases": [dev(a["AliasName"]) for a in aliases]}
    return [(f"kms:{op}", key["Arn"], context)]


def secretsmanager(op: str, params: dict[str, Any]) -> list[Request]:
    secret = params["SecretId"]
    if not secret.startswith("arn:"):
        secret = boto3.client("secretsmanager").describe_secret(SecretId=secret)["ARN"]
    return [(f"secretsmanager:{op}", secret, {})]


def sqs(op: str, params: dict[str, Any]) -> list[Request]:
    account, name = params["QueueUrl"].rstrip("/").split("/")[-2:]
    action = op.removesuffix("Batch")  # SendMessageBatch is authorised as SendMessage
    return [(f"sqs:{action}", f"arn:aws:sqs:{REGION}:{account}:{name}", {})]


def stepfunctions(op: str, params: dict[str, Any]) -> list[Request]:
    return [(f"states:{op}", params.get("stateMachineArn") or params["executionArn"], {})]


def sns(op: str, params: dict[str, Any]) -> list[Request]:
    # a message to a phone number has no ARN: IAM sees the resource "*"
    return [(f"sns:{op}", params.get("TopicArn") or params.get("TargetArn") or "*", {})]


def ses(op: str, params: dict[str, Any]) -> list[Request]:
    sender = params.get("Source") or params["FromEmailAddress"]
    domain = sender.rsplit("@", 1)[-1].rstrip(">")
    return [(f"ses:{op}", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{domain}", {})]


MAPPERS: dict[str, Callable[[str, dict[str, Any]], list[Request]]] = {
    "dynamodb": dynamodb,
    "s3": s3,
    "kms": kms,
    "secretsmanager": secretsmanager,
    "sqs": sqs,
    "stepfunctions": stepfunctions,
    "sns": sns,
    "ses": ses,
    "sesv2": ses,
}
KNOWN = {  # operations each mapper understands; anything else must be mapped first
    "dynamodb": {
        "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "DescribeTable",
        "BatchGetItem", "BatchWriteItem", "TransactWriteItems", "TransactGetItems",
    },
    "s3": {
        "HeadBucket", "ListObjects", "ListObjectsV2", "GetObject", "HeadObject", "PutObject",
        "DeleteObject",
    },
    "kms": {
        "Sign", "Verify", "GetPublicKey", "DescribeKey", "Encrypt", "GenerateDataKey", "Decrypt",
        "GenerateRandom",
    },
    "secretsmanager": {"GetSecretValue", "DescribeSecret"},
    "sqs": {
        "SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage",
        "DeleteMessageBatch", "ChangeMessageVisibility", "GetQueueAttributes",
    },
    "stepfunctions": {"StartExecution", "StopExecution", "DescribeExecution"},
    "sns": {"Publish"},
    "ses": {"SendEmail", "SendRawEmail"},
    "sesv2": {"SendEmail"},
}  # fmt: skip


def requests_of(call: ApiCall) -> list[Request]:
    if call.operation not in KNOWN.get(call.service, set()):
        pytest.fail(
            f"no IAM mapping for {call.service}.{call.operation}: map it in "
            "tests/integration/test_least_privilege.py and grant it in infra/policy.py"
        )
    return [(a, dev(r), c) for a, r, c in MAPPERS[call.service](call.operation, call.params)]


# ---------------------------------------------------------------- the evaluator


def _like(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """IAM wildcards: ``*`` any run of characters, ``?`` one character, nothing else."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _condition_holds(condition: dict[str, dict[str, Any]], context: dict[str, list[str]]) -> bool:
    for operator, tests in condition.items():
        quantifier, _, test = operator.rpartition(":")
        if quantifier not in ("", "ForAnyValue") or test not in ("StringEquals", "StringLike"):
            raise AssertionError(f"the evaluator does not know the condition {operator}")
        for key, expected in tests.items():
            values = context.get(key, [])
            hits = [
                any(v == e if test == "StringEquals" else _like(e, v) for e in _listed(expected))
                for v in values
            ]
            holds = any(hits) if quantifier else len(hits) == 1 and hits[0]
            if not holds:
                return False
    return True


def allowed(document: dict[str, Any], request: Request) -> bool:
    """An explicit Allow and no Deny, as IAM decides for a single identity policy."""
    action, resource, context = request
    verdict = False
    for statement in document["Statement"]:
        unsupported = {"NotAction", "NotResource", "NotPrincipal"} & set(statement)
        assert not unsupported, f"the evaluator does not handle {unsupported}"
        if not (
            any(_like(a, action, ignore_case=True) for a in _listed(statement["Action"]))
            and any(_like(r, resource) for r in _listed(statement["Resource"]))
            and _condition_holds(statement.get("Condition", {}), context)
        ):
            continue
        if statement["Effect"] == "Deny":
            return False
        verdict = True
    return verdict


# ---------------------------------------------------------------- driving the app


@pytest.fixture
def failed_calls(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ApiCall]]:
    """Calls AWS answered with an error: RECORDER keeps only those that succeeded."""
    failed: list[ApiCall] = []
    inner = BaseClient._make_api_call

    def recording(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        try:
            return inner(client, operation, params)
        except ClientError:
            failed.append(ApiCall(client.meta.service_model.service_name, operation, dict(params)))
            raise

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    yield failed


def _prepared() -> list[tuple[str, str, str | None, int, dict[str, Any]]]:
    """Each row as (method, URL, role, status, extra). A row may carry a sixth element, a
    dict with any of ``setup`` (a callable creating what the call works on, returning
    values for the URL's ``{placeholders}``), ``claims`` (for the token: acr, cnie,
    office, sub), ``headers`` and ``body`` (a str), so that it reaches the route's real
    work instead of an early 400/403/404, and ``now`` (a datetime: the app's clock during
    the call, as the e2e tests move it, for a route that only works on a given day).
    ``claims``, ``headers``, ``body`` and ``now`` may also be functions of the setup's
    values, for what only the setup knows (the slot it booked, a signature over the stamp
    it created). Setups run here, before the recording starts."""
    rows = []
    for method, _, url, role, status, *more in ROUTES:
        extra: dict[str, Any] = more[0] if more else {}
        values: dict[str, str] = {}
        if extra.get("setup"):
            values = extra["setup"]()
            url = url.format_map(values)
        extra = {k: v(values) if k != "setup" and callable(v) else v for k, v in extra.items()}
        rows.append((method, url, role, status, extra))
    return rows


def _drive_routes(client: Any, token: Callable[..., str], rows: list[Any]) -> None:
    for method, url, role, status, extra in rows:
        headers = dict(extra.get("headers", {}))
        if role:
            headers["Authorization"] = f"Bearer {token(role, **extra.get('claims', {}))}"
        body = str(extra.get("body", "")).encode()
        moment = extra.get("now")
        with mock.patch.object(clock, "now", return_value=moment) if moment else nullcontext():
            answer = client.http.request(method, url, headers=headers, body=body)
        assert answer.status_code == status, (method, url, answer.body[:300])


def _drive_idempotency(token: Callable[..., str]) -> None:
    """First run, replay, reuse with another body, and a failing run (its record deleted).

    The idempotency plumbing is the app's; the route is the edge test app's, since no
    production route creates anything yet.
    """
    headers = {
        "Authorization": f"Bearer {token('citizen', sub='lp-citizen')}",
        "Content-Type": "application/json",
        "Idempotency-Key": f"least-privilege-{uuid.uuid4()}",
    }
    with Client(edge_app, stage_name="local") as edge:
        for body, status in (({"n": 1}, 201), ({"n": 1}, 201), ({"n": 2}, 422)):
            payload = json.dumps({"name": "lp", "count": body["n"]})
            answer = edge.http.post("/things", headers=headers, body=payload)
            assert answer.status_code == status, answer.body[:300]

    def failing() -> idempotency.StoredReply:
        raise RuntimeError("the work fails, so the record is deleted")

    with pytest.raises(RuntimeError):
        idempotency.run_once("least-privilege", str(uuid.uuid4()), b"{}", failing)


def test_every_aws_call_of_every_route_is_allowed_by_the_dev_policy(
    client: Any, token: Callable[..., str], failed_calls: list[ApiCall]
) -> None:
    rows = _prepared()  # the samples' own writes are not the routes' calls
    failed_calls.clear()
    caches.cold_start()  # keys, secrets and health are cached per cold start
    RECORDER.clear()
    _drive_routes(client, token, rows)
    _drive_idempotency(token)
    calls = [*RECORDER.calls, *failed_calls]  # before the mapping's own kms look-ups

    requests = [(call, request) for call in calls for request in requests_of(call)]
    document = iam.policy("dev")
    denied = [
        f"{c.service}.{c.operation} -> {r[0]} on {r[1]}"
        for c, r in requests
        if not allowed(document, r)
    ]
    assert not denied, "denied by .chalice/policy-dev.json:\n" + "\n".join(denied)
    exercised = {r[0] for _, r in requests}
    assert {
        "dynamodb:DescribeTable",
        "dynamodb:Query",
        "kms:GetPublicKey",
        "s3:ListBucket",
    } <= exercised
    assert {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"} <= exercised
    assert "secretsmanager:GetSecretValue" in exercised
    # the equivalence guide is read from the documents bucket, where the deploy built it
    guide = "arn:aws:s3:::khidmat-dev-*-documents/public/equivalence/guide-*"
    assert any(a == "s3:GetObject" and _like(guide, r) for _, (a, r, _c) in requests)


def test_every_route_is_driven_by_this_test() -> None:
    declared = {(s.method, s.path) for s in specs_of(app)}
    driven = {(method, route) for method, route, *_ in ROUTES}
    missing = sorted(declared - driven)
    assert not missing, f"add these routes to ROUTES in {__name__}: {missing}"


def test_every_write_is_driven_to_its_success() -> None:
    """A write whose rows all fail early (400, 404, 409) never runs its transaction, S3,
    KMS or Step Functions calls under the policy: one row at least must succeed."""
    writes = {(s.method, s.path) for s in specs_of(app) if s.method in ("POST", "PUT", "DELETE")}
    succeeding = {(method, route) for method, route, _, _, status, *_ in ROUTES if status < 300}
    missing = sorted(writes - succeeding)
    assert not missing, f"add a row reaching the success of: {missing}"


# ---------------------------------------------------------------- the policy itself


def test_the_checked_in_policies_are_the_generated_ones() -> None:
    for stage in iam.STAGES:
        assert iam.path_of(stage).read_text() == iam.rendered(stage), (
            f"{iam.path_of(stage)} is stale: run python -m infra.policy"
        )


def test_the_policy_grants_nothing_wide() -> None:
    for stage in iam.STAGES:
        document = iam.policy(stage)
        for statement in document["Statement"]:
            actions = _listed(statement["Action"])
            assert all(":" in a and not a.endswith(":*") for a in actions), statement
            assert "dynamodb:Scan" not in actions, "no Scan (DESIGN.md rule 5)"
            if "*" in _listed(statement["Resource"]):
                assert set(actions) <= {
                    "sns:Publish",
                    "kms:GenerateRandom",  # names no key (a release round's seed)
                    "xray:PutTraceSegments",
                    "xray:PutTelemetryRecords",
                }, statement
            for resource in _listed(statement["Resource"]):
                assert (
                    resource == "*"
                    or f"khidmat-{stage}" in resource
                    or ":kms:" in resource
                    or ":ses:" in resource
                ), resource
            if any(a.startswith("kms:") and a != "kms:GenerateRandom" for a in actions):
                aliases = statement["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"]
                assert aliases.startswith(f"alias/khidmat-{stage}-")
        # IAM's limit for a role's inline policies, whitespace not counted
        assert len(json.dumps(document, separators=(",", ":"))) < 10_240


def test_the_policy_names_the_tables_indexes_streams_and_queues_of_the_template() -> None:
    from cfnlint.decode.cfn_yaml import loads

    template = loads(iam.CHALICE_DIR.parent.joinpath("infra", "template.yaml").read_text())
    tables: dict[str, tuple[str, ...]] = {}
    streams: set[str] = set()
    queues: set[str] = set()
    redrive_targets: set[str] = set()
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::DynamoDB::Table":
            name = props["TableName"]["Fn::Sub"].removeprefix("khidmat-${Stage}-")
            tables[name] = tuple(i["IndexName"] for i in props.get("GlobalSecondaryIndexes", []))
            if "StreamSpecification" in props:
                streams.add(name)
        elif resource["Type"] == "AWS::SQS::Queue":
            queues.add(props["QueueName"]["Fn::Sub"].removeprefix("khidmat-${Stage}-"))
            if "RedrivePolicy" in props:
                target = props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
                name = template["Resources"][target]["Properties"]["QueueName"]["Fn::Sub"]
                redrive_targets.add(name.removeprefix("khidmat-${Stage}-"))
    assert tables == iam.TABLES
    assert streams == set(iam.STREAMS)
    # every queue is granted, or is only a redrive target that SQS itself fills, or only
    # carries the lifecycle state machines' task tokens, which the app does not read yet
    assert set(iam.QUEUES) <= queues
    ungranted = queues - set(iam.QUEUES) - {"lifecycle"}
    assert ungranted <= redrive_targets, ungranted - redrive_targets


KEY = "arn:aws:kms:eu-west-3:1:key/k"
SECRET = "arn:aws:secretsmanager:eu-west-3:1:secret:khidmat-dev-cursor-secret-"


def aliased(name: str) -> dict[str, list[str]]:
    return {"kms:ResourceAliases": [name]}


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (("dynamodb:Query", _table("khidmat-dev-cases") + "/index/by_owner", {}), True),
        (("dynamodb:Query", _table("khidmat-dev-cases") + "/index/other", {}), False),
        (("dynamodb:Scan", _table("khidmat-dev-cases"), {}), False),
        (("dynamodb:UpdateItem", _table("khidmat-dev-audit"), {}), False),
        (("dynamodb:GetItem", _table("khidmat-prod-cases"), {}), False),
        (("kms:Sign", KEY, aliased("alias/khidmat-dev-signing")), True),
        (("kms:Sign", KEY, aliased("alias/khidmat-dev-data")), False),
        (("kms:Sign", KEY, {}), False),
        (("secretsmanager:GetSecretValue", SECRET + "AbCdEf", {}), True),
        (("secretsmanager:GetSecretValue", SECRET + "x", {}), False),
        (("s3:PutObject", "arn:aws:s3:::khidmat-dev-1-audit/digest", {}), True),
        (("s3:DeleteObject", "arn:aws:s3:::khidmat-dev-1-audit/digest", {}), False),
    ],
)
def test_the_evaluator_refuses_what_the_policy_does_not_grant(
    request_: Request, expected: bool
) -> None:
    assert allowed(iam.policy("dev"), request_) is expected
