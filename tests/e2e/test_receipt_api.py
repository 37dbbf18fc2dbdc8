"""GET /cases/{case_id}/receipt through HTTP with real tokens: a demo case opened and
submitted over HTTP, a checked document on it, then its receipt as JSON and as a PDF, for
the owner and the staff of its office, and for nobody else."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from io import BytesIO
from typing import Any

import pytest
from chalice import Chalice  # type: ignore[attr-defined]
from chalice.test import Client
from pypdf import PdfReader

from chalicelib import clock
from chalicelib.api.http_app import assemble
from chalicelib.api.routes.receipts import PDF, receipts
from chalicelib.documents import receipt
from chalicelib.store import audit
from chalicelib.store import cases as store
from chalicelib.workflow import lifecycle
from chalicelib.workflow.case import Document
from chalicelib.workflow.engine import Actor
from tests.support.demo_app import demo_app

OFFICE = "MEN"
# The receipt's blueprint on an app of its own, with PDF among its binary types as app.py
# declares it. (The demo routes stay on demo_app: Chalice pops a route's methods when a
# blueprint is registered, so a blueprint's POST routes serve GET on a second app.)
receipt_app = assemble(Chalice(app_name="receipt-test", configure_logs=False), receipts)
receipt_app.api.binary_types.append(PDF)


@pytest.fixture
def http(stack: Any) -> Iterator[Any]:
    """One client for both apps: POSTs (opening and submitting demo cases) go to demo_app,
    GETs (receipts) to receipt_app."""
    with (
        Client(demo_app, stage_name="local") as demo,
        Client(receipt_app, stage_name="local") as receipts_client,
    ):
        yield Router(demo.http, receipts_client.http)


class Router:
    def __init__(self, demo: Any, receipts_http: Any) -> None:
        self.demo, self.receipts = demo, receipts_http

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.demo.post(path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.receipts.get(path, **kwargs)


def headers(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json", **extra}


def open_case(http: Any, citizen: str) -> str:
    body = json.dumps({"office": OFFICE, "summary": "my file", "language": "fr"})
    opened = http.post("/demo/cases", headers=headers(citizen), body=body)
    assert opened.status_code == 201, opened.body
    return str(opened.json_body["id"])


def submit(http: Any, citizen: str, case_id: str) -> None:
    answer = http.post(f"/demo/cases/{case_id}/actions/submit", headers=headers(citizen), body="{}")
    assert answer.status_code == 200, answer.body


def add_checked_document(case_id: str, owner: str) -> str:
    """A diploma as the upload checks leave it: verified, with its SHA-256."""
    case, sha = lifecycle.load(case_id), uuid.uuid4().hex * 2
    document = Document(
        "doc1", "diploma", PDF, 1000, "verified", owner, "citizen", clock.now(),
        f"verified/{case_id}/doc1", sha, "", "master.pdf",
    )  # fmt: skip
    lifecycle.record(
        case, "document_checked", Actor(owner, frozenset({"citizen"})), {}, (document,)
    )
    return sha


@pytest.fixture
def filed(http: Any, token: Any) -> dict[str, str]:
    sub = f"receipt-owner-{uuid.uuid4().hex[:8]}"
    owner = token("citizen", sub=sub)
    case_id = open_case(http, owner)
    submit(http, owner, case_id)
    sha = add_checked_document(case_id, sub)
    return {"owner": owner, "case_id": case_id, "sha": sha}


def get_receipt(http: Any, token: str, case_id: str, **extra: str) -> Any:
    return http.get(f"/cases/{case_id}/receipt", headers=headers(token, **extra))


def test_the_owner_gets_the_receipt_as_json(http: Any, filed: dict[str, str]) -> None:
    answer = get_receipt(http, filed["owner"], filed["case_id"])
    assert answer.status_code == 200, answer.body
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["Vary"] == "Accept"
    body = answer.json_body
    submitted = next(e for e in store.history(filed["case_id"]) if e.event == "submit")
    assert body["reference"].startswith("DM-") and body["office"] == OFFICE
    assert body["title"] == "Demo request (tests only)"
    assert datetime.fromisoformat(body["filed_at"]) == submitted.at
    assert "(heure du Maroc)" in body["filed_at_local"]["fr"]
    assert [(d["kind"], d["file_name"], d["status"], d["sha256"]) for d in body["documents"]] == [
        ("diploma", "master.pdf", "verified", filed["sha"])
    ]
    # the clocks its type declares (the decision clock started at the submission), nothing else
    decision = lifecycle.load(filed["case_id"]).clocks["decision"]
    [shown] = body["deadlines"]
    assert (shown["name"], shown["state"], shown["source"]) == ("decision", "running", "unverified")
    assert _moment(shown["due_at"]) == _moment(decision["due_at"])
    assert (shown["paused_since"], shown["days_used"]) == (None, None)
    unsigned = {k: v for k, v in body.items() if k != "verification"}
    assert body["verification"]["sha256"] == receipt.digest(unsigned)


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def test_the_owner_gets_the_receipt_as_a_pdf(http: Any, filed: dict[str, str]) -> None:
    as_json = get_receipt(http, filed["owner"], filed["case_id"]).json_body
    answer = get_receipt(http, filed["owner"], filed["case_id"], Accept=PDF)
    assert answer.status_code == 200, answer.body[:300]
    assert answer.headers["Content-Type"] == PDF
    assert answer.headers["Content-Disposition"].startswith("inline; filename=")
    assert isinstance(answer.body, bytes) and answer.body.startswith(b"%PDF-")
    text = PdfReader(BytesIO(answer.body)).pages[0].extract_text()
    assert as_json["reference"] in text and as_json["verification"]["sha256"] in text


def test_staff_of_the_case_office_get_it_and_the_read_is_audited(
    http: Any, token: Any, filed: dict[str, str]
) -> None:
    officer = token("equivalence_officer", office=OFFICE)
    assert get_receipt(http, officer, filed["case_id"]).status_code == 200
    assert get_receipt(http, officer, filed["case_id"], Accept=PDF).status_code == 200
    reads = [r.reason for r in audit.records_of_case(filed["case_id"], 10, None).records]
    assert reads.count("GET /cases/{id}/receipt") == 2


def test_anyone_else_gets_404(http: Any, token: Any, filed: dict[str, str]) -> None:
    strangers = (token("citizen", sub="receipt-stranger"), token("equivalence_officer"))
    for stranger in strangers:
        answer = get_receipt(http, stranger, filed["case_id"], Accept=PDF)
        assert answer.status_code == 404, answer.body
        assert answer.headers["Content-Type"] == "application/problem+json"


def test_an_accept_it_cannot_serve_is_406(http: Any, filed: dict[str, str]) -> None:
    answer = get_receipt(http, filed["owner"], filed["case_id"], Accept="text/csv")
    assert answer.status_code == 406
    assert answer.json_body["type"] == "urn:khidmat:problem:not-acceptable"
    # a preference among several is honoured, JSON first on a tie
    weighted = f"application/json;q=0.5, {PDF}"
    assert get_receipt(http, filed["owner"], filed["case_id"], Accept=weighted).body[:5] == b"%PDF-"
    tie = get_receipt(http, filed["owner"], filed["case_id"], Accept="*/*")
    assert tie.headers["Content-Type"] == "application/json"


def test_a_draft_has_no_receipt_yet(http: Any, token: Any) -> None:
    owner = token("citizen", sub=f"receipt-draft-{uuid.uuid4().hex[:8]}")
    answer = get_receipt(http, owner, open_case(http, owner))
    assert answer.status_code == 409
    assert "submit it first" in answer.json_body["detail"]
