"""Documents without AWS: what a file's bytes must be, the upload policy as data, the
checklist, and the shapes of S3 event messages."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

import boto3
import pytest
from PIL import Image
from pydantic import ValidationError
from pypdf import PdfWriter

from chalicelib.api.routes.document_schemas import ChecklistEntry, UploadRequest
from chalicelib.documents import checks, uploads
from chalicelib.documents.checklist import ABANDONED_AFTER, checklist
from chalicelib.documents.checks import inspect, records_of_message, sniff
from chalicelib.workflow.case import Case, Document
from chalicelib.workflow.machine import JPEG, PDF, PNG, DocumentRule
from tests.support.demo_case import DEMO

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
MACHINE = replace(
    DEMO,
    documents=(
        DocumentRule("diploma", titles={"en": "Diploma"}),
        DocumentRule("photo", required=False, content_types=(JPEG, PNG), max_bytes=2 << 20),
    ),
)


def pdf(pages: int = 1, password: str = "") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def image(kind: str, size: tuple[int, int] = (32, 32)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, "teal").save(out, kind)
    return out.getvalue()


def document(content_type: str, size: int, status: str = "awaiting_upload", **kw: Any) -> Document:
    fields: dict[str, Any] = {
        "id": "d1",
        "kind": "diploma",
        "content_type": content_type,
        "size": size,
        "status": status,
        "uploaded_by": "owner",
        "uploaded_role": "citizen",
        "created_at": NOW,
        "key": "cases/c1/d1",
        **kw,
    }
    return Document(**fields)


def verdict_of(content: bytes, content_type: str, limit: int = 10 << 20) -> str:
    return inspect(content, document(content_type, len(content)), limit).reason


# ---------------------------------------------------------------- magic bytes and content


def test_magic_bytes_name_the_three_accepted_types_and_nothing_else() -> None:
    assert sniff(pdf()) == PDF
    assert sniff(image("PNG")) == PNG
    assert sniff(image("JPEG")) == JPEG
    assert sniff(b"MZ\x90\x00\x03\x00\x00\x00") is None  # a Windows executable
    assert sniff(b"hello, this is plain text") is None
    assert sniff(b"\xff\xd8") is None  # too short to be a JPEG


def test_real_files_pass_and_get_their_sha256() -> None:
    content = pdf()
    verdict = inspect(content, document(PDF, len(content)), 10 << 20)
    assert verdict.ok
    assert verdict.sha256 == hashlib.sha256(content).hexdigest()
    assert verdict_of(image("PNG"), PNG) == ""
    assert verdict_of(image("JPEG"), JPEG) == ""


@pytest.mark.parametrize(
    ("content", "declared", "reason"),
    [
        (b"MZ\x90\x00" + b"\x00" * 60, PDF, "type_mismatch"),  # an .exe called a PDF
        (b"just some text, not a PDF at all", PDF, "type_mismatch"),
        (image("PNG"), JPEG, "type_mismatch"),  # a real image, but not the declared type
        (image("PNG"), PDF, "type_mismatch"),
        (pdf(), PNG, "type_mismatch"),
        (b"%PDF-1.7\nnot really a PDF\n%%EOF\n", PDF, "unreadable"),
        (pdf(pages=0), PDF, "no_pages"),
        (pdf(password="secret"), PDF, "encrypted"),
    ],
)
def test_files_that_lie_or_do_not_open_are_rejected(
    content: bytes, declared: str, reason: str
) -> None:
    assert verdict_of(content, declared) == reason


def test_truncated_files_are_rejected() -> None:
    whole = pdf()
    assert verdict_of(whole[: len(whole) // 2], PDF) == "unreadable"
    # cut before the cross-reference table, with an end marker stuck back on
    assert verdict_of(whole[: len(whole) // 2] + b"\n%%EOF\n", PDF) == "unreadable"
    assert verdict_of(image("PNG")[:-20], PNG) == "unreadable"
    assert verdict_of(image("JPEG")[:-200], JPEG) == "unreadable"


def test_size_is_checked_against_the_declaration_and_the_limit() -> None:
    content = pdf()
    assert inspect(b"", document(PDF, 0), 100).reason == "empty"
    assert inspect(content, document(PDF, len(content) + 1), 10 << 20).reason == "size_mismatch"
    assert inspect(content, document(PDF, len(content)), len(content) - 1).reason == "too_large"


def test_an_image_with_too_many_pixels_is_not_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "MAX_PIXELS", 32 * 32 - 1)
    assert verdict_of(image("PNG"), PNG) == "too_many_pixels"


def test_every_reason_has_a_text() -> None:
    assert set(checks.REASONS) >= {
        "empty",
        "too_large",
        "size_mismatch",
        "type_mismatch",
        "unreadable",
        "encrypted",
        "no_pages",
        "too_many_pixels",
    }


# ---------------------------------------------------------------- the upload policy as data


def test_the_presigned_post_policy_fixes_key_type_size_and_encryption() -> None:
    s3 = boto3.client("s3", region_name="eu-west-3")
    doc = document(PDF, 12345)
    post = uploads.sign_post(s3, "documents-bucket", "data-key-id", doc)
    policy = uploads.decode_policy(post.fields["policy"])
    conditions = policy["conditions"]
    assert {"bucket": "documents-bucket"} in conditions
    assert {"key": "cases/c1/d1"} in conditions  # an exact key, not a prefix
    assert {"Content-Type": PDF} in conditions  # an exact type, not starts-with
    assert ["content-length-range", 12345, 12345] in conditions
    assert {"x-amz-server-side-encryption": "aws:kms"} in conditions
    assert {"x-amz-server-side-encryption-aws-kms-key-id": "data-key-id"} in conditions
    assert not [c for c in conditions if isinstance(c, list) and c[0] == "starts-with"]
    # the form carries what the conditions demand
    assert post.fields["key"] == "cases/c1/d1"
    assert post.fields["Content-Type"] == PDF
    assert post.fields["x-amz-server-side-encryption"] == "aws:kms"
    assert post.fields["x-amz-server-side-encryption-aws-kms-key-id"] == "data-key-id"
    # ten minutes, as the policy itself says
    left = post.expires_at - datetime.now(UTC)
    assert timedelta(minutes=9) < left <= timedelta(minutes=10)
    assert policy["expiration"].startswith(post.expires_at.strftime("%Y-%m-%dT%H:%M:%S"))


def test_upload_keys_name_a_case_and_a_document_and_checked_copies_do_not() -> None:
    key = uploads.upload_key("c1", "d1")
    assert uploads.parse_upload_key(key) == ("c1", "d1")
    assert uploads.parse_upload_key(uploads.verified_key("c1", "d1", "ab" * 32)) is None
    assert uploads.parse_upload_key("cases/c1/d1/extra") is None
    assert uploads.parse_upload_key("cases/../d1") is None


def test_downloads_are_attachments_with_a_safe_name() -> None:
    named = document(PDF, 10, file_name='شهادة "final".pdf')
    header = uploads.content_disposition(named)
    assert header.startswith("attachment; filename=\"_____ _final_.pdf\"; filename*=UTF-8''")
    assert "%D8%B4" in header and '"final"' not in header
    assert 'filename="diploma.pdf"' in uploads.content_disposition(document(PDF, 10))


def test_a_file_name_is_a_name_not_a_path() -> None:
    base = {"kind": "diploma", "content_type": PDF, "size": 10}
    assert UploadRequest.model_validate({**base, "file_name": "شهادة.pdf"}).file_name
    for bad in ("../etc/passwd", "a\\b.pdf", "line\nbreak.pdf"):
        with pytest.raises(ValidationError):
            UploadRequest.model_validate({**base, "file_name": bad})
    with pytest.raises(ValidationError):
        UploadRequest.model_validate({**base, "content_type": "application/x-msdownload"})


# ---------------------------------------------------------------- the checklist


def case_with(*documents: Document) -> Case:
    return Case(
        "c1", "DM-2026-000001", "demo", "owner", "MEN", "draft", 3, NOW, NOW, documents=documents
    )


def test_an_empty_case_misses_every_kind() -> None:
    items = checklist(MACHINE, case_with(), NOW)
    assert [(i.kind, i.required, i.status, i.document_ids) for i in items] == [
        ("diploma", True, "missing", ()),
        ("photo", False, "missing", ()),
    ]
    assert items[0].titles == {"en": "Diploma"}


def test_the_best_document_of_a_kind_decides_its_status() -> None:
    rejected = document(PDF, 10, "rejected", id="d1", reason="type_mismatch")
    waiting = document(PDF, 10, id="d2", created_at=NOW + timedelta(minutes=1))
    verified = document(PDF, 10, "verified", id="d3", created_at=NOW + timedelta(minutes=2))
    assert checklist(MACHINE, case_with(rejected), NOW)[0].status == "rejected"
    assert checklist(MACHINE, case_with(rejected), NOW)[0].reason == "type_mismatch"
    item = checklist(MACHINE, case_with(rejected, waiting), NOW)[0]
    assert (item.status, item.reason) == ("awaiting_upload", "")
    item = checklist(MACHINE, case_with(verified, waiting, rejected), NOW)[0]
    assert item.status == "verified"
    assert item.document_ids == ("d1", "d2", "d3")  # oldest first


def test_an_upload_that_never_came_does_not_hide_a_rejection() -> None:
    rejected = document(PDF, 10, "rejected", id="d1", reason="unreadable")
    stale = document(PDF, 10, id="d2")
    later = NOW + ABANDONED_AFTER + timedelta(seconds=1)
    item = checklist(MACHINE, case_with(rejected, stale), later)[0]
    assert (item.status, item.reason, item.document_ids) == ("rejected", "unreadable", ("d1", "d2"))
    assert checklist(MACHINE, case_with(stale), later)[0].status == "missing"


def test_the_checklist_entry_schema() -> None:
    entry = ChecklistEntry.of(checklist(MACHINE, case_with(), NOW)[1])
    assert entry.model_dump() == {
        "kind": "photo",
        "required": False,
        "titles": {},
        "status": "missing",
        "document_ids": [],
        "reason": None,
    }


# ---------------------------------------------------------------- S3 event messages


def test_s3_messages_give_their_records_and_test_events_none() -> None:
    record = {"eventName": "ObjectCreated:Post", "s3": {"object": {"key": "cases%2Fc%2Fd"}}}
    assert records_of_message(json.dumps({"Records": [record]})) == [record]
    test_event = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "b"}
    assert records_of_message(json.dumps(test_event)) == []
    assert records_of_message("not json") == []
    assert records_of_message("[1, 2]") == []


def test_only_object_created_records_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str]] = []

    def fake_check(bucket: str, key: str) -> checks.Outcome:
        seen.append((bucket, key))
        return checks.Outcome("ignored")

    monkeypatch.setattr(checks, "check_uploaded", fake_check)

    def record(event: str, key: str) -> dict[str, Any]:
        return {"eventName": event, "s3": {"bucket": {"name": "b"}, "object": {"key": key}}}

    records = [record("ObjectCreated:Post", "cases/c%2B1/d+1"), record("ObjectRemoved:Delete", "x")]
    assert len(checks.handle_s3_event_records(records)) == 1
    assert seen == [("b", "cases/c+1/d 1")]  # S3 encodes keys like a form: + is a space


@pytest.mark.parametrize(
    ("declared", "content_type", "saved"),
    [
        ("invoice\u202egpj.exe", PDF, "invoicegpj.pdf"),  # a right-to-left override
        ("photo.html", PNG, "photo.png"),
        ("scan.2024.PDF", PDF, "scan.2024.PDF"),
        ("portrait.jpeg", JPEG, "portrait.jpeg"),
        ("\u200f\u2066", PDF, "diploma.pdf"),  # nothing visible left: the kind's name
        ("شهادة", PDF, "شهادة.pdf"),
    ],
)
def test_a_download_is_named_by_what_the_file_is_without_invisible_characters(
    declared: str, content_type: str, saved: str
) -> None:
    named = document(content_type, 10, file_name=declared)
    assert uploads.shown_name(named) == saved
    assert "%E2%80%AE" not in uploads.content_disposition(named)  # U+202E, encoded
