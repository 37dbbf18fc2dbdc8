"""A pre-registration's life after the director, through HTTP with real tokens: a registered
child filed again the next year for the next level (and not twice for one year), Massar's
refusal for good settling the request while a throttle is retried, rejection grounds checked
against the request's facts, the age rule's upper bound and the late-registration cut-off,
and the school map loaded from CSV."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from chalicelib.services.enrollment.export import export_to_massar
from chalicelib.services.enrollment.massar import STAND_IN
from scripts.local_events import Pump
from tests.e2e.enrollment.calls import (
    approved,
    decide,
    emails_about,
    file,
    headers,
    sms_about,
)
from tests.support.route_samples.enrollment import FAULTY_SCHOOL_MAP, GUARDIAN, application

SetNow = Callable[[datetime], None]
DECEMBER_2026 = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # filing for 2027-2028


def people(token: Any, school: str) -> tuple[str, str]:
    guardian = token("citizen", sub=f"guardian-{uuid.uuid4().hex[:8]}", **GUARDIAN)
    return guardian, token("school_director", office=school)


def case_view(client: Any, token: str, case_id: str) -> dict[str, Any]:
    answer = client.http.get(f"/cases/{case_id}", headers=headers(token))
    assert answer.status_code == 200, answer.body
    body: dict[str, Any] = answer.json_body
    return body


def test_a_registered_child_is_filed_again_the_next_year_for_the_next_level(
    client: Any, token: Any, school: str, pump: Pump, set_now: SetNow
) -> None:
    set_now(DECEMBER_2026)
    guardian, director = people(token, school)
    other_parent = token("citizen", sub=f"guardian-{uuid.uuid4().hex[:8]}", **GUARDIAN)
    child = {"birth_date": "2022-03-15", "birth_certificate_date": "2022-03-20"}
    certificate = f"{uuid.uuid4().int % 10**6}/2022"
    preschool = {**application(school, certificate, **child), "level": "preschool"}
    preschool["siblings"] = []
    filed = file(client, guardian, preschool)
    assert filed.status_code == 201, filed.body
    assert filed.json_body["school_year"] == "2027-2028"
    approved(client, guardian, director, filed.json_body["id"], pump)
    pump.drain()
    pump.drain()
    assert case_view(client, guardian, filed.json_body["id"])["state"] == "registered"

    # The same school year: registered already, whoever asks (its filer is told why).
    again = file(client, guardian, preschool)
    assert again.status_code == 409, again.body
    assert again.json_body["errors"][0]["field"] == "body.child"
    assert "2027-2028" in again.json_body["errors"][0]["message"]
    stranger = file(client, other_parent, preschool)
    assert stranger.status_code == 409 and "errors" not in stranger.json_body

    # The next year, the next level: primary school.
    set_now(datetime(2027, 12, 1, 10, 0, tzinfo=UTC))
    primary = {**preschool, "level": "primary"}
    next_year = file(client, guardian, primary)
    assert next_year.status_code == 201, next_year.body
    assert next_year.json_body["school_year"] == "2028-2029"
    # Two live requests for one child stay impossible.
    twice = file(client, other_parent, primary)
    assert twice.status_code == 409
    assert twice.json_body["type"] == "urn:khidmat:problem:child-already-filed"


def test_massar_s_refusal_settles_the_request_and_the_guardian_is_told(
    client: Any, token: Any, school: str, pump: Pump, set_now: SetNow
) -> None:
    set_now(DECEMBER_2026)
    guardian, director = people(token, school)
    body = application(school)
    case = file(client, guardian, body).json_body
    approved(client, guardian, director, case["id"], pump)
    why = "Le numéro d'acte de naissance est déjà associé à un autre élève."
    STAND_IN.answer(case["id"], 422, why)
    pump.drain()
    pump.drain()

    view = case_view(client, director, case["id"])
    assert view["state"] == "massar_refused"
    assert view["history"][-1]["event"] == "massar_refusal"
    assert view["history"][-1]["reason"] == why
    # The director sees why in the school's list, by its own state.
    listed = client.http.get(
        f"/enrollment/schools/{school}/applications?state=massar_refused",
        headers=headers(director),
    ).json_body["items"]
    assert [a["id"] for a in listed] == [case["id"]]
    assert listed[0]["massar_refusal"]["status"] == 422
    assert listed[0]["massar_refusal"]["reason"] == why
    # The guardian is told: Massar's words in the e-mail, the SMS says where to turn.
    refusal = [e for e in emails_about(case["reference"]) if "refusée par Massar" in e]
    assert len(refusal) == 1 and "déjà associé à un autre élève" in refusal[0]
    texts = sms_about(case["reference"])
    assert any("Massar a refusé" in t and "déjà" not in t for t in texts)
    # Settled: the child may be filed for again (once the data is corrected).
    assert file(client, guardian, body).status_code == 201
    figures = client.http.get("/enrollment/follow-up", headers=headers(director)).json_body
    assert figures["counts"]["massar_refused"] == 1 and figures["counts"]["approved"] == 0


def test_a_throttle_from_massar_is_retried_not_settled(
    client: Any, token: Any, school: str, pump: Pump, set_now: SetNow
) -> None:
    set_now(DECEMBER_2026)
    guardian, director = people(token, school)
    case = file(client, guardian, application(school)).json_body
    approved(client, guardian, director, case["id"], pump)
    STAND_IN.answer(case["id"], 429, "Too many requests")
    pump.drain()  # the message stays on the queue, delivered again later
    assert [f.handler for f in pump.failures] == ["massar_exports"]  # reported as failed
    assert case_view(client, guardian, case["id"])["state"] == "approved"
    message = {"case_id": case["id"], "case_type": "enrollment", "target": "massar"}
    assert export_to_massar(message) == "registered"  # the queue's next delivery
    view = case_view(client, guardian, case["id"])
    assert view["state"] == "registered" and "massar_refusal" not in view["payload"]


def test_a_rejection_ground_the_facts_deny_is_refused(
    client: Any, token: Any, school: str, pump: Pump
) -> None:
    guardian, director = people(token, school)
    case = file(client, guardian, application(school)).json_body
    assert case["checks"]["of_age"] and case["checks"]["in_sector"]
    for ground, words in (("under_age", "of age by the rule"), ("outside_sector", "sector")):
        refused = decide(client, director, case["id"], "reject", {"reason": ground})
        assert refused.status_code == 422, refused.body
        problem = refused.json_body
        assert problem["type"] == "urn:khidmat:problem:enrollment-reason-contradicted"
        assert problem["errors"][0]["field"] == "body.reason"
        assert words in problem["errors"][0]["message"]
    assert case_view(client, guardian, case["id"])["state"] == "submitted"
    # Another ground, in words, stays possible.
    other = {"reason": "other", "details": "L'acte de naissance joint ne correspond pas."}
    rejected = decide(client, director, case["id"], "reject", other)
    assert rejected.status_code == 200 and rejected.json_body["state"] == "rejected"


def test_the_age_rule_has_an_upper_bound_and_late_registration_is_for_the_year_started(
    client: Any, token: Any, school: str, set_now: SetNow
) -> None:
    guardian, _ = people(token, school)
    set_now(DECEMBER_2026)
    too_old = application(school, birth_date="2019-06-01", birth_certificate_date="2019-06-05")
    answer = file(client, guardian, too_old)
    assert answer.status_code == 422, answer.body
    assert answer.json_body["type"] == "urn:khidmat:problem:over-school-age"
    assert answer.json_body["errors"][0]["field"] == "body.child.birth_date"
    assert "moins de 8 ans" in answer.json_body["rule"]
    six = application(school)  # 6 on 31 December 2027: primary, not preschool any more
    preschool = file(client, guardian, {**six, "level": "preschool"})
    assert preschool.status_code == 422
    assert "pour entrer au préscolaire" in preschool.json_body["rule"]

    # Mid-September 2026: school has started, a late registration is for 2026-2027.
    set_now(datetime(2026, 9, 15, 10, 0, tzinfo=UTC))
    late = application(school, birth_date="2020-06-01", birth_certificate_date="2020-06-05")
    filed = file(client, guardian, late)
    assert filed.status_code == 201, filed.body
    assert filed.json_body["school_year"] == "2026-2027"
    assert "31/12/2026" in filed.json_body["checks"]["rule"]


def test_the_school_map_is_loaded_from_csv_with_each_bad_line_named(
    client: Any, token: Any, stack: Any, set_now: SetNow
) -> None:
    tag = uuid.uuid4().hex[:5].upper()
    a, b, c, d, e = (f"MAP-{tag}-{n}" for n in "ABCDE")
    north = "Tiznit-Nord: Douar Jdid"  # a district of another commune
    text = FAULTY_SCHOOL_MAP.format(a=a, b=b, c=c, d=d, e=e, north=north)
    text = text.replace("Tiznit", f"Tiznit{tag}")
    admin = token("admin", office="HQ")
    path = "/enrollment/schools/import"
    for role in ("citizen", "school_director"):
        other = client.http.post(
            path, headers=headers(token(role, office=a)), body=json.dumps({"csv": text})
        )
        assert other.status_code == 403
    answer = client.http.post(path, headers=headers(admin), body=json.dumps({"csv": text}))
    assert answer.status_code == 200, answer.body
    report = answer.json_body
    assert report["read"] == 7 and report["loaded"] == 2 and report["schools"] == [a, b]
    named = {(e["line"], e["field"]) for e in report["errors"]}
    assert named == {
        (4, "code"),
        (5, "levels"),
        (6, "name_ar"),
        (6, "sector"),
        (7, "code"),
        (8, "line"),
    }
    assert report["rejected_lines"] == 5

    # The good lines are the map: schools by commune, and by the address they serve.
    commune = f"Tiznit{tag}-Centre"
    listed = client.http.get(f"/enrollment/schools?commune={commune}").json_body["items"]
    assert [s["code"] for s in listed] == [a, b]
    served = client.http.get(
        f"/enrollment/schools?commune=Tiznit{tag}-Nord&district=douar jdid"
    ).json_body["items"]
    assert [s["code"] for s in served] == [a]  # another commune, named in the sector

    # A guardian files at a school of the map.
    set_now(DECEMBER_2026)
    guardian = token("citizen", sub=f"guardian-{uuid.uuid4().hex[:8]}", **GUARDIAN)
    body = application(b)
    body["mother"]["address"] = {"line": "5 rue X", "commune": commune, "district": "Hay Massira"}
    filed = file(client, guardian, body)
    assert filed.status_code == 201, filed.body
    assert filed.json_body["checks"]["in_sector"]

    # Loaded again with a smaller sector: the district it left no longer finds the school.
    smaller = "\n".join(text.splitlines()[:2]).replace(f";Tiznit{tag}-Nord: Douar Jdid", "")
    again = client.http.post(path, headers=headers(admin), body=json.dumps({"csv": smaller}))
    assert again.json_body["loaded"] == 1 and again.json_body["errors"] == []
    served = client.http.get(
        f"/enrollment/schools?commune=Tiznit{tag}-Nord&district=Douar Jdid"
    ).json_body["items"]
    assert served == []
    header_only = client.http.post(
        path, headers=headers(admin), body=json.dumps({"csv": "code,name\nX,Y\n"})
    )
    assert header_only.json_body["errors"][0]["line"] == 1
    assert header_only.json_body["loaded"] == 0
