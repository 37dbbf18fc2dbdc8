"""School pre-registration end to end, through HTTP with real tokens: a request approved
and registered in Massar, refusals for age and for residence, a duplicate child, a
director of another school, bad input naming each field, withdrawal and the follow-up."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from chalicelib.services.enrollment import domain
from chalicelib.services.enrollment.massar import STAND_IN
from scripts.local_events import Pump
from tests.e2e.enrollment.calls import (
    decide,
    emails_about,
    file,
    headers,
    sms_about,
    upload_photo,
)
from tests.support.route_samples.enrollment import GUARDIAN, application


def test_a_request_approved_and_registered_in_massar(
    client: Any, token: Any, school: str, pump: Pump
) -> None:
    guardian = token("citizen", sub=f"guardian-{uuid.uuid4().hex[:8]}", **GUARDIAN)
    director = token("school_director", office=school)

    found = client.http.get(
        "/enrollment/schools?commune=rabat-agdal&district=AGDAL&level=primary"
    ).json_body["items"]
    assert school in [s["code"] for s in found]

    answer = file(client, guardian, application(school))
    assert answer.status_code == 201, answer.body
    filed = answer.json_body
    assert filed["state"] == "submitted" and filed["reference"].startswith("PR-")
    assert filed["checks"]["of_age"] and filed["checks"]["in_sector"]
    assert "31/12/2027" in filed["checks"]["rule"] and filed["photo"] == "missing"
    mine = client.http.get("/me/cases", headers=headers(guardian)).json_body["items"]
    assert [c["reference"] for c in mine] == [filed["reference"]]

    refused = decide(client, director, filed["id"], "approve")
    assert refused.status_code == 409 and "photo" in refused.json_body["detail"]
    upload_photo(client, guardian, filed["id"], pump)

    listed = client.http.get(
        f"/enrollment/schools/{school}/applications?q=يوسف", headers=headers(director)
    ).json_body["items"]
    assert [a["id"] for a in listed] == [filed["id"]] and listed[0]["photo"] is None

    approved = decide(client, director, filed["id"], "approve")
    assert approved.status_code == 200, approved.body
    assert approved.json_body["state"] == "approved"
    pump.drain()  # the stream: notification and export; the massar queue: the adapter
    pump.drain()

    view = client.http.get(f"/cases/{filed['id']}", headers=headers(guardian)).json_body
    assert view["state"] == "registered"
    code = view["payload"]["massar_code"]
    assert code.startswith("P") and len(code) == 10
    assert [h["event"] for h in view["history"]][-1] == "exported"
    assert STAND_IN.received.count(filed["id"]) == 1  # once, however often the queue delivers
    # Told twice: the approval, then the pupil's Massar code when Massar gave it.
    accepted, registered = emails_about(filed["reference"])
    assert "accepté" in accepted and code not in accepted
    assert "inscription dans Massar" in registered
    assert f"Code Massar de l&#x27;élève : <bdi>{code}</bdi>" in registered  # the HTML part
    texts = sms_about(filed["reference"])
    assert len(texts) == 2 and f"Code Massar : {code}" in texts[1]


def test_refused_for_age_at_filing_and_by_the_director(
    client: Any, token: Any, school: str, pump: Pump, monkeypatch: pytest.MonkeyPatch
) -> None:
    guardian = token("citizen", sub=f"guardian-{uuid.uuid4().hex[:8]}", **GUARDIAN)
    director = token("school_director", office=school)
    too_young = file(
        client,
        guardian,
        application(school, birth_date="2022-02-10", birth_certificate_date="2022-02-14"),
        "fr",
    )
    assert too_young.status_code == 422
    problem = too_young.json_body
    assert problem["type"] == "urn:khidmat:problem:under-school-age"
    assert "6 ans révolus au 31/12/2027" in problem["rule"]
    assert "pour entrer en première année du primaire" in problem["rule"]  # French, not "en la"
    assert problem["errors"][0]["field"] == "body.child.birth_date"

    # Born in November 2021: 6 on 31 December 2027, of age when filed.
    body = application(school, birth_date="2021-11-20", birth_certificate_date="2021-11-25")
    case = file(client, guardian, body).json_body
    denied = decide(client, director, case["id"], "reject", {"reason": "under_age"})
    assert denied.status_code == 422  # the rule admits the child: not an age refusal
    # The ministry's note for the year sets the reference date at 30 September (after the
    # filing): the same child is now under age, and an age refusal quotes the new rule.
    year = domain.SCHOOL_YEARS[2027]
    monkeypatch.setitem(domain.SCHOOL_YEARS, 2027, replace(year, reference_date=date(2027, 9, 30)))
    rejected = decide(client, director, case["id"], "reject", {"reason": "under_age"})
    assert rejected.status_code == 200 and rejected.json_body["state"] == "rejected"
    pump.drain()
    emails = emails_about(case["reference"])
    assert len(emails) == 1 and "âge légal de scolarisation" in emails[0]
    assert "30/09/2027" in emails[0]  # the rule, quoted
    # the SMS names the ground as a category, never the e-mail's full reason
    (text,) = sms_about(case["reference"])
    assert "refusée : age légal non atteint" in text and "30/09/2027" not in text  # GSM: â -> a
    # the request ended: the same child may be filed again
    monkeypatch.setitem(domain.SCHOOL_YEARS, 2027, year)
    assert file(client, guardian, body).status_code == 201


def test_rejected_because_the_school_does_not_serve_the_residence(
    client: Any, token: Any, school: str, pump: Pump
) -> None:
    guardian = token("citizen", sub=f"guardian-{uuid.uuid4().hex[:8]}", **GUARDIAN)
    director = token("school_director", office=school)
    body = application(school)
    body["mother"]["address"]["district"] = "Hay Riad"
    case = file(client, guardian, body).json_body
    assert case["checks"]["in_sector"] is False

    vague = decide(client, director, case["id"], "reject", {"reason": "other"})
    assert vague.status_code == 422 and vague.json_body["errors"][0]["field"] == "body.details"
    rejected = decide(client, director, case["id"], "reject", {"reason": "outside_sector"})
    assert rejected.status_code == 200
    pump.drain()
    (email,) = emails_about(case["reference"])
    assert "ne dessert pas le lieu de résidence" in email
    (text,) = sms_about(case["reference"])
    assert "l'école ne dessert pas votre résidence" in text
    history = client.http.get(f"/cases/{case['id']}", headers=headers(guardian)).json_body
    assert history["history"][-1]["reason"].startswith("L'école choisie ne dessert pas")


def test_a_child_with_a_live_request_is_refused(client: Any, token: Any, school: str) -> None:
    guardian = token("citizen", sub=f"guardian-{uuid.uuid4().hex[:8]}", **GUARDIAN)
    other_parent = token("citizen", sub=f"guardian-{uuid.uuid4().hex[:8]}", **GUARDIAN)
    body = application(school)
    assert file(client, guardian, body).status_code == 201
    again = file(client, other_parent, body)
    assert again.status_code == 409
    assert again.json_body["type"] == "urn:khidmat:problem:child-already-filed"
    # Another account learns nothing of the child: no field, no name, only where to turn.
    assert "errors" not in again.json_body and "Youssef" not in again.body.decode()
    mine = file(client, guardian, body)  # the filer is told it is theirs
    assert mine.status_code == 409 and mine.json_body["errors"][0]["field"] == "body.child"


def test_only_the_guardian_named_files_signed_in_with_the_cnie(
    client: Any, token: Any, school: str
) -> None:
    """Nobody files for a child in another person's name: the guardian named in the request
    (here the mother) is the person signed in with the electronic ID card."""
    body = application(school)
    password = token("citizen", sub=f"guardian-{uuid.uuid4().hex[:8]}")
    refused = file(client, password, body)
    assert refused.status_code == 403
    assert refused.json_body["type"] == "urn:khidmat:problem:cnie-required"
    stranger = token("citizen", sub=f"guardian-{uuid.uuid4().hex[:8]}", acr="cnie", cnie="Z99999")
    impostor = file(client, stranger, body)
    assert impostor.status_code == 422
    assert impostor.json_body["errors"][0]["field"] == "body.mother.cnie"
    assert file(client, stranger, {**body, "guardian_capacity": "father"}).status_code == 422
    mother = token("citizen", sub=f"guardian-{uuid.uuid4().hex[:8]}", **GUARDIAN)
    assert file(client, mother, body).status_code == 201


def test_a_director_of_another_school_sees_nothing(client: Any, token: Any, school: str) -> None:
    guardian = token("citizen", sub=f"guardian-{uuid.uuid4().hex[:8]}", **GUARDIAN)
    stranger = token("school_director", office="OTHER-SCHOOL")
    case = file(client, guardian, application(school)).json_body
    listing = client.http.get(
        f"/enrollment/schools/{school}/applications", headers=headers(stranger)
    )
    assert listing.status_code == 404
    assert decide(client, stranger, case["id"], "approve").status_code == 404
    assert (
        decide(client, stranger, case["id"], "reject", {"reason": "under_age"}).status_code == 404
    )
    assert client.http.get(f"/cases/{case['id']}", headers=headers(stranger)).status_code == 404
    figures = client.http.get(f"/enrollment/follow-up?school={school}", headers=headers(stranger))
    assert figures.status_code == 404


def test_bad_input_names_each_field(client: Any, token: Any, school: str) -> None:
    guardian = token("citizen", sub=f"guardian-{uuid.uuid4().hex[:8]}", **GUARDIAN)
    # What the schema states: scripts, formats, the guardian's contacts.
    body = application(school, first_name_latin="يوسف")
    body["father"]["cnie"] = "123456"
    body["father"]["last_name_ar"] = "Alaoui"
    body["mother"]["phone"] = "+33612345678"
    body["mother"]["email"] = "not-an-address"
    shape = file(client, guardian, body)
    assert shape.status_code == 422, shape.body
    assert shape.json_body["type"] == "urn:khidmat:problem:validation-failed"
    assert {e["field"] for e in shape.json_body["errors"]} == {
        "body.child.first_name_latin",
        "body.father.cnie",
        "body.father.last_name_ar",
        "body.mother.phone",
        "body.mother.email",
    }
    # the mother is the guardian: every contact is required (checked once the fields are)
    reachable = application(school)
    reachable["mother"]["job"] = None
    assert [e["field"] for e in file(client, guardian, reachable).json_body["errors"]] == [
        "body.mother.job"
    ]
    sex = file(client, guardian, {**body, "child": {**body["child"], "sex": "X"}})
    assert "body.child.sex" in {e["field"] for e in sex.json_body["errors"]}

    # What needs the calendar, the phone plan, today or the catalogue: another problem type.
    body = application(school, birth_date_hijri="1442-01-01")
    body["mother"]["phone"] = "+212511111111"  # the Moroccan shape, not in the plan
    body["siblings"][0]["birth_date"] = "2019-01-01"
    body["level"] = "preschool"
    rules = file(client, guardian, {**body, "school": "NO-SUCH-SCHOOL"})
    assert rules.status_code == 422, rules.body
    assert rules.json_body["type"] == "urn:khidmat:problem:enrollment-rule-violated"
    assert {e["field"] for e in rules.json_body["errors"]} == {
        "body.child.birth_date_hijri",
        "body.mother.phone",
        "body.siblings.0.birth_date",
        "body.school",
    }


def test_withdrawal_and_the_follow_up(client: Any, token: Any, school: str) -> None:
    guardian = token("citizen", sub=f"guardian-{uuid.uuid4().hex[:8]}", **GUARDIAN)
    director = token("school_director", office=school)
    admin = token("admin", office="HQ")
    kept = file(client, guardian, application(school)).json_body
    gone = file(client, guardian, application(school)).json_body
    assert decide(client, guardian, gone["id"], "withdraw").json_body["state"] == "withdrawn"
    assert decide(client, guardian, gone["id"], "withdraw").status_code == 409
    assert decide(client, director, kept["id"], "withdraw").status_code == 403

    mine = client.http.get("/enrollment/follow-up", headers=headers(director)).json_body
    assert mine["scope"] == {"school": school} and mine["school_year"] == "2027-2028"
    assert mine["counts"]["submitted"] == 1 and mine["counts"]["withdrawn"] == 1
    assert mine["siblings_forecast"] == {"2028-2029": 1, "2029-2030": 0}
    region = client.http.get("/enrollment/follow-up?province=RABAT", headers=headers(admin))
    codes = [s["code"] for s in region.json_body["schools"]]
    assert school in codes and region.json_body["counts"]["total"] >= 2


def test_a_director_reads_no_other_school_s_follow_up(client: Any, token: Any, school: str) -> None:
    director = token("school_director", office=school)
    other = client.http.get("/enrollment/follow-up?school=OTHER-SCHOOL", headers=headers(director))
    assert other.status_code in (403, 404)
    own = client.http.get(f"/enrollment/follow-up?school={school}", headers=headers(director))
    assert own.status_code == 200
