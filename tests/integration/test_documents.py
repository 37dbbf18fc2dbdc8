"""Documents against moto: real files uploaded through the presigned POST (moto intercepts
``requests``), the S3 notification read from the uploads queue, and the check that marks
each document verified or rejected. moto enforces none of the POST policy's conditions, so
these tests also upload what the policy would refuse, to prove the handler stands guard."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import replace
from typing import Any

import boto3
import pytest
import requests

from chalicelib.documents import checks, malware, uploads
from chalicelib.documents.checks import check_uploaded, handle_s3_event_records, records_of_message
from chalicelib.settings import get_settings
from chalicelib.store import cases as store
from chalicelib.workflow import lifecycle, registry
from chalicelib.workflow.case import Case, Contact, Document
from chalicelib.workflow.engine import Actor
from chalicelib.workflow.machine import JPEG, PDF, PNG, DocumentRule, Machine
from tests.support.demo_case import DEMO
from tests.support.route_samples.uploads import a_pdf, a_png, an_active_pdf

MACHINE = replace(
    DEMO,
    case_type="documents_it",
    prefix="DI",
    documents=(
        DocumentRule("diploma"),
        DocumentRule("photo", required=False, content_types=(JPEG, PNG), max_bytes=2 << 20),
    ),
)
OWNER = Actor("documents-owner", frozenset({"citizen"}))


@pytest.fixture
def machine(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Machine:
    # Registered for this test only: the registry is what `make statemachines` exports.
    monkeypatch.setitem(registry._MACHINES, MACHINE.case_type, MACHINE)
    return MACHINE


@pytest.fixture
def case(machine: Machine) -> Case:
    return lifecycle.open_case(machine, OWNER.subject, "MEN", Contact(), {"summary": "s"}, OWNER)


def attach(case: Case, content_type: str, size: int, kind: str = "diploma") -> Any:
    return uploads.attach(MACHINE, lifecycle.load(case.id), OWNER, kind, content_type, size)


def upload(post: uploads.PresignedPost, content: bytes, **fields: str) -> None:
    """What a browser does with the grant (fields may be tampered with: moto lets it)."""
    form = {**post.fields, **fields}
    answer = requests.post(post.url, data=form, files={"file": ("f", content)}, timeout=10)
    assert answer.status_code in (200, 201, 204), answer.text


def granted_and_uploaded(case: Case, content: bytes, declared: str = PDF, size: int = 0) -> Any:
    document, post = attach(case, declared, size or len(content))
    upload(post, content)
    return document


def current(case: Case, document_id: str) -> Document:
    return next(d for d in lifecycle.load(case.id).documents if d.id == document_id)


def bucket() -> str:
    return get_settings().documents_bucket


def s3() -> Any:
    return boto3.client("s3", region_name="eu-west-3")


def test_a_pdf_posted_to_its_presigned_url_is_verified_from_the_queue_message(
    case: Case,
) -> None:
    content = a_pdf()
    document = granted_and_uploaded(case, content)
    uploaded = s3().head_object(Bucket=bucket(), Key=document.key)
    assert uploaded["ServerSideEncryption"] == "aws:kms"
    assert uploaded["SSEKMSKeyId"].endswith(get_settings().data_key_id)

    outcomes = handle_s3_event_records(_records_naming(document.key))
    assert [o.status for o in outcomes] == ["verified"]

    checked = current(case, document.id)
    digest = hashlib.sha256(content).hexdigest()
    assert (checked.status, checked.sha256, checked.reason) == ("verified", digest, "")
    assert checked.key == uploads.verified_key(case.id, document.id, digest)
    kept = s3().get_object(Bucket=bucket(), Key=checked.key)
    assert kept["Body"].read() == content
    assert kept["ServerSideEncryption"] == "aws:kms"
    assert kept["ContentType"] == PDF
    history = store.history(case.id)
    assert [e.event for e in history] == ["created", "document_attached", "document_verified"]
    assert history[1].data == {"document_id": document.id, "kind": "diploma", "role": "citizen"}
    assert (history[2].actor, history[2].role) == ("system:uploads", "system")
    # the kept copy's own ObjectCreated event is not an upload
    assert [o.status for o in handle_s3_event_records(_records_naming(checked.key))] == ["ignored"]


def _records_naming(key: str) -> list[dict[str, Any]]:
    """The S3 records for ``key`` in the uploads queue (the moto stack delivers them)."""
    sqs = boto3.client("sqs", region_name="eu-west-3")
    url = get_settings().uploads_queue_url
    for _ in range(20):
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        for message in answer.get("Messages", []):
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            records = records_of_message(message["Body"])
            encoded = json.dumps(records)
            if key.replace("/", "%2F") in encoded or key in encoded:
                return records
    raise AssertionError(f"no ObjectCreated message for {key}")


def test_a_png_photo_is_verified(case: Case) -> None:
    content = a_png()
    document, post = attach(case, PNG, len(content), kind="photo")
    upload(post, content)
    assert check_uploaded(bucket(), document.key).status == "verified"
    assert current(case, document.id).sha256 == hashlib.sha256(content).hexdigest()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


@pytest.mark.parametrize(
    ("content", "declared_size", "reason"),
    [
        (EXE, 0, "type_mismatch"),  # a program calling itself a PDF
        (b"Dear committee, please find my diploma attached.\n", 0, "type_mismatch"),
        (a_pdf()[:250], 0, "unreadable"),  # truncated
        (a_pdf() + b"\x00" * 5000, len(a_pdf()), "too_large"),  # more than the policy allows
        (a_pdf(), len(a_pdf()) + 1, "size_mismatch"),  # less than declared
        (an_active_pdf(), 0, "active_content"),  # opens, and runs a script when it does
        (b"%PDF-1.7\n<html><script>alert(1)</script>" + a_pdf()[9:], 0, "polyglot"),
    ],
    ids=["exe", "text", "truncated", "too-big", "too-small", "active", "polyglot"],
)
def test_a_file_that_is_not_what_was_declared_is_rejected_and_not_kept(
    case: Case, content: bytes, declared_size: int, reason: str
) -> None:
    document = granted_and_uploaded(case, content, size=declared_size)
    outcome = check_uploaded(bucket(), document.key)
    assert (outcome.status, outcome.reason) == ("rejected", reason)
    checked = current(case, document.id)
    assert (checked.status, checked.reason, checked.sha256) == ("rejected", reason, "")
    assert checked.key == document.key  # no copy under a served key
    listed = s3().list_objects_v2(Bucket=bucket(), Prefix=f"verified/{case.id}/")
    assert listed.get("KeyCount", 0) == 0
    event = store.history(case.id)[-1]
    assert event.event == "document_rejected"
    assert event.data["reason"] == reason and event.data["detail"] == checks.REASONS[reason]


def test_a_real_pdf_stored_under_another_type_than_the_policy_fixed_is_rejected(
    case: Case,
) -> None:
    document, post = attach(case, PDF, len(a_pdf()))
    upload(post, a_pdf(), **{"Content-Type": "text/html"})  # S3 would refuse; moto does not
    assert check_uploaded(bucket(), document.key).reason == "type_mismatch"


def test_a_second_delivery_changes_nothing(case: Case) -> None:
    document = granted_and_uploaded(case, a_pdf())
    assert check_uploaded(bucket(), document.key).status == "verified"
    before = lifecycle.load(case.id)
    again = check_uploaded(bucket(), document.key)
    assert again.status == "unchanged"
    after = lifecycle.load(case.id)
    assert (after.version, after.history_length) == (before.version, before.history_length)

    rejected = granted_and_uploaded(case, EXE)
    assert check_uploaded(bucket(), rejected.key).status == "rejected"
    assert check_uploaded(bucket(), rejected.key).status == "unchanged"


def test_an_upload_over_a_verified_file_is_never_served(case: Case) -> None:
    """The policy stays valid ten minutes: a second POST can replace the checked object."""
    content = a_pdf()
    document, post = attach(case, PDF, len(content))
    upload(post, content)
    assert check_uploaded(bucket(), document.key).status == "verified"
    upload(post, EXE[:100] + b"\x00" * (len(content) - 100))  # same size, same policy
    assert check_uploaded(bucket(), document.key).status == "unchanged"
    served = current(case, document.id)
    assert s3().get_object(Bucket=bucket(), Key=served.key)["Body"].read() == content


def test_a_race_with_another_write_is_retried(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    document = granted_and_uploaded(case, a_pdf())
    real_record = lifecycle.record
    raced: list[str] = []

    def record_after_someone_else(stale: Case, *args: Any, **kwargs: Any) -> Case:
        if not raced:  # another document is attached first: this write's version is stale
            raced.append("")
            raced[0] = attach(case, PNG, 10, kind="photo")[0].id
        return real_record(stale, *args, **kwargs)

    monkeypatch.setattr(lifecycle, "record", record_after_someone_else)
    assert check_uploaded(bucket(), document.key).status == "verified"
    events = [e.event for e in store.history(case.id)]
    assert events == ["created", "document_attached", "document_attached", "document_verified"]
    statuses = {d.id: d.status for d in lifecycle.load(case.id).documents}
    assert statuses == {document.id: "verified", raced[0]: "awaiting_upload"}


def test_two_deliveries_at_once_record_one_verdict(case: Case) -> None:
    document = granted_and_uploaded(case, a_pdf())
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def deliver() -> None:
        barrier.wait()
        outcomes.append(check_uploaded(bucket(), document.key).status)

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["unchanged", "verified"]
    assert [e.event for e in store.history(case.id)].count("document_verified") == 1


def test_files_asked_for_at_once_are_all_attached(case: Case) -> None:
    """A browser asks for several grants in parallel, all on the same version of the case."""
    barrier = threading.Barrier(4)
    attached: list[str] = []

    def ask() -> None:
        barrier.wait()
        attached.append(uploads.attach(MACHINE, case, OWNER, "diploma", PDF, 100)[0].id)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(attached) == sorted(d.id for d in lifecycle.load(case.id).documents)
    assert len(attached) == 4
    assert [e.event for e in store.history(case.id)].count("document_attached") == 4


def test_a_closed_or_full_case_refuses_documents(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "MAX_DOCUMENTS", 1)
    attach(case, PDF, 100)
    with pytest.raises(uploads.Refused, match="at most 1"):
        attach(case, PDF, 100)
    lifecycle.act(MACHINE, lifecycle.load(case.id), "withdraw", OWNER, {})
    with pytest.raises(uploads.Refused, match="closed"):
        attach(case, PDF, 100)


def test_objects_that_are_not_awaited_uploads_are_ignored(case: Case) -> None:
    document, _ = attach(case, PDF, 100)
    assert check_uploaded("another-bucket", document.key).status == "ignored"
    assert check_uploaded(bucket(), "notes/readme.txt").status == "ignored"
    assert check_uploaded(bucket(), uploads.upload_key(case.id, "0" * 32)).status == "ignored"
    assert check_uploaded(bucket(), document.key).status == "ignored"  # never uploaded
    assert current(case, document.id).status == "awaiting_upload"


def test_the_eicar_test_file_is_refused_by_the_local_stand_in_scanner(case: Case) -> None:
    """The stand-in writes GuardDuty's tag; the check reads it like in AWS."""
    content = a_pdf().replace(b"%%EOF", b"%" + malware.EICAR + b"\n%%EOF")
    document = granted_and_uploaded(case, content)
    outcome = handle_s3_event_records(_records_naming(document.key))
    assert [(o.status, o.reason) for o in outcome] == [("rejected", "malware")]
    tags = s3().get_object_tagging(Bucket=bucket(), Key=document.key)["TagSet"]
    assert {"Key": malware.TAG, "Value": malware.THREATS} in tags
    honest = granted_and_uploaded(case, a_pdf())
    assert check_uploaded(bucket(), honest.key).status == "verified"


def test_off_the_local_stage_the_check_waits_for_guardduty_s_tag(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No stand-in in the cloud: without the tag the event comes back later; then the tag
    decides (THREATS_FOUND refused, a failed scan refused, a clean one verified)."""
    cloud = replace(get_settings(), stage="dev")
    monkeypatch.setattr(malware, "get_settings", lambda: cloud)
    pending = granted_and_uploaded(case, a_pdf())
    with pytest.raises(malware.ScanPending):
        check_uploaded(bucket(), pending.key)
    assert current(case, pending.id).status == "awaiting_upload"
    for status, expected in (
        (malware.THREATS, ("rejected", "malware")),
        ("FAILED", ("rejected", "not_scanned")),
        (malware.CLEAN, ("verified", "")),
    ):
        document = granted_and_uploaded(case, a_pdf())
        tagging = {"TagSet": [{"Key": malware.TAG, "Value": status}]}
        s3().put_object_tagging(Bucket=bucket(), Key=document.key, Tagging=tagging)
        outcome = check_uploaded(bucket(), document.key)
        assert (outcome.status, outcome.reason) == expected
