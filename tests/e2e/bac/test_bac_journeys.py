"""The baccalaureate through HTTP with real tokens: data check and convocation, a correction,
a grant, results day, a complaint that reissues the certificate, and refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

import app as app_module
from scripts.local_events import Pump
from tests.e2e.bac.conftest import YEAR, Academy, Http
from tests.e2e.equivalence.eq_support import a_pdf
from tests.support.aws_calls import RECORDER

ACCOUNT, REGION = "123456789012", "eu-west-3"
PDF = "application/pdf"
CITIZEN_ROUTES = [
    ("GET", "/bac/me", None),
    ("POST", "/bac/me/verification", {"action": "confirm"}),
    ("GET", "/bac/me/convocation", None),
    ("POST", "/bac/grants", None),
    ("GET", "/bac/me/results", None),
    ("POST", "/bac/complaints", None),
    ("GET", "/bac/me/certificate", None),
    ("GET", "/bac/me/certificate/shares", None),
    ("POST", "/bac/me/certificate/shares", {"recipient": "Université", "days": 30}),
    ("DELETE", "/bac/me/certificate/shares/0123456789abcdef0123456789abcdef", None),
]
GRANT = {
    "household_size": 6,
    "income_bracket": "under_2000",
    "children": 4,
    "father_job": "agriculteur",
    "mother_job": "",
    "region": "DRAA-TAFILALET",
}


def mails(reference: str) -> list[str]:
    return [
        m.subject for m in ses_backends[ACCOUNT][REGION].sent_messages if reference in m.subject
    ]


def texts(reference: str) -> list[str]:
    return [t for _, t in sns_backends[ACCOUNT][REGION].sms_messages.values() if reference in t]


def publish(http: Http, academy: Academy, at: datetime | None = None, days: int = 7) -> Any:
    return academy.publish(http, at, days)


def test_data_confirmed_then_convocation(http: Http, academy: Academy) -> None:
    imported = academy.import_list(http)
    assert imported.status_code == 200, imported.body
    assert imported.json_body["state"] == "done", imported.body
    assert imported.json_body["report"]["candidates"] == 1

    early = http.call("GET", "/bac/me/convocation", academy.citizen)
    assert early.status_code == 409
    assert early.json_body["type"] == "urn:khidmat:problem:bac-data-not-confirmed"
    assert early.json_body["missing_step"] == "data_check"

    me = http.call("GET", "/bac/me", academy.citizen).json_body
    assert (me["candidate_number"], me["cnie"], me["data_status"]) == (
        academy.candidate_number,
        academy.cnie,
        "unchecked",
    )
    confirmed = http.call("POST", "/bac/me/verification", academy.citizen, {"action": "confirm"})
    assert confirmed.json_body["data_status"] == "confirmed"
    pdf = http.call("GET", "/bac/me/convocation", academy.citizen, Accept="application/pdf")
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.body.startswith(b"%PDF")


def test_a_correction_accepted_changes_the_record_and_asks_for_a_new_confirmation(
    http: Http, academy: Academy, stack: Any
) -> None:
    academy.import_list(http)
    http.call("POST", "/bac/me/verification", academy.citizen, {"action": "confirm"})
    content = a_pdf()
    document = {"content_type": PDF, "size": len(content), "file_name": "acte.pdf"}
    asked = http.call(
        "POST",
        "/bac/me/verification",
        academy.citizen,
        {
            "action": "correct",
            "corrections": [{"field": "first_name_fr", "proposed": "Selma"}],
            "document": document,
        },
    )
    assert asked.status_code == 200, asked.body
    case = asked.json_body["case"]
    assert asked.json_body["upload"]["fields"]["Content-Type"] == "application/pdf"
    again = http.call(
        "POST",
        "/bac/me/verification",
        academy.citizen,
        {"action": "correct", "corrections": [{"field": "last_name_fr", "proposed": "X"}]},
    )
    assert again.status_code == 409  # one correction at a time
    blocked = http.call("GET", "/bac/me/convocation", academy.citizen)
    assert blocked.status_code == 409

    queue = http.call("GET", "/bac/queue?type=bac_correction", academy.officer).json_body
    assert case["id"] in [c["id"] for c in queue["items"]]
    accept = f"/bac/cases/{case['id']}/actions/accept"
    unproven = http.call("POST", accept, academy.officer, {"reason": ""})  # nothing arrived yet
    assert unproven.status_code == 409, unproven.body
    assert unproven.json_body["type"] == "urn:khidmat:problem:bac-document-not-verified"
    assert unproven.json_body["missing_step"] == "document_verification"
    grant = asked.json_body["upload"]
    files = {"file": ("acte.pdf", content, PDF)}
    posted = requests.post(grant["url"], data=grant["fields"], files=files, timeout=10)
    assert posted.status_code == 204
    Pump(app_module, stack.env).drain()  # the upload's checks: the document is verified
    accepted = http.call(
        "POST", f"/bac/cases/{case['id']}/actions/accept", academy.officer, {"reason": ""}
    )
    assert accepted.status_code == 200, accepted.body
    assert accepted.json_body["state"] == "accepted"

    me = http.call("GET", "/bac/me", academy.citizen).json_body
    assert (me["first_name_fr"], me["data_status"]) == ("Selma", "unchecked")
    assert http.call("GET", "/bac/me/convocation", academy.citizen).status_code == 409
    http.call("POST", "/bac/me/verification", academy.citizen, {"action": "confirm"})
    convocation = http.call("GET", "/bac/me/convocation", academy.citizen, Accept=PDF)
    assert convocation.status_code == 200
    academy.import_list(http)  # the list again: the accepted correction stays
    assert http.call("GET", "/bac/me", academy.citizen).json_body["first_name_fr"] == "Selma"
    Pump(app_module, stack.env).drain()
    assert mails(case["reference"]) and texts(case["reference"])


def test_a_grant_is_reviewed_and_notified_by_email_and_sms(
    http: Http, academy: Academy, stack: Any
) -> None:
    academy.import_list(http)
    applied = http.call("POST", "/bac/grants", academy.citizen, GRANT)
    assert applied.status_code == 201, applied.body
    case = applied.json_body["case"]
    assert case["reference"].startswith("BG-")
    assert http.call("POST", "/bac/grants", academy.citizen, GRANT).status_code == 409
    income = {"kind": "income_certificate", "content_type": "application/pdf", "size": 1000}
    attached = http.call("POST", f"/cases/{case['id']}/documents", academy.citizen, income)
    assert attached.status_code == 201, attached.body
    seen = http.call("GET", f"/cases/{case['id']}", academy.officer).json_body
    assert seen["payload"]["income_bracket"] == "under_2000" and len(seen["documents"]) == 1

    path = f"/bac/cases/{case['id']}/actions"
    unexplained = http.call("POST", f"{path}/refuse", academy.officer, {"reason": ""})
    assert unexplained.status_code == 422
    # Attached but never uploaded: a grant is decided on its documents, checked.
    unproven = http.call("POST", f"{path}/grant", academy.officer, {"reason": ""})
    assert unproven.status_code == 409, unproven.body
    assert unproven.json_body["type"] == "urn:khidmat:problem:bac-document-not-verified"
    assert unproven.json_body["missing_documents"] == [
        {"kind": "income_certificate", "status": "awaiting_upload"}
    ]
    assert "income_certificate" in unproven.json_body["detail"]
    seen = http.call("GET", f"/cases/{case['id']}", academy.officer).json_body
    assert "grant" not in seen["available_actions"]
    http.attach_verified(case["id"], academy.citizen, "income_certificate")
    granted = http.call("POST", f"{path}/grant", academy.officer, {"reason": ""})
    assert granted.status_code == 200, granted.body
    assert granted.json_body["state"] == "granted"
    Pump(app_module, stack.env).drain()
    assert len(mails(case["reference"])) == 1 and len(texts(case["reference"])) == 1


def test_results_before_and_after_publication(
    http: Http, academy: Academy, clock: Callable[[datetime], None]
) -> None:
    academy.import_list(http)
    before = http.call("GET", "/bac/me/results", academy.citizen).json_body
    assert before == {**before, "published": False, "marks": [], "average": None}

    moment = datetime(YEAR, 7, 1, 9, 0, tzinfo=UTC)
    clock(moment - timedelta(days=1))
    body = {"visible_from": (moment - timedelta(days=1, seconds=30)).isoformat()}
    path = f"/bac/sessions/{YEAR}/publish"
    too_soon = http.call("POST", path, academy.officer, body)  # the job could not meet it
    assert too_soon.status_code == 422
    assert too_soon.json_body["errors"][0]["field"] == "body.visible_from"
    queued = http.call("POST", path, academy.officer, {"visible_from": moment.isoformat()})
    assert queued.status_code == 202, queued.body
    busy = http.call("POST", path, academy.officer, {"visible_from": moment.isoformat()})
    assert busy.status_code == 409 and busy.json_body["job_id"] == queued.json_body["job_id"]
    # Queued, not run yet: the session and the result items still say "not published".
    assert http.call("GET", "/bac/me/results", academy.citizen).json_body["published"] is False
    done = http.job(queued, academy.officer).json_body
    assert (done["state"], done["report"]["results_written"]) == ("done", 1)
    assert http.call("GET", queued.json_body["status"], academy.citizen).status_code == 403
    clock(moment - timedelta(seconds=1))
    assert http.call("GET", "/bac/me/results", academy.citizen).json_body["published"] is False

    clock(moment)
    RECORDER.clear()
    after = http.call("GET", f"/bac/me/results?year={YEAR}", academy.citizen).json_body
    assert [(c.service, c.operation) for c in RECORDER.of_the_route()] == [("dynamodb", "GetItem")]
    assert len(RECORDER.calls) == 2  # and the identity's counter of the minute
    RECORDER.clear()  # the newest session's by default: one Query, limit 1
    assert http.call("GET", "/bac/me/results", academy.citizen).json_body == after
    assert [(c.service, c.operation) for c in RECORDER.of_the_route()] == [("dynamodb", "Query")]
    assert after["published"] is True
    assert (after["average"], after["mention"], after["outcome"]) == ("14.15", "bien", "admitted")
    assert {m["subject"]: m["mark"] for m in after["marks"]}["math"] == "14.5"


def test_a_complaint_corrects_marks_and_reissues_the_certificate(
    http: Http, academy: Academy, clock: Callable[[datetime], None], stack: Any
) -> None:
    academy.import_list(http)
    moment = datetime.now(UTC) - timedelta(hours=1)
    publish(http, academy, moment, days=3)
    first = http.call("GET", "/bac/me/certificate", academy.citizen).json_body
    shared = http.call(
        "POST",
        "/bac/me/certificate/shares",
        academy.citizen,
        {"recipient": "Université", "days": 30},
    ).json_body

    filed = http.call(
        "POST",
        "/bac/complaints",
        academy.citizen,
        {"subject": "math", "error": "addition", "description": "Le total de la copie est faux."},
    )
    assert filed.status_code == 201, filed.body
    case = filed.json_body["case"]
    accepted = http.call(
        "POST",
        f"/bac/cases/{case['id']}/actions/accept",
        academy.officer,
        {"corrections": {"math": "18"}},
    )
    assert accepted.status_code == 200, accepted.body

    results = http.call("GET", "/bac/me/results", academy.citizen).json_body
    assert {m["subject"]: m["mark"] for m in results["marks"]}["math"] == "18"
    assert results["average"] == "14.64"  # the national exam's 15.02 weighs half
    second = http.call("GET", "/bac/me/certificate", academy.citizen).json_body
    assert second["certificate_id"] != first["certificate_id"]
    assert second["claims"]["average"] == "14.64"
    public = "/public/certificates/"
    for code, status in (
        (first["certificate_id"], "replaced"),  # issued again in its place
        (shared["code"], "revoked"),
        (second["certificate_id"], "valid"),
    ):
        answer = http.client.http.get(public + code, headers={"Accept": "application/json"})
        assert answer.json_body["status"] == status, code
    Pump(app_module, stack.env).drain()
    assert mails(case["reference"]) and texts(case["reference"])

    clock(moment + timedelta(days=3, seconds=1))
    late = http.call(
        "POST",
        "/bac/complaints",
        academy.citizen,
        {"subject": "svt", "error": "transcription", "description": "Note mal recopiée."},
    )
    assert late.status_code == 409
    assert late.json_body["type"] == "urn:khidmat:problem:bac-complaints-closed"


def test_no_cnie_on_file_no_certificate(http: Http, academy: Academy) -> None:
    academy.import_list(http, [academy.row(cnie="")])
    publish(http, academy)
    refused = http.call("GET", "/bac/me/certificate", academy.citizen)
    assert refused.status_code == 409
    assert refused.json_body["type"] == "urn:khidmat:problem:bac-cnie-not-on-file"
    assert "CNIe" in refused.json_body["detail"]

    academy.import_list(http)  # the academy adds the number: the same candidate, now matched
    publish(http, academy)
    assert http.call("GET", "/bac/me/certificate", academy.citizen).status_code == 200


def test_a_sign_in_without_the_cnie_is_refused_everywhere(
    http: Http, academy: Academy, token: Callable[..., str]
) -> None:
    academy.import_list(http)
    password = token("citizen", acr="password", cnie=academy.cnie, sub="citizen-pw")
    for method, path, body in CITIZEN_ROUTES:
        answer = http.call(method, path, password, body or {})
        assert answer.status_code == 403, path
        assert answer.json_body["type"] == "urn:khidmat:problem:cnie-required", path


def test_a_correction_refused_keeps_the_record_and_says_why(
    http: Http, academy: Academy, stack: Any
) -> None:
    academy.import_list(http)
    document = {"content_type": "image/jpeg", "size": 5000}
    asked = http.call(
        "POST",
        "/bac/me/verification",
        academy.citizen,
        {
            "action": "correct",
            "corrections": [{"field": "birth_place_fr", "proposed": "Salé"}],
            "document": document,
        },
        **{"Idempotency-Key": f"correct-{academy.cnie}"},
    )
    case = asked.json_body["case"]
    path = f"/bac/cases/{case['id']}/actions/refuse"
    refused = http.call("POST", path, academy.officer, {"reason": "L'acte joint dit Rabat."})
    assert refused.json_body["state"] == "refused"
    me = http.call("GET", "/bac/me", academy.citizen).json_body
    assert (me["birth_place_fr"], me["data_status"]) == ("Rabat", "unchecked")
    Pump(app_module, stack.env).drain()
    assert mails(case["reference"]) and texts(case["reference"])
    unknown_field = http.call(
        "POST",
        "/bac/me/verification",
        academy.citizen,
        {"action": "correct", "corrections": [{"field": "stream", "proposed": "SM"}]},
    )
    assert unknown_field.status_code == 422
    assert unknown_field.json_body["errors"][0]["field"].startswith("body.corrections")


def test_a_grant_without_its_income_certificate_is_not_granted(
    http: Http, academy: Academy
) -> None:
    academy.import_list(http)
    applied = http.call("POST", "/bac/grants", academy.citizen, GRANT)
    case = applied.json_body["case"]
    path = f"/bac/cases/{case['id']}/actions"
    # Only the optional family record arrives: the required certificate is still missing.
    http.attach_verified(case["id"], academy.citizen, "family_record")
    refused = http.call("POST", f"{path}/grant", academy.officer, {"reason": ""})
    assert refused.status_code == 409, refused.body
    assert refused.json_body["type"] == "urn:khidmat:problem:bac-document-not-verified"
    assert refused.json_body["missing_documents"] == [
        {"kind": "income_certificate", "status": "missing"}
    ]
    assert http.call("GET", f"/cases/{case['id']}", academy.officer).json_body["state"] == (
        "submitted"
    )
    # A refusal needs no document: the office may still say no, with its reasons.
    no = http.call("POST", f"{path}/refuse", academy.officer, {"reason": "Dossier incomplet."})
    assert no.json_body["state"] == "refused"


def test_the_average_follows_the_sessions_rule_and_says_its_source(
    http: Http, academy: Academy
) -> None:
    """Continuous assessment 25%, regional exam 25%, national exam 50% (its subjects by
    their coefficients): the weights commonly published, no seed states them, so the answer
    says ``unverified``."""
    incomplete = academy.import_list(http, [academy.row(regional_exam="")]).json_body
    assert incomplete["state"] == "failed"
    assert {"line": 2, "column": "regional_exam"} in [
        {k: e[k] for k in ("line", "column")} for e in incomplete["report"]["errors"]
    ]
    academy.import_list(http, [academy.row(continuous_assessment="9", regional_exam="7.5")])
    publish(http, academy)
    results = http.call("GET", "/bac/me/results", academy.citizen).json_body
    parts = {c["component"]: (c["weight"], c["average"]) for c in results["components"]}
    assert parts == {
        "continuous_assessment": (25, "9"),
        "regional_exam": (25, "7.5"),
        "national_exam": (50, "14.04"),
    }
    # (9 * 25 + 7.5 * 25 + 14.04 * 50) / 100 = 11.145: the national exam alone said "bien"
    assert (results["average"], results["mention"]) == ("11.15", "passable")
    rule = results["rule"]
    assert rule["source"] == "unverified" and "no seed" in rule["note"]
    assert rule["weights"] == {
        "continuous_assessment": 25,
        "regional_exam": 25,
        "national_exam": 50,
    }
    claims = http.call("GET", "/bac/me/certificate", academy.citizen).json_body["claims"]
    assert (claims["average"], claims["mention"]) == ("11.15", "passable")
