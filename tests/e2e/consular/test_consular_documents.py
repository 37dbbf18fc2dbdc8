"""Each service's checklist of required documents (decision 37), through HTTP with real
tokens: a request takes its own service's kinds, is not validated while one is missing (a
409 naming them), and the consulate's request for documents names kinds of the checklist,
which the citizen's message lists by title."""

from __future__ import annotations

import html
from typing import Any

from moto.ses.models import ses_backends

import app as app_module
from scripts.local_events import Pump
from tests.e2e.consular.test_consular_journeys import agent, call, citizen, upload

REQUESTS = "/consular/appointment-requests"
ACCOUNT, REGION = "123456789012", "eu-west-3"


def test_no_validation_while_a_required_document_is_missing(
    client: Any, token: Any, stack: Any
) -> None:
    amal = citizen(token, "rdv-checklist")
    body = {"consulate": "FR-PAR", "service": "passport", "contact": {"language": "fr"}}
    created = call(client, "POST", REQUESTS, amal, body)
    assert created.status_code == 201, created.body
    case_id, reference = created.json_body["id"], created.json_body["reference"]
    path = f"{REQUESTS}/{case_id}"
    checklist = {i["kind"]: i["required"] for i in created.json_body["checklist"]}
    assert checklist == {
        "id_copy": True,
        "photo": True,
        "proof_of_residence": True,
        "old_passport": False,
    }
    # Another service's kind is no part of a passport request.
    family_book = {"kind": "family_book", "content_type": "application/pdf", "size": 900}
    other = call(client, "POST", f"/cases/{case_id}/documents", amal, family_book)
    assert other.status_code == 422 and other.json_body["errors"][0]["field"] == "body.kind"

    early = call(client, "POST", f"{path}/validate", agent(token), {})
    assert early.status_code == 409, early.body
    assert early.json_body["type"] == "urn:khidmat:problem:consular-documents-missing"
    assert early.json_body["missing"] == ["id_copy", "photo", "proof_of_residence"]

    # The consulate asks: for kinds of the checklist only; none named, the missing ones.
    wrong = {"reason": "livret", "kinds": ["family_book"]}
    refused = call(client, "POST", f"{path}/request-documents", agent(token), wrong)
    assert refused.status_code == 422 and refused.json_body["errors"][0]["field"] == "body.kinds"
    upload(client, amal, case_id, "id_copy")
    asked = call(client, "POST", f"{path}/request-documents", agent(token), {"reason": "svp"})
    assert asked.status_code == 200, asked.body
    assert asked.json_body["state"] == "documents_requested"
    assert asked.json_body["payload"]["owed_kinds"] == ["photo", "proof_of_residence"]
    Pump(app_module, stack.env).drain()
    mails = [
        html.unescape(str(m.body))
        for m in ses_backends[ACCOUNT][REGION].sent_messages
        if reference in m.subject
    ]
    assert any("Photo d'identité récente; Justificatif de résidence" in str(m) for m in mails), (
        mails
    )

    upload(client, amal, case_id, "photo")
    done = call(client, "POST", f"{path}/complete", amal, {})
    assert done.status_code == 200 and done.json_body["state"] == "submitted"
    assert "owed_kinds" not in {k for k, v in done.json_body["payload"].items() if v}
    still = call(client, "POST", f"{path}/validate", agent(token), {})
    assert still.status_code == 409 and still.json_body["missing"] == ["proof_of_residence"]

    upload(client, amal, case_id, "proof_of_residence")
    validated = call(client, "POST", f"{path}/validate", agent(token), {})
    assert validated.status_code == 200, validated.body
    assert validated.json_body["state"] == "validated"
    statuses = {i["kind"]: i["status"] for i in validated.json_body["checklist"]}
    assert statuses == {
        "id_copy": "verified",
        "photo": "verified",
        "proof_of_residence": "verified",
        "old_passport": "missing",
    }
