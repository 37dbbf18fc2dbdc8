"""Documents through HTTP with real tokens: who may attach and download, the signed upload
policy as a client receives it, refusals naming the field, and a file's way from the
presigned POST through S3's notification (delivered by the local event pump) to its link."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
import requests
from pypdf import PdfWriter

import app as app_module
from chalicelib.documents import uploads
from chalicelib.documents.checks import check_uploaded
from chalicelib.identity import identity
from chalicelib.settings import get_settings
from chalicelib.store import audit
from chalicelib.store import cases as store
from chalicelib.workflow import lifecycle, registry
from chalicelib.workflow.case import Case, Contact
from chalicelib.workflow.engine import Actor
from chalicelib.workflow.machine import JPEG, PDF, PNG, DocumentRule, Machine
from scripts.local_events import Pump
from tests.support.demo_case import DEMO

MACHINE = replace(
    DEMO,
    case_type="documents_e2e",
    prefix="DE",
    documents=(
        DocumentRule("diploma", titles={"ar": "الشهادة", "fr": "Diplôme", "en": "Diploma"}),
        DocumentRule("photo", required=False, content_types=(JPEG, PNG), max_bytes=2 << 20),
    ),
)
OFFICE = "MEN"


@dataclass(frozen=True)
class People:
    owner: str
    owner_sub: str
    officer: str  # staff of the case's office
    stranger: str  # another citizen
    other_officer: str  # the same role, another office
    admin: str  # of no particular office


@pytest.fixture
def people(token: Any) -> People:
    sub = f"documents-owner-{uuid.uuid4().hex[:8]}"
    return People(
        owner=token("citizen", sub=sub),
        owner_sub=identity("citizen", sub),
        officer=token("equivalence_officer", office=OFFICE),
        stranger=token("citizen"),
        other_officer=token("equivalence_officer", office="MESRSI"),
        admin=token("admin", office="HQ"),
    )


@pytest.fixture
def machine(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Machine:
    # Registered for this test only: the registry is what `make statemachines` exports.
    monkeypatch.setitem(registry._MACHINES, MACHINE.case_type, MACHINE)
    return MACHINE


@pytest.fixture
def case(machine: Machine, people: People) -> Case:
    owner = Actor(people.owner_sub, frozenset({"citizen"}))
    return lifecycle.open_case(machine, owner.subject, OFFICE, Contact(), {"summary": "s"}, owner)


def headers(token: str, **extra: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept-Language": "en",
        **extra,
    }


def ask(client: Any, case: Case, who: str, body: dict[str, Any], **extra: str) -> Any:
    return client.http.post(
        f"/cases/{case.id}/documents", headers=headers(who, **extra), body=json.dumps(body)
    )


def fetch(client: Any, case: Case, who: str, document_id: str) -> Any:
    return client.http.get(f"/cases/{case.id}/documents/{document_id}", headers=headers(who))


def a_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


DIPLOMA = {"kind": "diploma", "content_type": PDF, "size": 4321, "file_name": "diplome.pdf"}


def test_the_owner_gets_an_upload_bound_to_the_declared_file(
    client: Any, people: People, case: Case
) -> None:
    answer = ask(client, case, people.owner, DIPLOMA)
    assert answer.status_code == 201, answer.body
    grant = answer.json_body
    document_id = grant["document_id"]
    assert grant["method"] == "POST" and grant["max_bytes"] == 4321
    policy = uploads.decode_policy(grant["fields"]["policy"])
    conditions = policy["conditions"]
    assert {"key": f"cases/{case.id}/{document_id}"} in conditions
    assert {"bucket": get_settings().documents_bucket} in conditions
    assert {"Content-Type": PDF} in conditions
    assert ["content-length-range", 4321, 4321] in conditions
    assert {"x-amz-server-side-encryption": "aws:kms"} in conditions
    key_id = {"x-amz-server-side-encryption-aws-kms-key-id": get_settings().data_key_id}
    assert key_id in conditions
    expires_at = datetime.fromisoformat(grant["expires_at"])
    assert timedelta(minutes=9) < expires_at - datetime.now(UTC) <= timedelta(minutes=10)

    document = next(d for d in lifecycle.load(case.id).documents if d.id == document_id)
    assert (document.status, document.uploaded_by, document.uploaded_role) == (
        "awaiting_upload",
        people.owner_sub,
        "citizen",
    )
    assert document.file_name == "diplome.pdf"
    attached = store.history(case.id)[-1]
    assert attached.event == "document_attached"
    assert attached.data == {"document_id": document_id, "kind": "diploma", "role": "citizen"}


def test_staff_of_the_case_office_may_attach_and_the_read_is_audited(
    client: Any, people: People, case: Case
) -> None:
    answer = ask(client, case, people.officer, DIPLOMA)
    assert answer.status_code == 201, answer.body
    attached = store.history(case.id)[-1]
    assert (attached.role, attached.data["role"]) == ("equivalence_officer", "equivalence_officer")
    trail = audit.records_of_case(case.id, 10, None).records
    assert [(r.action, r.reason) for r in trail if r.action == "read"] == [
        ("read", "attach a document")
    ]
    assert trail[0].action == "transition:document_attached"  # newest first


def test_nobody_else_may_attach(client: Any, people: People, case: Case) -> None:
    for who in (people.stranger, people.other_officer):
        answer = ask(client, case, who, DIPLOMA)
        assert answer.status_code == 404, answer.body
    # an admin may read any case, so a refusal tells nothing new
    assert ask(client, case, people.admin, DIPLOMA).status_code == 403
    assert lifecycle.load(case.id).documents == ()


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"kind": "passport"}, ["body.kind"]),
        ({"kind": "photo"}, ["body.content_type"]),  # a photo is a JPEG or a PNG
        ({"kind": "photo", "content_type": PNG, "size": (2 << 20) + 1}, ["body.size"]),
        ({"size": (10 << 20) + 1}, ["body.size"]),  # the rule's default limit
        ({"kind": "photo", "size": 3 << 20}, ["body.content_type", "body.size"]),
        ({"content_type": "application/x-msdownload"}, ["body.content_type"]),
        ({"size": 0}, ["body.size"]),
        ({"file_name": "../../etc/passwd"}, ["body.file_name"]),
        ({"colour": "red"}, ["body.colour"]),
    ],
)
def test_what_the_checklist_refuses_is_a_422_naming_the_field(
    client: Any, people: People, case: Case, change: dict[str, Any], fields: list[str]
) -> None:
    answer = ask(client, case, people.owner, {**DIPLOMA, **change})
    assert answer.status_code == 422, answer.body
    assert [e["field"] for e in answer.json_body["errors"]] == fields
    assert lifecycle.load(case.id).documents == ()


def test_a_closed_case_takes_no_more_documents(client: Any, people: People, case: Case) -> None:
    owner = Actor(people.owner_sub, frozenset({"citizen"}))
    lifecycle.act(MACHINE, case, "withdraw", owner, {})
    answer = ask(client, case, people.owner, DIPLOMA)
    assert answer.status_code == 409
    assert answer.json_body["type"] == "urn:khidmat:problem:conflict"


def test_a_retried_request_gets_the_same_grant(client: Any, people: People, case: Case) -> None:
    key = {"Idempotency-Key": f"attach-{uuid.uuid4()}"}
    first = ask(client, case, people.owner, DIPLOMA, **key)
    second = ask(client, case, people.owner, DIPLOMA, **key)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert first.json_body == second.json_body
    assert len(lifecycle.load(case.id).documents) == 1


def test_the_same_key_on_another_case_is_another_request(
    client: Any, people: People, case: Case
) -> None:
    owner = Actor(people.owner_sub, frozenset({"citizen"}))
    other = lifecycle.open_case(MACHINE, owner.subject, OFFICE, Contact(), {"summary": "s"}, owner)
    key = {"Idempotency-Key": f"attach-{uuid.uuid4()}"}
    first = ask(client, case, people.owner, DIPLOMA, **key)
    second = ask(client, other, people.owner, DIPLOMA, **key)
    assert first.json_body["document_id"] != second.json_body["document_id"]
    assert len(lifecycle.load(other.id).documents) == 1


def test_a_file_goes_from_the_browser_to_a_download_link(
    client: Any, people: People, case: Case, stack: Any
) -> None:
    content = a_pdf()
    grant = ask(client, case, people.owner, {**DIPLOMA, "size": len(content)}).json_body
    document_id = grant["document_id"]
    assert fetch(client, case, people.owner, document_id).status_code == 409  # not checked yet

    form = {"file": ("diplome.pdf", content, PDF)}
    posted = requests.post(grant["url"], data=grant["fields"], files=form, timeout=10)
    assert posted.status_code == 204
    Pump(app_module, stack.env).drain()  # S3 -> uploads queue -> the app's handler

    answer = fetch(client, case, people.owner, document_id)
    assert answer.status_code == 200, answer.body
    link = answer.json_body
    assert (link["document_id"], link["kind"], link["size"]) == (
        document_id,
        "diploma",
        len(content),
    )
    assert link["file_name"] == "diplome.pdf" and len(link["sha256"]) == 64
    assert "X-Amz-Expires=300" in link["url"]
    assert "response-content-disposition=attachment" in link["url"]
    downloaded = requests.get(link["url"], timeout=10)
    assert downloaded.status_code == 200 and downloaded.content == content

    assert fetch(client, case, people.officer, document_id).status_code == 200
    assert fetch(client, case, people.admin, document_id).status_code == 200
    reasons = [r.reason for r in audit.records_of_case(case.id, 10, None).records]
    assert reasons.count(f"download document {document_id}") == 2  # officer and admin
    for who in (people.stranger, people.other_officer):
        assert fetch(client, case, who, document_id).status_code == 404
    assert fetch(client, case, people.owner, uuid.uuid4().hex).status_code == 404


def test_a_rejected_file_is_never_served(client: Any, people: People, case: Case) -> None:
    fake = b"MZ" + b"\x00" * 998  # a program that says it is a PDF
    grant = ask(client, case, people.owner, {**DIPLOMA, "size": len(fake)}).json_body
    requests.post(grant["url"], data=grant["fields"], files={"file": fake}, timeout=10)
    key = uploads.upload_key(case.id, grant["document_id"])
    assert check_uploaded(get_settings().documents_bucket, key).status == "rejected"
    answer = fetch(client, case, people.owner, grant["document_id"])
    assert answer.status_code == 409
    assert "rejected" in answer.json_body["detail"]
