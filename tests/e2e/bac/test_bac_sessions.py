"""A holder who sits again: results, certificates and complaints are kept per session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.e2e.bac.conftest import YEAR, Academy, Http

BEFORE = YEAR - 1
RESIT_MARKS = "math=18;physics=17;svt=16;philosophy=14;english=17;arabic=15"
PUBLIC = "/public/certificates/"


def test_a_holder_who_sits_again_keeps_the_first_session(http: Http, academy: Academy) -> None:
    first_number = academy.candidate_number
    done = academy.import_list(http, [academy.row()], year=BEFORE)
    assert done.json_body["state"] == "done", done.body
    academy.publish(http, datetime.now(UTC) - timedelta(days=30), days=7, year=BEFORE)
    held = http.call("GET", "/bac/me/certificate", academy.citizen).json_body
    assert held["claims"]["session"] == BEFORE
    old_results = http.call("GET", f"/bac/me/results?year={BEFORE}", academy.citizen).json_body
    assert old_results["published"] is True and old_results["session"] == BEFORE

    # Enrolled again the next session (another candidate number), results not out yet.
    again = academy.row(candidate_number="3" + first_number[1:])
    assert academy.import_list(http, [{**again, "marks": ""}]).json_body["state"] == "done"
    newest = http.call("GET", "/bac/me/results", academy.citizen).json_body
    assert (newest["session"], newest["published"]) == (YEAR, False)
    kept = http.call("GET", f"/bac/me/results?year={BEFORE}", academy.citizen).json_body
    assert kept == old_results
    # The certificate held is still the one given, and still valid.
    assert http.call("GET", "/bac/me/certificate", academy.citizen).json_body == held
    early = http.call("GET", f"/bac/me/certificate?year={YEAR}", academy.citizen)
    assert early.status_code == 409
    assert early.json_body["type"] == "urn:khidmat:problem:bac-results-not-published"

    # The new session's results: better marks, a new certificate; the first stays.
    academy.import_list(http, [{**again, "marks": RESIT_MARKS}])
    academy.publish(http, datetime.now(UTC) - timedelta(minutes=1))
    newest = http.call("GET", "/bac/me/results", academy.citizen).json_body
    assert newest["session"] == YEAR and newest["average"] != old_results["average"]
    assert http.call("GET", f"/bac/me/results?year={BEFORE}", academy.citizen).json_body == (
        old_results
    )
    second = http.call("GET", "/bac/me/certificate", academy.citizen).json_body
    assert second["claims"]["session"] == YEAR
    assert second["certificate_id"] != held["certificate_id"]
    first = http.call("GET", f"/bac/me/certificate?year={BEFORE}", academy.citizen).json_body
    assert first["certificate_id"] == held["certificate_id"]
    for code in (held["certificate_id"], second["certificate_id"]):
        answer = http.client.http.get(PUBLIC + code, headers={"Accept": "application/json"})
        assert answer.json_body["status"] == "valid", code

    # A share names its session's certificate; an unknown session is said so.
    shared = http.call(
        "POST",
        "/bac/me/certificate/shares",
        academy.citizen,
        {"recipient": "Université", "days": 30, "year": BEFORE},
    ).json_body
    shown = http.client.http.get(PUBLIC + shared["code"], headers={"Accept": "application/json"})
    assert shown.json_body["certificate"]["session"] == BEFORE
    none = http.call("GET", f"/bac/me/results?year={BEFORE - 1}", academy.citizen)
    assert none.status_code == 409
    assert none.json_body["type"] == "urn:khidmat:problem:bac-not-a-candidate"

    # A complaint names its session: the old one's window is closed, the new one's open.
    complaint = {"subject": "math", "error": "addition", "description": "Le total est faux."}
    old = http.call("POST", "/bac/complaints", academy.citizen, {**complaint, "year": BEFORE})
    assert old.status_code == 409
    assert old.json_body["type"] == "urn:khidmat:problem:bac-complaints-closed"
    filed = http.call("POST", "/bac/complaints", academy.citizen, complaint)
    assert filed.status_code == 201, filed.body
    seen = http.call("GET", f"/cases/{filed.json_body['case']['id']}", academy.citizen).json_body
    assert seen["payload"]["candidate"]["year"] == YEAR
