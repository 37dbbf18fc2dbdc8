"""A family books together (decision 39), through HTTP with real tokens: a guardian files
for their minor children, one request per person in one family, proves the tie with a
document the consulate checks, and books each of them, even into the same slot: one live
appointment per person, not per account. An adult is never filed for as a minor."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from tests.e2e.consular.test_consular_journeys import (
    agent,
    call,
    citizen,
    upload_checklist,
)

DXB = "AE-DXB"  # no other test books here
REQUESTS = "/consular/appointment-requests"
CALENDAR = {
    "hours": {str(d): [{"start": "09:00", "end": "10:00"}] for d in range(7)},
    "counters": {"passport": 3},
    "closed": [],
}


def years_ago(years: int, days: int = 0) -> str:
    today = date.today()
    day = 28 if (today.month, today.day) == (2, 29) else today.day  # no 29 February then
    return (today.replace(year=today.year - years, day=day) + timedelta(days=days)).isoformat()


def file(client: Any, token: Any, sub: str, **more: Any) -> Any:
    body = {"consulate": DXB, "service": "passport", "contact": {"language": "fr"}, **more}
    return call(client, "POST", REQUESTS, citizen(token, sub), body)


def ready(client: Any, token: Any, sub: str, answer: Any) -> str:
    """The request's checklist uploaded and checked, then validated by the consulate."""
    assert answer.status_code == 201, answer.body
    case_id = str(answer.json_body["id"])
    upload_checklist(client, citizen(token, sub), case_id)
    path = f"{REQUESTS}/{case_id}/validate"
    validated = call(client, "POST", path, agent(token, DXB), {})
    assert validated.status_code == 200, validated.body
    return case_id


def book(client: Any, token: Any, sub: str, case_id: str, slot: str) -> Any:
    path = f"{REQUESTS}/{case_id}/booking"
    return call(client, "POST", path, citizen(token, sub), {"slot": slot})


def test_a_guardian_files_and_books_for_her_children_one_live_appointment_each(
    client: Any, token: Any
) -> None:
    path = f"/consular/consulates/{DXB}/calendar"
    assert call(client, "PUT", path, agent(token, DXB), CALENDAR).status_code == 200
    own = file(client, token, "dxb-mother")
    family = own.json_body["payload"]["family"]
    yasmine = {
        "given_name": "Yasmine",
        "family_name": "El Alaoui",
        "birth_date": years_ago(10),
        "relation": "child",
    }
    adam = {**yasmine, "given_name": "Adam", "birth_date": years_ago(17, days=-1)}
    for_yasmine = file(client, token, "dxb-mother", person=yasmine, family=family)
    for_adam = file(client, token, "dxb-mother", person=adam, family=family)
    assert for_yasmine.json_body["payload"]["family"] == family
    assert for_yasmine.json_body["payload"]["person"]["given_name"] == "Yasmine"
    # The tie is proven like any other document: the child's full birth certificate.
    kinds = {i["kind"]: i["required"] for i in for_yasmine.json_body["checklist"]}
    assert kinds["birth_certificate"] is True and "birth_certificate" not in {
        i["kind"] for i in own.json_body["checklist"]
    }

    # An adult files their own request; a family is one of the guardian's own.
    grown = {**yasmine, "birth_date": years_ago(18)}
    adult = file(client, token, "dxb-mother", person=grown, family=family)
    assert adult.status_code == 422
    assert adult.json_body["errors"][0]["field"] == "body.person.birth_date"
    stranger = file(client, token, "dxb-stranger", person=yasmine, family=family)
    assert stranger.status_code == 422 and stranger.json_body["errors"][0]["field"] == "body.family"
    unknown = file(client, token, "dxb-mother", family=uuid.uuid4().hex)
    assert unknown.status_code == 422

    cases = [ready(client, token, "dxb-mother", a) for a in (own, for_yasmine, for_adam)]
    first = date.today() + timedelta(days=12)
    url = (
        f"/consular/consulates/{DXB}/slots?service=passport&from={first.isoformat()}"
        f"&to={(first + timedelta(days=3)).isoformat()}"
    )
    listed = call(client, "GET", url, citizen(token, "dxb-mother")).json_body["items"]
    slot = listed[0]["slot"]
    for case_id in cases:  # the three of them at the same time, three seats
        booked = book(client, token, "dxb-mother", case_id, slot)
        assert booked.status_code == 200, booked.body

    day = slot[:10]
    seen = call(
        client, "GET", f"/consular/consulates/{DXB}/appointments?date={day}", agent(token, DXB)
    )
    shown = {(i["name"], i["guardian"]) for i in seen.json_body["items"]}
    assert ("Yasmine El Alaoui", "Demo Citizen") in shown and ("Demo Citizen", "") in shown

    # One live appointment per person: the father files for the same child (written his
    # way) and cannot book her twice; the mother cannot book herself twice either.
    same_child = {**yasmine, "given_name": "yasmine", "family_name": "EL-ALAOUI"}
    fathers = ready(
        client, token, "dxb-father", file(client, token, "dxb-father", person=same_child)
    )
    later = listed[1]["slot"]
    twice = book(client, token, "dxb-father", fathers, later)
    assert twice.status_code == 409 and twice.json_body["refusal"] == "live_appointment"
    again = ready(client, token, "dxb-mother", file(client, token, "dxb-mother", family=family))
    mine_twice = book(client, token, "dxb-mother", again, later)
    assert mine_twice.status_code == 409 and mine_twice.json_body["refusal"] == "live_appointment"
