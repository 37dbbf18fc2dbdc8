"""Committees and their sittings through HTTP with real tokens (decree 2.13.165, arts. 4, 8
and 9): an admin sets the law committee's members; an officer opens a sitting with an
agenda of the committee's files (Idempotency-Key honoured); the committee proposes on one
file; the sitting closes with its attendance, a substitute (art. 4), the chair elected for
the meeting and the rapporteur; the minutes (PDF, Arabic and French) record the proposal on
one file and none on the other. Another committee's member gets 404."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from chalice.test import Client
from pypdf import PdfReader

import app as app_module
from scripts.local_events import Pump
from tests.e2e.equivalence.eq_support import ASSESSMENT, Journey, headers

MEMBERS = [
    {
        "id": "h1",
        "name": "Pr. Nadia Alaoui",
        "seat": "head_of_institution",
        "institution": "Faculté des sciences juridiques, Rabat",
    },
    {
        "id": "h2",
        "name": "Pr. Karim Bennani",
        "seat": "head_of_institution",
        "institution": "Faculté de droit, Casablanca",
    },
    {"id": "m1", "name": "Mme Salma Idrissi", "seat": "ministerial_department"},
    {"id": "p1", "name": "Me Youssef Tazi", "seat": "professional_body"},
]
LAW = "/equivalence/committees/law"


@pytest.fixture
def http(stack: Any) -> Iterator[Any]:
    with Client(app_module.app, stage_name="local") as client:
        yield client.http


@pytest.fixture
def journey(http: Any, token: Any, stack: Any) -> Journey:
    citizen = token("citizen", sub=f"eq-{uuid.uuid4().hex[:10]}")
    officer = token("equivalence_officer", office="MESRSI")
    return Journey(http, Pump(app_module, stack.env), citizen, officer, token)


def put(http: Any, path: str, who: str, body: dict[str, Any]) -> Any:
    return http.put(path, headers=headers(who), body=json.dumps(body))


def test_a_sitting_from_agenda_to_minutes(http: Any, token: Any, journey: Journey) -> None:
    admin, officer = token("admin"), journey.officer
    law, health = journey.committee("law"), journey.committee("health")
    wrong = put(http, f"{LAW}/members", admin, {"members": [{**MEMBERS[0], "seat": "rector"}]})
    assert (
        wrong.status_code == 422 and wrong.json_body["errors"][0]["field"] == "body.members.0.seat"
    )
    assert put(http, f"{LAW}/members", law, {"members": MEMBERS}).status_code == 403
    assert put(http, f"{LAW}/members", admin, {"members": MEMBERS}).status_code == 200

    seen = journey.get("/equivalence/committees", law).json_body["items"]
    assert [c["code"] for c in seen] == ["law"] and len(seen[0]["members"]) == 4
    everything = {
        c["code"]: c for c in journey.get("/equivalence/committees", officer).json_body["items"]
    }
    hec = everything["HEC"]
    assert [(s["code"], s["count"]) for s in hec["seats"]] == [
        ("university_president", 1),
        ("dean_letters", 2),
        ("engineering_school_director", 1),
        ("non_university_institution_head", 2),
        ("central_administration_director", 2),
    ]
    assert everything["law"]["article"] == "seed 002, art. 4"

    journey.filed()
    journey.to_committee("law")
    first, first_reference = journey.case_id, journey.reference
    journey.filed()
    journey.to_committee("law")
    second = journey.case_id
    journey.file()  # a draft: not the committee's
    draft = journey.case_id

    sitting = {"held_on": "2026-03-10", "agenda": [first, second]}
    refused = http.post(
        f"{LAW}/sittings",
        headers=headers(officer),
        body=json.dumps({**sitting, "agenda": [first, draft]}),
    )
    assert refused.status_code == 422 and refused.json_body["errors"][0]["field"] == "body.agenda.1"
    twice = http.post(
        f"{LAW}/sittings",
        headers=headers(officer),
        body=json.dumps({**sitting, "agenda": [first, first]}),
    )
    assert twice.status_code == 422 and twice.json_body["errors"][0]["field"] == "body.agenda.1"
    key = {"Idempotency-Key": uuid.uuid4().hex}
    opened = http.post(f"{LAW}/sittings", headers=headers(officer, **key), body=json.dumps(sitting))
    assert opened.status_code == 201, opened.body
    again = http.post(f"{LAW}/sittings", headers=headers(officer, **key), body=json.dumps(sitting))
    assert again.json_body["sitting_id"] == opened.json_body["sitting_id"]
    view = opened.json_body
    assert view["state"] == "open" and [i["case_id"] for i in view["agenda"]] == [first, second]
    path = view["links"]["self"]
    # Another committee's member: as if the sitting did not exist.
    assert journey.get(path, health).status_code == 404
    valid = {"attendance": [{"member": "h1"}], "chair": "h1", "rapporteur": "h1"}
    assert (
        http.post(f"{path}/close", headers=headers(health), body=json.dumps(valid)).status_code
        == 404
    )
    assert journey.get("/equivalence/committees/health/sittings/x", law).status_code == 404
    unknown = "/equivalence/committees/nope/sittings/x/close"
    assert http.post(unknown, headers=headers(officer), body=json.dumps(valid)).status_code == 404
    assert journey.get(path, law).status_code == 200
    assert journey.get(f"{path}/minutes", law).status_code == 409  # not closed yet

    journey.case_id = first  # the committee proposes on the first file at the sitting
    proposal = {
        "outcome": "equivalence",
        "national_diploma": "Licence fondamentale en droit privé",
        "assessment": ASSESSMENT,
    }
    assert journey.ok(law, "propose", **proposal)["state"] == "proposed"

    attendance = [
        {"member": "h1", "present": True},
        {
            "member": "h2",
            "present": False,
            "substitute": {"name": "Pr. Leila Fassi", "capacity": "vice_dean"},
        },
        {"member": "m1", "present": True},
        {"member": "p1", "present": False},
    ]
    bad_chair = {"attendance": attendance, "chair": "m1", "rapporteur": "m1"}
    answer = http.post(f"{path}/close", headers=headers(law), body=json.dumps(bad_chair))
    assert answer.status_code == 422 and answer.json_body["errors"][0]["field"] == "body.chair"
    record = {"attendance": attendance, "chair": "h1", "rapporteur": "m1"}
    closed = http.post(f"{path}/close", headers=headers(law), body=json.dumps(record))
    assert closed.status_code == 200, closed.body
    minutes = {m["case_id"]: m for m in closed.json_body["minutes"]}
    assert minutes[first]["proposal"]["outcome"] == "equivalence"
    assert minutes[first]["proposal"]["assessment"]["curriculum"] == "meets"
    assert minutes[second]["proposal"] is None
    assert (
        http.post(f"{path}/close", headers=headers(law), body=json.dumps(record)).status_code == 409
    )

    pdf = http.get(f"{path}/minutes", headers=headers(officer, Accept="application/pdf"))
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.body)).pages)
    for expected in (
        "Procès-verbal de séance",
        "محضر الجلسة",
        "اللجنة القطاعية: القانون",
        "Commission sectorielle : Droit",
        first_reference,
        "Licence fondamentale en droit privé",
        "Aucune proposition à cette séance.",
        "Pr. Nadia Alaoui",
        "Pr. Leila Fassi",
        "Rapporteur : Mme Salma Idrissi",
    ):
        assert expected in text, expected
    assert journey.get(f"{path}/minutes", health).status_code == 404


def test_a_higher_committee_sitting_is_chaired_by_the_university_president(
    http: Any, token: Any, stack: Any
) -> None:
    """Art. 9: the HEC sits on the files under review; its chair is the university president
    (not elected at the sitting); a sector committee's member cannot see its sittings."""
    from dataclasses import replace

    from chalicelib.services.equivalence.machines import HIGHER
    from chalicelib.store import cases as store
    from chalicelib.workflow import lifecycle
    from chalicelib.workflow.case import Contact, HistoryEntry
    from chalicelib.workflow.engine import Actor
    from scripts.demo.equivalence_committees import HEC as HEC_MEMBERS
    from tests.support.route_samples.equivalence import FILE_BODY

    admin, hec, law = (
        token("admin"),
        token("committee_member", office="HEC"),
        token("committee_member", office="law"),
    )
    assert (
        put(
            http, "/equivalence/committees/HEC/members", admin, {"members": HEC_MEMBERS}
        ).status_code
        == 200
    )
    owner = Actor("hec-owner", frozenset({"citizen"}))
    payload = {"track": "higher", "diploma": {**FILE_BODY["diploma"], "field": "law"}}
    case = lifecycle.open_case(HIGHER, "hec-owner", "MESRSI", Contact(), payload, owner)
    moved = replace(case, state="review_requested", version=2, history_length=2)
    entry = HistoryEntry(
        2, "request_review", "draft", "review_requested", "t", "citizen", "", case.created_at
    )
    store.save_transition(case, moved, entry)

    body = json.dumps({"held_on": "2026-04-01", "agenda": [case.id]})
    assert (
        http.post(
            "/equivalence/committees/law/sittings", headers=headers(law), body=body
        ).status_code
        == 422
    )
    opened = http.post("/equivalence/committees/HEC/sittings", headers=headers(hec), body=body)
    assert opened.status_code == 201, opened.body
    path = opened.json_body["links"]["self"]
    assert http.get(path, headers=headers(law)).status_code == 404
    present = [{"member": m["id"]} for m in HEC_MEMBERS]
    by_a_dean = {"attendance": present, "chair": "hec-2"}
    refused = http.post(f"{path}/close", headers=headers(hec), body=json.dumps(by_a_dean))
    assert refused.status_code == 422 and refused.json_body["errors"][0]["field"] == "body.chair"
    closed = http.post(
        f"{path}/close",
        headers=headers(hec),
        body=json.dumps({"attendance": present, "chair": "hec-1"}),
    )
    assert closed.status_code == 200, closed.body
    assert closed.json_body["minutes"][0]["proposal"] is None
    pdf = http.get(f"{path}/minutes", headers=headers(hec, Accept="application/pdf"))
    text = " ".join("".join(p.extract_text() for p in PdfReader(BytesIO(pdf.body)).pages).split())
    assert "Commission supérieure d'équivalence des diplômes" in text
    assert "décret 2.13.165, arts. 8 et 9" in text
    assert "اللجنة العليا لمعادلة الشهادات" in text
