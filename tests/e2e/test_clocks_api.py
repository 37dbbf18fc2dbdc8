"""Legal clocks end to end, through HTTP with real tokens, on the demo case type: a clock
paused and resumed moves its due date and its Step Functions timer; a seconds-long clock
runs out on the real timer in moto and the case is granted, silence being consent."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from chalice.test import Client

import app as app_module
import chalicelib.clock
from chalicelib.settings import get_settings
from chalicelib.workflow import callbacks, clocks, holidays, lifecycle, registry
from chalicelib.workflow.case import Deadline
from scripts.local_events import Pump
from tests.support.demo_app import demo_app
from tests.support.demo_case import DECISION, DEMO, REVIEW

H = holidays.moroccan()


@pytest.fixture
def http(stack: Any) -> Iterator[Any]:
    with Client(demo_app, stage_name="local") as test_client:
        yield test_client.http


@pytest.fixture
def pump(stack: Any) -> Pump:
    """A pump that has delivered the session's backlog: a drain reads 100 stream records a
    round for 20 rounds, and the records of the session's earlier tests may be more than
    that, so this test's own would be left out."""
    pump = Pump(app_module, stack.env)
    pump.drain(rounds=1000)
    return pump


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Set the app's "now" (the route handlers run in this process)."""
    moment = [datetime.now(UTC)]
    monkeypatch.setattr(chalicelib.clock, "now", lambda: moment[0])

    def set_to(at: datetime) -> None:
        moment[0] = at

    return set_to


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def post(http: Any, path: str, token: str, body: dict[str, Any]) -> Any:
    return http.post(path, headers=headers(token), body=json.dumps(body))


def act(http: Any, token: str, case_id: str, action: str, reason: str = "") -> Any:
    return post(http, f"/demo/cases/{case_id}/actions/{action}", token, {"reason": reason})


def opened(http: Any, citizen: str) -> str:
    body = {"office": "MEN", "summary": "my file", "email": "a@demo.invalid", "language": "fr"}
    answer = post(http, "/demo/cases", citizen, body)
    assert answer.status_code == 201, answer.body
    return str(answer.json_body["id"])


def view(http: Any, token: str, case_id: str) -> dict[str, Any]:
    answer = http.get(f"/cases/{case_id}", headers=headers(token))
    assert answer.status_code == 200, answer.body
    return dict(answer.json_body)


def settled_status(case_id: str, deadline: Deadline, expected: str, pump: Pump) -> str:
    """The execution's status once the pump has delivered what is pending: Step Functions
    answers a start or a stop when asked, and the timer request may still be on its way
    (the stream, then the app) on a loaded machine; wait a little for it, never long."""
    status = execution_status(case_id, deadline)
    for _ in range(20):
        if status == expected:
            break
        pump.drain()
        time.sleep(0.1)
        status = execution_status(case_id, deadline)
    return status


def execution_status(case_id: str, deadline: Deadline) -> str:
    machine = get_settings().timer_state_machine_arn
    arn = machine.replace(":stateMachine:", ":execution:")
    arn += f":{lifecycle.execution_name(case_id, deadline)}"
    return str(boto3.client("stepfunctions").describe_execution(executionArn=arn)["status"])


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_paused_clock_moves_its_due_date_and_its_timer(
    http: Any, token: Any, pump: Pump, clock: Callable[[datetime], None]
) -> None:
    citizen = token("citizen", sub="citizen-clock-pause")
    officer = token("equivalence_officer", office="MEN")
    # noon in Morocco today, so that an hour later is still the same day there
    today = clocks.local_day(datetime.now(UTC))
    start = datetime(today.year, today.month, today.day, 12, tzinfo=clocks.ZONE).astimezone(UTC)
    clock(start)
    case_id = opened(http, citizen)
    act(http, citizen, case_id, "submit")
    [running] = view(http, citizen, case_id)["clocks"]
    assert (running["name"], running["state"], running["unit"]) == (
        "decision",
        "running",
        "working_days",
    )
    assert running["days_left"] == 60 and "55-19" in running["legal_basis"]["fr"]
    first_due = moment(running["due_at"])
    assert first_due == clocks.add_days(start, 60, True, H)
    first_timer = lifecycle.load(case_id).deadlines["clock:decision"]
    pump.drain()
    assert settled_status(case_id, first_timer, "RUNNING", pump) == "RUNNING"

    paused_at = start + timedelta(hours=1)
    clock(paused_at)
    act(http, officer, case_id, "request_complement", "send the diploma")
    [paused] = view(http, citizen, case_id)["clocks"]
    assert (paused["state"], paused["due_at"], paused["days_left"]) == ("paused", None, 60)
    assert [(moment(p["paused_at"]), p["resumed_at"]) for p in paused["paused"]] == [
        (paused_at, None)
    ]
    pump.drain()
    assert (
        settled_status(case_id, first_timer, "ABORTED", pump) == "ABORTED"
    )  # pausing stopped the timer

    resumed_at = start + timedelta(days=14)
    clock(resumed_at)
    act(http, citizen, case_id, "complement")
    shown = view(http, citizen, case_id)
    [resumed] = shown["clocks"]
    moved_by = clocks.elapsed(paused_at, resumed_at, True, H)
    assert resumed["state"] == "running" and moved_by > 0  # two weeks, less any holidays
    assert moment(resumed["due_at"]) == clocks.add_days(first_due, moved_by, True, H)
    assert resumed["paused"][0]["resumed_at"] is not None
    notes = {h["event"]: h["data"].get("clocks") for h in shown["history"]}
    assert notes["request_complement"] == [{"clock": "decision", "paused": paused_at.isoformat()}]
    assert notes["complement"][0]["resumed"] == resumed_at.isoformat()
    second_timer = lifecycle.load(case_id).deadlines["clock:decision"]
    pump.drain()
    assert (
        settled_status(case_id, second_timer, "RUNNING", pump) == "RUNNING"
    )  # re-armed, another name

    # The stopped timer's callback, had it come anyway, finds nothing to fire.
    stale = {"case_id": case_id, "deadline": "clock:decision", "due_at": first_due.isoformat()}
    assert callbacks.timer_fired(stale) == "stale"
    assert lifecycle.load(case_id).state == "submitted"

    # An expertise extends the time once; a second extension is refused.
    clock(resumed_at + timedelta(minutes=5))
    extended = act(http, officer, case_id, "order_expertise", "expert report needed")
    [longer] = extended.json_body["clocks"]
    assert longer["extended_by"] == 30
    assert moment(longer["due_at"]) == clocks.add_days(moment(resumed["due_at"]), 30, True, H)
    again = act(http, officer, case_id, "order_expertise", "another one")
    assert again.status_code == 409 and again.json_body["refusal"] == "already_extended"
    pump.drain()
    assert settled_status(case_id, second_timer, "ABORTED", pump) == "ABORTED"


def test_a_refusal_opens_the_review_window(http: Any, token: Any) -> None:
    citizen = token("citizen", sub="citizen-clock-review")
    case_id = opened(http, citizen)
    act(http, citizen, case_id, "submit")
    officer = token("equivalence_officer", office="MEN")
    refused = act(http, officer, case_id, "refuse", "not authentic").json_body
    shown = {c["name"]: c for c in refused["clocks"]}
    assert shown["decision"]["state"] == "done" and shown["decision"]["days_left"] is None
    review = shown["review"]
    assert (review["state"], review["unit"], review["days_left"]) == (
        "running",
        "calendar_days",
        60,
    )
    assert "2.13.165" in review["legal_basis"]["en"]


def test_a_clock_runs_out_on_step_functions_and_silence_grants_the_case(
    http: Any, token: Any, pump: Pump
) -> None:
    fast = replace(DEMO, clocks=(DECISION._replace(seconds=3), REVIEW))
    registry._MACHINES["demo"] = fast
    try:
        citizen = token("citizen", sub="citizen-clock-silence")
        case_id = opened(http, citizen)
        act(http, citizen, case_id, "submit")
        pump.drain()  # the stream starts the Step Functions execution
        deadline = time.monotonic() + 20
        shown = view(http, citizen, case_id)
        while shown["state"] != "accepted" and time.monotonic() < deadline:
            time.sleep(1)
            pump.drain()  # the timer queue brings the callback back
            shown = view(http, citizen, case_id)
        assert shown["state"] == "accepted"
        last = shown["history"][-1]
        assert (last["event"], last["role"]) == ("granted_by_silence", "system")
        assert "passed without an answer" in last["reason"]
        assert last["data"]["clocks"][0]["silence_is_consent"] is True
        [expired] = shown["clocks"]
        assert (expired["state"], expired["days_left"]) == ("expired", 0)
        assert shown["deadlines"] == []
        trail = http.get(f"/audit?case={case_id}", headers=headers(token("admin"))).json_body
        granted = [r for r in trail["items"] if r["action"] == "transition:granted_by_silence"]
        assert [r["actor"] for r in granted] == ["system:clock"]

        # The same callback delivered again changes nothing.
        message = {
            "case_id": case_id,
            "deadline": "clock:decision",
            "due_at": expired["due_at"],
        }
        version = lifecycle.load(case_id).version
        assert callbacks.timer_fired(message) == "stale"
        assert lifecycle.load(case_id).version == version
    finally:
        registry._MACHINES["demo"] = DEMO
