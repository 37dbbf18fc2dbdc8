"""A release round from opening to a checked draw, through HTTP with real tokens (decisions
56 to 60): the agent opens a round (its commitment public at once), citizens enter with
their acceptable days (a family's members each on their own; the same child twice is
refused), one withdraws, a late entry is refused, the draw's timer falls due, winners are
booked in the seat model, the others wait in draw order, everyone is told in their
language, and the published order is recomputed here from the public JSON alone."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

import app as app_module
from chalicelib import clock
from chalicelib.settings import get_settings
from chalicelib.store import outbox
from chalicelib.store.consular import repository as repo
from chalicelib.workflow import callbacks, lifecycle
from scripts import verify_draw
from scripts.local_events import Pump
from tests.e2e.consular.test_consular_family import years_ago
from tests.e2e.consular.test_consular_journeys import agent, call, citizen, validated_request
from tests.support.local_server import serving

DKR = "SN-DKR"  # Africa/Dakar: UTC all year; no other test books here
REQUESTS = "/consular/appointment-requests"
CALENDAR = {
    "hours": {
        str(d): [{"start": "09:00", "end": "10:00"}, {"start": "14:00", "end": "15:00"}]
        for d in range(7)
    },
    "counters": {"passport": 1},
    "closed": [],
}


@pytest.fixture
def pump(stack: Any) -> Pump:
    return Pump(app_module, stack.env)


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    moment_ = [datetime.now(UTC)]
    monkeypatch.setattr(clock, "now", lambda: moment_[0])
    return lambda when: moment_.__setitem__(0, when)


def moment(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def enter(
    client: Any, token: Any, sub: str, case_id: str, round_id: str, choices: list[str]
) -> Any:
    body = {"round": round_id, "choices": choices}
    return call(client, "POST", f"{REQUESTS}/{case_id}/entries", citizen(token, sub), body)


def recomputed_order(public: dict[str, Any]) -> list[str]:
    """What anyone can do with the public JSON: no database, no app code."""
    seed = bytes.fromhex(public["seed"])
    assert hashlib.sha256(seed).hexdigest() == public["commitment"]
    references = [e["reference"] for e in public["entries"]]
    return sorted(references, key=lambda r: hmac.new(seed, r.encode(), hashlib.sha256).hexdigest())


def test_a_round_from_opening_to_a_checked_draw(
    client: Any, token: Any, pump: Pump, at: Callable[[datetime], None], tmp_path: Path
) -> None:
    paths = client.http.get("/openapi.json").json_body["paths"]
    assert {
        "/consular/consulates/{code}/releases",
        "/consular/appointment-requests/{case_id}/entries",
        "/consular/appointment-requests/{case_id}/entries/{entry}",
        "/public/consular/releases/{id}",
    } <= set(paths)
    start = datetime.now(UTC)
    at(start)
    path = f"/consular/consulates/{DKR}/calendar"
    assert call(client, "PUT", path, agent(token, DKR), CALENDAR).status_code == 200
    day = date.today() + timedelta(days=10)
    nxt = day + timedelta(days=1)
    slots = [moment(day, 9), moment(day, 14), moment(nxt, 9)]  # one seat each
    body = {
        "service": "passport",
        "slots": slots,
        "draw_at": moment(date.today() + timedelta(days=2), 8),
        "entries_hours": 24,
    }
    releases = f"/consular/consulates/{DKR}/releases"
    assert call(client, "POST", releases, agent(token, "FR-PAR"), body).status_code == 404
    opened = call(client, "POST", releases, agent(token, DKR), body)
    assert opened.status_code == 201, opened.body
    round_id = opened.json_body["id"]
    public = client.http.get(f"/public/consular/releases/{round_id}").json_body
    assert public["state"] == "open" and len(public["commitment"]) == 64
    assert public["seed"] is None and public["entries"] == []
    # The same slots cannot go to a second round.
    again = call(client, "POST", releases, agent(token, DKR), body)
    assert again.status_code == 409 and again.json_body["refusal"] == "slots_not_free"

    # The round's slots are not on offer to the fastest click meanwhile.
    amina = validated_request(client, token, "drw-amina", consulate=DKR)
    listed = call(
        client,
        "GET",
        f"/consular/consulates/{DKR}/slots?service=passport&from={day}&to={nxt}",
        citizen(token, "drw-amina"),
    ).json_body["items"]
    assert not {s["slot"].replace("+00:00", "Z") for s in listed} & set(slots)
    grabbed = call(
        client,
        "POST",
        f"{REQUESTS}/{amina}/booking",
        citizen(token, "drw-amina"),
        {"slot": slots[0]},
    )
    assert grabbed.status_code == 409

    # Entries: a day counts two half-days; the round has four, three are needed.
    choices = [day.isoformat(), f"{nxt.isoformat()}/am"]
    too_few = enter(client, token, "drw-amina", amina, round_id, [f"{day.isoformat()}/am"])
    assert too_few.status_code == 422 and too_few.json_body["errors"][0]["field"] == "body.choices"
    entered = enter(client, token, "drw-amina", amina, round_id, choices)
    assert entered.status_code == 201, entered.body
    assert entered.json_body["state"] == "entered"
    references = {amina: entered.json_body["payload"]["round"]["entry"]}

    # A family: the mother and her daughter enter each on their own (one entry per person).
    english: dict[str, Any] = {"contact": {"language": "en"}}
    mother = validated_request(client, token, "drw-mother", consulate=DKR, **english)
    family = lifecycle.load(mother).payload["family"]
    yasmine = {
        "given_name": "Yasmine",
        "family_name": "Tall",
        "birth_date": years_ago(9),
        "relation": "child",
    }
    daughter = validated_request(
        client, token, "drw-mother", consulate=DKR, person=yasmine, family=family, **english
    )
    for case_id in (mother, daughter):
        answer = enter(client, token, "drw-mother", case_id, round_id, choices)
        assert answer.status_code == 201, answer.body
        references[case_id] = answer.json_body["payload"]["round"]["entry"]
    # The father files for the same child, written his way: she already has an entry.
    same_child = {**yasmine, "given_name": "YASMINE"}
    fathers = validated_request(client, token, "drw-father", consulate=DKR, person=same_child)
    twice = enter(client, token, "drw-father", fathers, round_id, choices)
    assert twice.status_code == 409 and twice.json_body["refusal"] == "already_entered"

    omar = validated_request(client, token, "drw-omar", consulate=DKR, contact={"language": "ar"})
    answer = enter(client, token, "drw-omar", omar, round_id, choices)
    assert answer.status_code == 201
    references[omar] = answer.json_body["payload"]["round"]["entry"]

    # One withdraws while the round is open: the request is validated again.
    karim = validated_request(client, token, "drw-karim", consulate=DKR)
    kept = enter(client, token, "drw-karim", karim, round_id, choices).json_body
    entry = kept["payload"]["round"]["entry"]
    stranger = call(
        client, "DELETE", f"{REQUESTS}/{karim}/entries/{entry}", citizen(token, "drw-omar")
    )
    assert stranger.status_code == 404  # another's request
    wrong = call(
        client, "DELETE", f"{REQUESTS}/{karim}/entries/{'0' * 64}", citizen(token, "drw-karim")
    )
    assert wrong.status_code == 409 and wrong.json_body["refusal"] == "no_entry"
    left = call(
        client, "DELETE", f"{REQUESTS}/{karim}/entries/{entry}", citizen(token, "drw-karim")
    )
    assert left.status_code == 200 and left.json_body["state"] == "validated"

    # The draw's timer was started by the cases stream (a Step Functions execution).
    pump.drain()
    machine = get_settings().timer_state_machine_arn
    execution = machine.replace(":stateMachine:", ":execution:") + f":round-{round_id}-draw"
    described = boto3.client("stepfunctions").describe_execution(executionArn=execution)
    assert described["status"] in ("RUNNING", "SUCCEEDED")

    # After the close, an entry is refused.
    at(start + timedelta(hours=25))
    late = validated_request(client, token, "drw-late", consulate=DKR)
    refused = enter(client, token, "drw-late", late, round_id, choices)
    assert refused.status_code == 409 and refused.json_body["refusal"] == "round_closed"

    # The timer falls due: the draw runs; a second delivery changes nothing.
    due = public["draw_at"]
    at(datetime.fromisoformat(due.replace("Z", "+00:00")) + timedelta(seconds=1))
    message = {"case_id": round_id, "deadline": "consular-draw", "due_at": due}
    assert callbacks.timer_fired(message) == "drawn: 3 booked, 1 waiting"
    assert callbacks.timer_fired(message) == "already drawn"

    public = client.http.get(f"/public/consular/releases/{round_id}").json_body
    assert public["state"] == "done"
    assert sorted(public["order"]) == sorted(references.values())  # Karim's left, none else
    assert public["order"] == recomputed_order(public)
    assert set(public["seats"]) == set(slots)
    winners = [e for e in public["entries"] if e["slot"]]
    assert [e["slot"] for e in winners] == [slots[0], slots[1], slots[2]]  # earliest first
    [lost] = [e["reference"] for e in public["entries"] if not e["slot"]]
    assert public["order"][-1] == lost  # the last drawn found no seat left

    case_of = {ref: case_id for case_id, ref in references.items()}
    for e in public["entries"]:
        case = lifecycle.load(case_of[e["reference"]])
        assert case.payload["round"]["entry"] == e["reference"]  # the citizen finds it
        if e["slot"]:
            assert case.state == "booked"
            assert case.payload["slot"].replace("+00:00", "Z") == e["slot"]
            templates = {m.template for m in outbox.of_case(case.id)}
            assert "consular_draw_won" in templates
        else:
            assert case.state == "waiting"
            told = [m for m in outbox.of_case(case.id) if m.template == "consular_draw_lost"]
            assert told and {m.language for m in told} == {case.contact.language}
    # The waiting list holds the loser first (it was empty before), seats were taken once.
    assert repo.first_waiting(DKR, "passport")[0].case_id == case_of[lost]
    seats = repo.seats_of_day(DKR, "passport", day.isoformat())
    assert {s.taken for s in seats.values()} == {1} and not any(s.round_id for s in seats.values())
    languages = {
        m.language
        for case_id in (mother, omar)
        for m in outbox.of_case(case_id)
        if m.template.startswith("consular_draw")
    }
    assert languages == {"en", "ar"}

    # make verify-draw ROUND=...: the public JSON fetched over HTTP from the served app.
    with serving(app_module.app) as base:
        assert verify_draw.main(["--round", round_id, "--api", base]) == 0

    # make verify-draw FILE=...: the JSON alone, checked; a tampered copy is caught.
    saved = tmp_path / "round.json"
    saved.write_text(json.dumps(public))
    assert verify_draw.main(["--file", str(saved)]) == 0
    swapped = {**public, "order": [public["order"][1], public["order"][0], *public["order"][2:]]}
    saved.write_text(json.dumps(swapped))
    assert verify_draw.main(["--file", str(saved)]) == 1
    other_seed = {**public, "seed": "00" * 32}
    saved.write_text(json.dumps(other_seed))
    assert verify_draw.main(["--file", str(saved)]) == 1
