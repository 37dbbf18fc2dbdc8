"""Cases in DynamoDB (moto): one transaction per transition, races lost cleanly."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from chalicelib.refusals import LostRace
from chalicelib.store import cases as store
from chalicelib.store.binding import bound
from chalicelib.store.case_items import OutboxItem, TimerItem
from chalicelib.workflow import lifecycle
from chalicelib.workflow.case import Contact
from chalicelib.workflow.engine import Actor
from tests.support.aws_calls import RECORDER
from tests.support.demo_case import DEMO

OWNER = Actor("owner-store", frozenset({"citizen"}))
OFFICER = Actor("officer-store", frozenset({"equivalence_officer"}), "MEN")
CONTACT = Contact(email="owner@demo.invalid", phone="+212612345678", language="fr", name="Owner")


def submitted(stack: Any) -> Any:
    case = lifecycle.open_case(DEMO, OWNER.subject, "MEN", CONTACT, {"summary": "s"}, OWNER)
    lifecycle.act(DEMO, case, "submit", OWNER, {})
    return lifecycle.load(case.id)


def test_open_case_gets_a_reference_and_a_first_history_entry(stack: Any) -> None:
    case = lifecycle.open_case(DEMO, OWNER.subject, "MEN", CONTACT, {"summary": "s"}, OWNER)
    assert case.reference.startswith("DM-2026-") or case.reference.startswith("DM-")
    loaded = store.load_by_reference(case.reference)
    assert loaded is not None and loaded.id == case.id and loaded.version == 1
    assert [e.event for e in store.history(case.id)] == ["created"]


def test_references_never_collide_under_concurrency(stack: Any) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        references = list(pool.map(lambda _: store.next_reference("RC", 2026), range(40)))
    assert len(set(references)) == 40
    assert sorted(references)[-1] == "RC-2026-000040"


def test_a_transition_is_one_transact_write(stack: Any) -> None:
    case = submitted(stack)
    RECORDER.clear()
    lifecycle.act(DEMO, case, "request_complement", OFFICER, {}, "send the diploma")
    writes = [c.operation for c in RECORDER.of("dynamodb")]
    assert writes == ["TransactWriteItems"]
    items = RECORDER.of("dynamodb")[0].params["TransactItems"]
    cases = sorted(
        i["Put"]["Item"]["sk"]["S"].split("#")[0]
        for i in items
        if i["Put"]["TableName"] == stack.env["CASES_TABLE"]
    )
    assert cases == ["CASE", "HIST", "OUTBOX", "OUTBOX", "TIMER", "TIMER"]  # + the clock's pause
    audited = [i["Put"]["Item"] for i in items if i["Put"]["TableName"] == stack.env["AUDIT_TABLE"]]
    assert [a["action"]["S"] for a in audited] == ["transition:request_complement"]


def test_outbox_and_timer_requests_are_written_with_the_transition(stack: Any) -> None:
    case = submitted(stack)
    lifecycle.act(DEMO, case, "request_complement", OFFICER, {}, "send the diploma")
    pk = f"CASE#{case.id}"
    outbox = list(bound(OutboxItem).query(pk, OutboxItem.sk.startswith("OUTBOX#")))
    assert {(o.channel, o.template, o.recipient, o.language) for o in outbox} >= {
        ("email", "complement_requested", "owner@demo.invalid", "fr"),
        ("sms", "complement_requested", "+212612345678", "fr"),
    }
    timers = list(bound(TimerItem).query(pk, TimerItem.sk.startswith("TIMER#")))
    assert [(t.name, t.action, t.on_expiry) for t in timers] == [
        ("clock:decision", "start", "granted_by_silence"),  # submit starts the time to decide
        ("clock:decision", "stop", None),  # and asking for a complement pauses it
        ("complement_due", "start", "complement_expired"),
    ]


def test_two_officers_at_once_one_wins_and_history_has_one_entry(stack: Any) -> None:
    case = submitted(stack)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(action: str) -> None:
        barrier.wait()
        try:
            lifecycle.act(DEMO, case, action, OFFICER, {}, "reasons given")
            outcomes.append("won")
        except LostRace:
            outcomes.append("conflict")

    threads = [threading.Thread(target=decide, args=(a,)) for a in ("accept", "refuse")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "won"]
    decided = [e for e in store.history(case.id) if e.event in ("accept", "refuse")]
    assert len(decided) == 1
    assert lifecycle.load(case.id).version == case.version + 1


def test_a_stale_case_cannot_be_written(stack: Any) -> None:
    case = submitted(stack)
    lifecycle.act(DEMO, case, "accept", OFFICER, {})
    with pytest.raises(LostRace):
        lifecycle.act(DEMO, case, "withdraw", OWNER, {})  # the version it read is gone


def test_a_transaction_cancelled_with_no_failed_condition_is_said_in_our_words(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A throttled transaction is no lost race: ``TransactionCancelled``, nothing written,
    and no caller ever needs PynamoDB's exception to tell it apart."""
    from botocore.client import BaseClient
    from botocore.exceptions import ClientError

    case = submitted(stack)
    inner = BaseClient._make_api_call

    def throttled(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if operation == "TransactWriteItems":
            error = {"Error": {"Code": "ThrottlingException", "Message": "slow down"}}
            raise ClientError(error, operation)
        return inner(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", throttled)
    with pytest.raises(store.TransactionCancelled):
        lifecycle.act(DEMO, case, "request_complement", OFFICER, {}, "send the diploma")
    assert lifecycle.load(case.id).version == case.version


def test_owner_index_lists_newest_first(stack: Any) -> None:
    owner = Actor("owner-list", frozenset({"citizen"}))
    opened = [
        lifecycle.open_case(DEMO, owner.subject, "MEN", CONTACT, {"n": n}, owner) for n in range(3)
    ]
    page = store.of_owner(owner.subject, 10, None)
    assert [c.id for c in page.cases] == [c.id for c in reversed(opened)]


def test_queue_index_lists_an_office_state(stack: Any) -> None:
    case = submitted(stack)
    page = store.queue("demo", "MEN", "submitted", 100, None)
    assert case.id in {c.id for c in page.cases}
