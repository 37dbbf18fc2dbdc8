"""One poison record among good ones, for each stream and queue handler of the app (moto).

Each handler gets a Lambda event as the event source mapping sends it: the good records are
done (their real effect is read back), and the answer names the poison record alone in
``batchItemFailures``, so with ``ReportBatchItemFailures`` Lambda delivers it again and
nothing else (docs/decisions.md 63). Then the local pump (``scripts/local_events.py``)
acts on such an answer as Lambda does: a queue keeps only the failed message, a stream
resumes at its first failed record.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto.ses.models import ses_backends
from moto.sqs.models import sqs_backends

import app as app_module
from chalicelib import clock
from chalicelib.jobs import HANDLERS, runner
from chalicelib.services.enrollment.massar import STAND_IN
from chalicelib.services.etimbre import domain as etimbre
from chalicelib.services.etimbre.purchase import purchase
from chalicelib.settings import get_settings
from chalicelib.store import jobs as job_store
from chalicelib.store import outbox as outbox_store
from chalicelib.store.etimbre import reads, stamps
from chalicelib.workflow import lifecycle
from chalicelib.workflow.case import Case, Contact
from chalicelib.workflow.engine import Actor
from chalicelib.workflow.machine import Machine
from scripts.local_events import STREAM_ATTEMPTS, Failure, FakeContext, Pump
from tests.integration.enrollment.test_enrollment_store import _approved_without_photo, school
from tests.integration.etimbre.test_etimbre_store import BUYER
from tests.integration.test_documents import OWNER, bucket, case, current, granted_and_uploaded
from tests.integration.test_documents import machine as documents_machine
from tests.support.demo_case import DEMO
from tests.support.route_samples.uploads import a_pdf
from tests.support.streams import stream_records

__all__ = ["case", "documents_machine", "school"]  # fixtures used below

ACCOUNT, REGION = "123456789012", "eu-west-3"
POISON = "{not json"
SUBMITTER = Actor("batches-owner", frozenset({"citizen"}))
JOB_KIND = "batches-test"


@pytest.fixture
def machine(documents_machine: Machine) -> Machine:
    """test_documents' case type, registered for the test (its ``case`` fixture needs it)."""
    return documents_machine


def sqs_event(bodies: list[str]) -> tuple[dict[str, Any], list[str]]:
    """An SQS event as Lambda sends it, and its message ids."""
    ids = [str(uuid.uuid4()) for _ in bodies]
    records = [
        {
            "messageId": message_id,
            "receiptHandle": f"handle-{message_id}",
            "body": body,
            "attributes": {"ApproximateReceiveCount": "1"},
            "messageAttributes": {},
            "md5OfBody": "",
            "eventSource": "aws:sqs",
            "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:khidmat-local-test",
            "awsRegion": REGION,
        }
        for message_id, body in zip(ids, bodies, strict=True)
    ]
    return {"Records": records}, ids


def failed_alone(identifier: str) -> dict[str, Any]:
    return {"batchItemFailures": [{"itemIdentifier": identifier}]}


# --- the handlers --------------------------------------------------------------------------


def submitted() -> Case:
    contact = Contact(f"{uuid.uuid4().hex[:8]}@demo.invalid", "+212612345678", "fr", "Demo")
    case = lifecycle.open_case(DEMO, SUBMITTER.subject, "MEN", contact, {"summary": "s"}, SUBMITTER)
    lifecycle.act(DEMO, case, "submit", SUBMITTER, {})
    return lifecycle.load(case.id)


def mails(reference: str) -> list[Any]:
    return [m for m in ses_backends[ACCOUNT][REGION].sent_messages if reference in m.subject]


def sent(case: Case) -> list[str]:
    return [item.status for item in outbox_store.of_case(case.id)]


def test_cases_stream_reports_the_poison_record_alone(stack: Any) -> None:
    first, second = submitted(), submitted()

    def outbox_records(case: Case) -> list[dict[str, Any]]:
        records = stream_records([case.id])
        return [
            r
            for r in records
            if r["eventName"] == "INSERT"
            and r["dynamodb"]["NewImage"]["sk"]["S"].startswith("OUTBOX#")
        ]

    poison = {  # a timer request whose due date cannot be read
        "eventID": "poison",
        "eventName": "INSERT",
        "eventSource": "aws:dynamodb",
        "awsRegion": REGION,
        "dynamodb": {
            "Keys": {"pk": {"S": f"CASE#{first.id}"}, "sk": {"S": "TIMER#poison"}},
            "NewImage": {
                "pk": {"S": f"CASE#{first.id}"},
                "sk": {"S": "TIMER#poison"},
                "action": {"S": "start"},
                "due_at": {"S": "not a date"},
            },
            "SequenceNumber": "900000000000000000000001",
            "SizeBytes": 1,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }
    good = outbox_records(first) + outbox_records(second)
    assert good and set(sent(first)) == set(sent(second)) == {"pending"}
    event = {"Records": [good[0], poison, *good[1:]]}

    answer = app_module.cases_stream(event, FakeContext())

    assert answer == failed_alone("900000000000000000000001")
    assert set(sent(first)) == set(sent(second)) == {"sent"}  # before and after the poison
    assert mails(first.reference) and mails(second.reference)


def test_outbox_retries_report_the_poison_message_alone(stack: Any) -> None:
    cases = [submitted(), submitted()]
    keys = [(i.pk, i.sk) for case in cases for i in outbox_store.of_case(case.id)]
    bodies = [json.dumps({"pk": pk, "sk": sk}) for pk, sk in keys]
    event, ids = sqs_event([bodies[0], POISON, *bodies[1:]])

    assert app_module.outbox_retries(event, FakeContext()) == failed_alone(ids[1])
    assert {status for case in cases for status in sent(case)} == {"sent"}


def test_timer_callbacks_report_the_poison_message_alone(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pending = [purchase(BUYER, "passport", "NL-AMS", "online", "", "fr") for _ in range(2)]
    later = datetime.now(UTC) + etimbre.PAYMENT_WINDOW + timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    bodies = [
        json.dumps(
            {
                "case_id": s.stamp_id,
                "deadline": stamps.EXPIRY_TIMER,
                "due_at": "2026-01-01T00:00:00Z",
            }
        )
        for s in pending
    ]
    event, ids = sqs_event([bodies[0], POISON, bodies[1]])

    assert app_module.timer_callbacks(event, FakeContext()) == failed_alone(ids[1])
    for stamp in pending:
        expired = reads.get(stamp.stamp_id)
        assert expired is not None and expired.state == etimbre.EXPIRED


def test_document_uploads_report_the_poison_message_alone(case: Case, machine: Machine) -> None:
    other = lifecycle.open_case(machine, OWNER.subject, "MEN", Contact(), {"summary": "s"}, OWNER)
    documents = [granted_and_uploaded(c, a_pdf()) for c in (case, other)]

    def notification(s3: Any) -> str:
        return json.dumps({"Records": [{"eventName": "ObjectCreated:Post", "s3": s3}]})

    bodies = [
        notification({"bucket": {"name": bucket()}, "object": {"key": d.key}}) for d in documents
    ]
    event, ids = sqs_event([bodies[0], notification("garbled"), bodies[1]])

    assert app_module.document_uploads(event, FakeContext()) == failed_alone(ids[1])
    assert current(case, documents[0].id).status == "verified"
    assert current(other, documents[1].id).status == "verified"


def test_massar_exports_report_the_poison_message_alone(
    school: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    approved = [_approved_without_photo(school, monkeypatch) for _ in range(2)]
    STAND_IN.failures_to_come = 0
    bodies = [
        json.dumps({"case_id": c.id, "case_type": "enrollment", "target": "massar"})
        for c in approved
    ]
    event, ids = sqs_event([bodies[0], POISON, bodies[1]])

    assert app_module.massar_exports(event, FakeContext()) == failed_alone(ids[1])
    for pupil in approved:
        registered = lifecycle.load(pupil.id)
        assert registered.state == "registered"
        assert registered.payload["massar_code"] == STAND_IN.codes[pupil.id]


def finished_job(job: job_store.Job) -> dict[str, Any]:
    """The test kind's handler: its report names the job."""
    return {"job": job.job_id}


@pytest.fixture
def job_kind() -> Iterator[str]:
    HANDLERS[JOB_KIND] = f"{__name__}:finished_job"
    try:
        yield JOB_KIND
    finally:
        HANDLERS.pop(JOB_KIND, None)


def test_background_jobs_report_the_poison_message_alone(stack: Any, job_kind: str) -> None:
    jobs = [
        job_store.Job(
            job_id=uuid.uuid4().hex,
            kind=job_kind,
            scope=f"batches-{uuid.uuid4().hex[:8]}",
            state="queued",
            requested_by="batches-test",
            created_at=datetime.now(UTC),
        )
        for _ in range(2)
    ]
    for job in jobs:
        job_store.create(job)
    bodies = [json.dumps({"job_id": job.job_id}) for job in jobs]
    event, ids = sqs_event([bodies[0], json.dumps({"no": "job id"}), bodies[1]])

    assert app_module.background_jobs(event, FakeContext()) == failed_alone(ids[1])
    for job in jobs:
        done = runner.get(job.job_id)
        assert done is not None and done.state == "done" and done.report == {"job": job.job_id}


def test_a_batch_that_fails_whole_raises_so_lambda_counts_an_error(stack: Any) -> None:
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    event, _ = sqs_event([POISON, POISON])
    with pytest.raises(BatchProcessingError):
        app_module.timer_callbacks(event, FakeContext())


# --- the local pump ------------------------------------------------------------------------


def test_the_pump_deletes_the_good_messages_and_leaves_the_poison_one(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    real = app_module._timer_message

    def spy(body: str) -> None:
        seen.append(body)
        real(body)

    monkeypatch.setattr(app_module, "_timer_message", spy)
    tag = uuid.uuid4().hex[:8]
    bodies = [
        json.dumps(
            {
                "case_id": f"batches-{tag}-{n}",
                "deadline": "complement_due",
                "due_at": "2026-01-01T00:00:00Z",
            }
        )
        for n in range(2)
    ]
    bodies.insert(1, f"{POISON} {tag}")
    sqs, url = boto3.client("sqs", region_name=REGION), get_settings().timer_queue_url
    ids = [sqs.send_message(QueueUrl=url, MessageBody=body)["MessageId"] for body in bodies]
    pump = Pump(app_module, stack.env)

    pump.drain()
    pump.drain()  # nothing of ours comes again: the poison message waits out its timeout

    assert sorted(b for b in seen if tag in b) == sorted(bodies)  # each delivered once
    assert [f for f in pump.failures if f.identifier in ids] == [Failure("timer_callbacks", ids[1])]
    left = sqs_backends[ACCOUNT][REGION].queues[url.rsplit("/", 1)[-1]]._messages
    assert [m.body for m in left if tag in m.body] == [bodies[1]]


class StreamApp:
    """An app whose stream handler fails one record (by its sort key) and notes each call."""

    def __init__(self, poison: str) -> None:
        self.poison = poison
        self.calls: list[list[str]] = []

    def cases_stream(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        keys = [r["dynamodb"]["Keys"]["sk"]["S"] for r in event["Records"]]
        self.calls.append(keys)
        failed = [
            {"itemIdentifier": r["dynamodb"]["SequenceNumber"]}
            for r in event["Records"]
            if r["dynamodb"]["Keys"]["sk"]["S"] == self.poison
        ]
        return {"batchItemFailures": failed}


def test_the_pump_resumes_a_stream_at_its_first_failed_record(stack: Any) -> None:
    """The shard's checkpoint: records before the poison are never delivered again; the
    poison and those after it are, until the pump gives the poison up."""
    session, tag = boto3.Session(region_name=REGION), uuid.uuid4().hex[:8]
    dynamodb, sqs = session.client("dynamodb"), session.client("sqs")
    table = dynamodb.create_table(
        TableName=f"batches-stream-{tag}",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    empty = sqs.create_queue(QueueName=f"batches-empty-{tag}")["QueueUrl"]
    env = {**stack.env, "CASES_STREAM_ARN": table["LatestStreamArn"]}
    env.update({setting: empty for setting in ("TIMER_QUEUE_URL", "UPLOADS_QUEUE_URL")})
    env.update({s: empty for s in ("OUTBOX_RETRY_QUEUE_URL", "MASSAR_QUEUE_URL", "JOBS_QUEUE_URL")})
    for sk in ("A", "B", "C"):
        dynamodb.put_item(TableName=table["TableName"], Item={"pk": {"S": tag}, "sk": {"S": sk}})
    app = StreamApp(poison="B")
    pump = Pump(app, env)

    pump.drain()

    retries = [["B", "C"]] * (STREAM_ATTEMPTS - 1)
    assert app.calls == [["A", "B", "C"], *retries, ["C"]]
    assert [f.given_up for f in pump.failures] == [False] * STREAM_ATTEMPTS + [True]
    assert pump.drain() == 0  # the shard is past all three
