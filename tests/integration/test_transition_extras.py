"""Writes of other items that stand or fall with a transition (``Also``), and exports to
another system's queue written with the transition that decides them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pynamodb.transactions import TransactWrite

from chalicelib.aws import client
from chalicelib.refusals import LostRace
from chalicelib.settings import get_settings
from chalicelib.store import cases as store
from chalicelib.store.binding import bound
from chalicelib.store.case_items import CounterItem
from chalicelib.workflow import lifecycle, registry, stream
from chalicelib.workflow.case import Contact
from chalicelib.workflow.engine import Actor
from chalicelib.workflow.machine import Export, Machine, State, StateKind, Transition
from tests.support.streams import stream_records

OWNER = Actor("owner-extras", frozenset({"citizen"}))
OFFICER = Actor("officer-extras", frozenset({"school_director"}), "SCH-1")

EXPORTING = Machine(
    case_type="exporting",
    prefix="EX",
    states=(State("filed", StateKind.INITIAL), State("approved", StateKind.TERMINAL)),
    transitions=(
        Transition(
            "approve",
            ("filed",),
            "approved",
            frozenset({"school_director"}),
            effects=(Export("massar"),),
        ),
    ),
)


def guard(key: str) -> store.Also:
    """One live request per key: the guard item may not exist yet."""

    def add(transaction: TransactWrite) -> None:
        item = bound(CounterItem)(f"GUARD#{key}", "GUARD", value=1)
        transaction.save(item, condition=CounterItem.pk.does_not_exist())

    return store.Also("live_request", add)


def seat(key: str) -> store.Also:
    """A seat taken from a counter that must stay above zero."""

    def add(transaction: TransactWrite) -> None:
        item = bound(CounterItem)(f"SEATS#{key}", "SEATS")
        transaction.update(
            item, actions=[CounterItem.value.add(-1)], condition=CounterItem.value > 0
        )

    return store.Also("seat", add)


def open_case(stack: Any, also: tuple[store.Also, ...] = ()) -> Any:
    registry.register(EXPORTING)
    return lifecycle.open_case(
        EXPORTING, OWNER.subject, "SCH-1", Contact(), {"child": "x"}, OWNER, also=also
    )


def test_a_failed_also_write_names_itself_and_writes_nothing(stack: Any) -> None:
    first = open_case(stack, (guard("child-1"),))
    with pytest.raises(LostRace) as refused:
        open_case(stack, (guard("child-1"),))
    assert refused.value.failed == frozenset({"live_request"})
    assert lifecycle.find(first.id) is not None


def test_a_transition_takes_a_seat_or_does_not_happen(stack: Any) -> None:
    bound(CounterItem)("SEATS#slot-1", "SEATS", value=1).save()
    first, second = open_case(stack), open_case(stack)
    lifecycle.act(EXPORTING, first, "approve", OFFICER, {}, also=[seat("slot-1")])
    with pytest.raises(LostRace) as refused:
        lifecycle.act(EXPORTING, second, "approve", OFFICER, {}, also=[seat("slot-1")])
    assert refused.value.failed == frozenset({"seat"})
    assert lifecycle.load(second.id).state == "filed"
    assert int(bound(CounterItem).get("SEATS#slot-1", "SEATS").value) == 0


def test_a_stale_case_is_named_as_the_case(stack: Any) -> None:
    case = open_case(stack)
    lifecycle.act(EXPORTING, case, "approve", OFFICER, {})
    with pytest.raises(LostRace) as refused:
        lifecycle.act(EXPORTING, case, "approve", OFFICER, {})  # the stale copy, still "filed"
    assert refused.value.failed == frozenset({"case"})


def test_an_export_reaches_the_targets_queue_through_the_stream(stack: Any) -> None:
    case = open_case(stack)
    lifecycle.act(EXPORTING, case, "approve", OFFICER, {})
    counts = stream.handle_records(stream_records([case.id]))
    assert counts["exports"] == 1
    queue = get_settings().massar_queue_url
    messages = client("sqs").receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    bodies = [json.loads(m["Body"]) for m in messages]
    mine = [b for b in bodies if b["case_id"] == case.id]
    assert mine and mine[0]["target"] == "massar" and mine[0]["reference"] == case.reference
