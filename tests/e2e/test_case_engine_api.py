"""The case engine end to end, through HTTP with real tokens, on the demo case type:
filing, my cases, history, refusals, object-level access, deadlines on Step Functions."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from chalice.test import Client
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

import app as app_module
from chalicelib.workflow import registry
from chalicelib.workflow.machine import Notify, StartTimer
from scripts.local_events import Pump
from tests.support.demo_app import demo_app
from tests.support.demo_case import DEMO


@pytest.fixture
def http(stack: Any) -> Iterator[Any]:
    with Client(demo_app, stage_name="local") as test_client:
        yield test_client.http


@pytest.fixture
def pump(stack: Any) -> Pump:
    return Pump(app_module, stack.env)


def headers(token: str, **extra: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept-Language": "en",
        **extra,
    }


def open_case(http: Any, citizen: str, summary: str = "my file") -> dict[str, Any]:
    answer = http.post(
        "/demo/cases",
        headers=headers(citizen),
        body=json.dumps(
            {
                "office": "MEN",
                "summary": summary,
                "email": "a@demo.invalid",
                "phone": "+212612345678",
                "language": "fr",
            }
        ),
    )
    assert answer.status_code == 201, answer.body
    return dict(answer.json_body)


def act(http: Any, token: str, case_id: str, action: str, reason: str = "") -> Any:
    return http.post(
        f"/demo/cases/{case_id}/actions/{action}",
        headers=headers(token),
        body=json.dumps({"reason": reason}),
    )


def test_a_case_from_filing_to_decision(http: Any, token: Any) -> None:
    citizen = token("citizen", sub="citizen-journey")
    officer = token("equivalence_officer", office="MEN")
    case = open_case(http, citizen)
    assert case["reference"].startswith("DM-") and case["state"] == "draft"
    assert case["available_actions"] == ["submit", "withdraw"]
    assert act(http, citizen, case["id"], "submit").json_body["state"] == "submitted"
    assert act(http, officer, case["id"], "accept").json_body["state"] == "accepted"
    view = http.get(f"/cases/{case['id']}", headers=headers(citizen)).json_body
    assert [h["event"] for h in view["history"]] == ["created", "submit", "accept"]
    assert view["history"][2]["role"] == "equivalence_officer"
    assert view["state_kind"] == "terminal" and view["available_actions"] == []


def test_my_cases_lists_mine_only_newest_first_with_pages(http: Any, token: Any) -> None:
    mine = token("citizen", sub="citizen-lister")
    opened = [open_case(http, mine, f"n{n}")["id"] for n in range(3)]
    open_case(http, token("citizen", sub="someone-else"))
    first = http.get("/me/cases?limit=2", headers=headers(mine)).json_body
    second = http.get(f"/me/cases?limit=2&cursor={first['next']}", headers=headers(mine)).json_body
    listed = [c["id"] for c in first["items"] + second["items"]]
    assert listed == list(reversed(opened)) and second["next"] is None


def test_refusals_name_why(http: Any, token: Any) -> None:
    citizen = token("citizen", sub="citizen-refused")
    officer = token("equivalence_officer", office="MEN")
    case = open_case(http, citizen, summary="")
    guard = act(http, citizen, case["id"], "submit")
    assert guard.status_code == 409 and guard.json_body["refusal"] == "guard_failed"
    assert "summary" in guard.json_body["detail"]
    wrong_role = act(http, citizen, case["id"], "accept")
    assert wrong_role.status_code == 403 and wrong_role.json_body["refusal"] == "wrong_role"
    wrong_state = act(http, officer, case["id"], "accept")
    assert wrong_state.status_code == 409 and wrong_state.json_body["refusal"] == "wrong_state"
    unknown = act(http, citizen, case["id"], "teleport")
    assert unknown.status_code == 404


def test_a_refusal_without_a_reason_is_impossible(http: Any, token: Any) -> None:
    citizen = token("citizen", sub="citizen-reason")
    officer = token("equivalence_officer", office="MEN")
    case = open_case(http, citizen)
    act(http, citizen, case["id"], "submit")
    answer = act(http, officer, case["id"], "refuse")
    assert answer.status_code == 422
    assert answer.json_body["errors"][0]["field"] == "reason"
    assert act(http, officer, case["id"], "refuse", "not authentic").json_body["state"] == "refused"


def test_someone_elses_case_does_not_exist(http: Any, token: Any) -> None:
    case = open_case(http, token("citizen", sub="citizen-owner"))
    for stranger in (
        token("citizen", sub="citizen-stranger"),
        token("equivalence_officer", office="MESRSI"),
    ):
        assert http.get(f"/cases/{case['id']}", headers=headers(stranger)).status_code == 404
        assert act(http, stranger, case["id"], "withdraw").status_code == 404
    assert http.get("/cases/does-not-exist", headers=headers(token("admin"))).status_code == 404


def test_staff_reads_are_audited(http: Any, token: Any) -> None:
    case = open_case(http, token("citizen", sub="citizen-audited"))
    officer = token("equivalence_officer", office="MEN", sub="officer-reader")
    assert http.get(f"/cases/{case['id']}", headers=headers(officer)).status_code == 200
    trail = http.get(f"/audit?case={case['id']}", headers=headers(token("admin"))).json_body
    assert [(r["actor"], r["action"]) for r in trail["items"]] == [
        ("staff:officer-reader", "read"),
        ("citizen:citizen-audited", "transition:created"),
    ]


def test_every_transition_is_audited(http: Any, token: Any) -> None:
    citizen = token("citizen", sub="citizen-trail")
    case = open_case(http, citizen)
    act(http, citizen, case["id"], "submit")
    act(
        http,
        token("equivalence_officer", office="MEN", sub="officer-trail"),
        case["id"],
        "refuse",
        "not authentic",
    )
    trail = http.get(f"/audit?case={case['id']}", headers=headers(token("admin"))).json_body
    assert [(r["actor"], r["role"], r["action"], r["reason"]) for r in trail["items"]] == [
        ("staff:officer-trail", "equivalence_officer", "transition:refuse", "not authentic"),
        ("citizen:citizen-trail", "citizen", "transition:submit", ""),
        ("citizen:citizen-trail", "citizen", "transition:created", ""),
    ]


def test_a_case_is_found_by_its_reference(http: Any, token: Any) -> None:
    citizen = token("citizen", sub="citizen-reference")
    case = open_case(http, citizen)
    view = http.get(f"/cases/{case['reference']}", headers=headers(citizen)).json_body
    assert view["id"] == case["id"]
    other = token("citizen", sub="citizen-not-owner")
    assert http.get(f"/cases/{case['reference']}", headers=headers(other)).status_code == 404


def test_a_deadline_shows_and_a_timer_fires_on_step_functions(
    http: Any, token: Any, pump: Pump
) -> None:
    original = DEMO.transition("request_complement")
    assert original is not None
    fast = original._replace(
        effects=(
            Notify("complement_requested"),
            StartTimer("complement_due", "complement_expired", seconds=2),
        ),
    )
    registry._MACHINES["demo"] = replace(
        DEMO, transitions=tuple(fast if t.name == fast.name else t for t in DEMO.transitions)
    )
    try:
        citizen = token("citizen", sub="citizen-timer")
        officer = token("equivalence_officer", office="MEN")
        case = open_case(http, citizen)
        act(http, citizen, case["id"], "submit")
        act(http, officer, case["id"], "request_complement", "send the diploma")
        view = http.get(f"/cases/{case['id']}", headers=headers(citizen)).json_body
        assert [d["name"] for d in view["deadlines"]] == ["complement_due"]
        pump.drain()  # the stream starts the Step Functions execution
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            time.sleep(1)
            pump.drain()  # the timer queue brings the callback back
            view = http.get(f"/cases/{case['id']}", headers=headers(citizen)).json_body
            if view["state"] == "closed":
                break
        assert view["state"] == "closed"
        last = view["history"][-1]
        assert (last["event"], last["role"]) == ("complement_expired", "system")
        assert view["deadlines"] == []
        pump.drain()  # the closing notification
        subjects = [
            m.subject
            for m in ses_backends["123456789012"]["eu-west-3"].sent_messages
            if case["reference"] in m.subject
        ]
        assert len(subjects) == 3  # submitted, complement requested, closed: once each, in fr
        texts = [
            t
            for _, t in sns_backends["123456789012"]["eu-west-3"].sms_messages.values()
            if case["reference"] in t
        ]
        assert len(texts) == 3
    finally:
        registry._MACHINES["demo"] = DEMO
