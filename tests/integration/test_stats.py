"""The processing-time aggregates against moto: cases generated through the case engine with
known submission and decision times, their records read from the cases table's real stream
(MODIFY with OldImage/NewImage in DynamoDB JSON, as the Lambda gets them) and delivered twice;
the figures must be exactly those of the known durations."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib.aws import client
from chalicelib.settings import get_settings
from chalicelib.stats import report
from chalicelib.stats.stream import handle_case_records
from chalicelib.store import case_mapping
from chalicelib.store import stats as store
from chalicelib.workflow import lifecycle, registry
from chalicelib.workflow.case import Case, Contact
from chalicelib.workflow.engine import Actor
from chalicelib.workflow.machine import Machine
from tests.support.aws_calls import RECORDER
from tests.support.demo_case import DEMO, PLAIN_DECISION
from tests.support.streams import stream_records as shared_stream_records

OWNER = Actor("owner-stats", frozenset({"citizen"}))
TODAY = date(2025, 6, 15)  # window: March to June 2025
NOON = timedelta(hours=12)  # the same calendar day in Casablanca, Ramadan (UTC+0) or not


def own_type(monkeypatch: pytest.MonkeyPatch, **changes: Any) -> Machine:
    """The demo lifecycle under a case type of its own, so no other test's cases count."""
    own = replace(DEMO, case_type=f"stats_{uuid.uuid4().hex[:10]}", **changes)
    monkeypatch.setitem(registry._MACHINES, own.case_type, own)
    return own


@pytest.fixture
def machine(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Machine]:
    """With a decision clock of 60 calendar days (law 55.19's, as production declares it)."""
    yield own_type(monkeypatch, clocks=(PLAIN_DECISION,))


@pytest.fixture
def clocked(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Machine]:
    """With the demo's clocks: 60 working days to decide, and a review window."""
    yield own_type(monkeypatch)


def officer(office: str) -> Actor:
    return Actor(f"officer-{office}", frozenset({"equivalence_officer"}), office)


def decided(machine: Machine, office: str, days: int, on: date, action: str = "accept") -> Case:
    """A case drafted 30 days before its submission (so created_at is no substitute), then
    submitted, then decided ``days`` calendar days later, at noon UTC on ``on``."""
    decided_at = datetime(on.year, on.month, on.day, tzinfo=UTC) + NOON
    submitted_at = decided_at - timedelta(days=days)
    case = lifecycle.open_case(
        machine,
        OWNER.subject,
        office,
        Contact(),
        {"summary": "s"},
        OWNER,
        submitted_at - timedelta(days=30),
    )
    lifecycle.act(machine, case, "submit", OWNER, {}, at=submitted_at)
    case = lifecycle.load(case.id)
    reason = "no" if action == "refuse" else ""
    lifecycle.act(machine, case, action, officer(office), {}, reason, at=decided_at)
    return lifecycle.load(case.id)


def stream_records(cases: list[Case]) -> list[dict[str, Any]]:
    """Those cases' records, read from the table's real (moto) stream."""
    return shared_stream_records(c.id for c in cases)


def figures(machine: Machine, office: str | None) -> tuple[Any, ...]:
    result = report.processing_times(machine, office, TODAY).summary
    return result.decided, result.median_days, result.p90_days, result.within, result.within_share


OFFICE_A = [0, 3, 3, 10, 45, 60, 61, 90, 130, 200]  # within 60 days: the first six
OFFICE_B = [1, 2, 59]


def test_figures_match_the_generated_durations_exactly_even_when_delivered_twice(
    machine: Machine,
) -> None:
    generated = [
        decided(machine, "OFF-A", days, date(2025, 3, 10) + timedelta(days=7 * i), action)
        for i, (days, action) in enumerate(zip(OFFICE_A, ["accept", "refuse"] * 5, strict=True))
    ]
    generated += [decided(machine, "OFF-B", d, date(2025, 6, 1 + d % 10)) for d in OFFICE_B]
    generated.append(decided(machine, "OFF-A", 5, date(2025, 2, 27)))  # before the window
    withdrawn = lifecycle.open_case(machine, OWNER.subject, "OFF-A", Contact(), {}, OWNER)
    lifecycle.act(machine, withdrawn, "withdraw", OWNER, {})  # not a decision
    records = stream_records([*generated, withdrawn])
    assert {r["eventName"] for r in records} >= {"INSERT", "MODIFY"}

    assert handle_case_records(records + records) == {"decisions": 14, "already_counted": 14}
    assert handle_case_records(records) == {"decisions": 0, "already_counted": 14}

    assert figures(machine, "OFF-A") == (10, 45, 121, 6, 0.6)  # p90: 130 days, over 120
    assert figures(machine, "OFF-B") == (3, 2, 59, 3, 1.0)
    # all offices: 0 1 2 3 3 10 45 59 60 61 90 130 200 -> ranks 7 and 12
    assert figures(machine, None) == (13, 45, 121, 9, 0.6923)
    assert figures(machine, "OFF-C") == (0, None, None, 0, None)
    window = report.processing_times(machine, None, TODAY).window
    assert window.months == ("2025-03", "2025-04", "2025-05", "2025-06")


def test_a_request_is_one_query_of_the_reference_table(machine: Machine) -> None:
    handle_case_records(stream_records([decided(machine, "OFF-Q", 4, date(2025, 5, 2))]))
    for office in ("OFF-Q", None):
        RECORDER.clear()
        assert figures(machine, office)[:3] == (1, 4, 4)
        calls = RECORDER.of("dynamodb")
        assert [c.operation for c in calls] == ["Query"]
        assert calls[0].params["TableName"] == get_settings().reference_table


def modify(before: Case, after: Case, clocks: dict[str, Any] | None = None) -> dict[str, Any]:
    """A stream record of the case item going from ``before`` to ``after``."""
    new_image = case_mapping.to_item(after).serialize()
    if clocks is not None:
        new_image["clocks"] = {"S": json.dumps(clocks)}
    return {
        "eventID": uuid.uuid4().hex,
        "eventName": "MODIFY",
        "dynamodb": {
            "Keys": {"pk": {"S": f"CASE#{after.id}"}, "sk": {"S": "CASE"}},
            "OldImage": case_mapping.to_item(before).serialize(),
            "NewImage": new_image,
        },
    }


def test_the_clock_the_engine_keeps_on_the_case_decides_the_legal_time(
    clocked: Machine,
) -> None:
    # 61 calendar days hold fewer than 60 working days; 130 hold more (weekends, holidays)
    generated = [decided(clocked, "OFF-W", days, date(2025, 5, 5)) for days in (61, 130)]
    assert "decision" in generated[0].clocks
    assert handle_case_records(stream_records(generated))["decisions"] == 2
    assert figures(clocked, "OFF-W") == (2, 61, 121, 1, 0.5)


def test_a_clock_json_on_the_case_item_decides_when_it_has_one(machine: Machine) -> None:
    late = decided(machine, "OFF-K", 70, date(2025, 5, 20))
    paused_due = datetime(2025, 5, 21, tzinfo=UTC).isoformat()  # paused 10+ days: in time
    before = replace(late, state="submitted")
    assert handle_case_records([modify(before, late, {"decision": {"due_at": paused_due}})]) == {
        "decisions": 1,
        "already_counted": 0,
    }
    quick = decided(machine, "OFF-K", 5, date(2025, 5, 21))
    expired = {"decision": {"state": "expired", "due_at": "2025-05-21T00:00:00+00:00"}}
    handle_case_records([modify(replace(quick, state="submitted"), quick, expired)])
    assert figures(machine, "OFF-K") == (2, 5, 70, 1, 0.5)


def test_a_case_decided_as_it_leaves_its_initial_state_needs_no_history(
    machine: Machine,
) -> None:
    at = datetime(2025, 4, 1, tzinfo=UTC) + NOON
    case = lifecycle.open_case(machine, OWNER.subject, "OFF-D", Contact(), {}, OWNER, at)
    after = replace(case, state="accepted", updated_at=at + timedelta(hours=3), version=2)
    RECORDER.clear()
    handle_case_records([modify(case, after)])
    assert not [c for c in RECORDER.of("dynamodb") if c.operation == "Query"]
    assert figures(machine, "OFF-D")[:3] == (1, 0, 0)


def test_other_records_are_ignored_without_failing_the_batch(machine: Machine) -> None:
    case = decided(machine, "OFF-X", 3, date(2025, 4, 2))
    record = modify(replace(case, state="submitted"), case)
    unknown = modify(
        replace(case, case_type="no_such_type", state="submitted"),
        replace(case, case_type="no_such_type"),
    )
    same_state = modify(case, case)
    insert = {**record, "eventName": "INSERT"}
    history = json.loads(json.dumps(record))
    history["dynamodb"]["NewImage"]["sk"] = {"S": "HIST#000003"}
    broken = json.loads(json.dumps(record))
    broken["dynamodb"]["NewImage"]["updated_at"] = {"S": "not a time"}
    missing = json.loads(json.dumps(record))
    del missing["dynamodb"]["NewImage"]["office"]
    ignored = [unknown, same_state, insert, history, broken, missing, {"eventName": "REMOVE"}]
    assert handle_case_records(ignored) == {"decisions": 0, "already_counted": 0}
    assert figures(machine, "OFF-X")[0] == 0


def test_the_month_items_are_keyed_as_documented(machine: Machine) -> None:
    handle_case_records(stream_records([decided(machine, "OFF-M", 125, date(2025, 4, 30))]))
    [month] = store.months(machine.case_type, "OFF-M", "2025-04", "2025-05")
    assert month.month == "2025-04" and month.histogram == {121: 1}
    raw = client("dynamodb").get_item(
        TableName=get_settings().reference_table,
        Key={"pk": {"S": f"STATS#{machine.case_type}#*"}, "sk": {"S": "2025-04"}},
    )["Item"]
    assert (
        raw["d121"] == {"N": "1"} and raw["decided"] == {"N": "1"} and raw["within"] == {"N": "0"}
    )
