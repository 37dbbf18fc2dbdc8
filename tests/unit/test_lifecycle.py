"""The case lifecycle's use cases against the in-memory repository: what a transition writes
(history, messages, timers, the writes that stand with it) and how a race is lost. The same
contract on DynamoDB: tests/integration/test_case_store.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.refusals import LostRace
from chalicelib.store.cases import Also
from chalicelib.workflow import lifecycle, repository
from chalicelib.workflow.case import Case, Contact
from chalicelib.workflow.engine import Actor, TransitionRefused
from tests.fakes.cases import InMemoryCases
from tests.support.demo_case import DEMO

OWNER = Actor("citizen:owner-unit", frozenset({"citizen"}))
OFFICER = Actor("staff:officer-unit", frozenset({"equivalence_officer"}), "MEN")
CONTACT = Contact(email="owner@demo.invalid", phone="+212612345678", language="fr", name="Owner")


@pytest.fixture
def cases() -> Iterator[InMemoryCases]:
    with repository.using(InMemoryCases()) as in_memory:
        assert isinstance(in_memory, InMemoryCases)
        yield in_memory


def submitted() -> Case:
    case = lifecycle.open_case(DEMO, OWNER.subject, "MEN", CONTACT, {"summary": "s"}, OWNER)
    return lifecycle.act(DEMO, case, "submit", OWNER, {}).case


def test_a_new_case_gets_a_reference_and_its_first_history_entry(cases: InMemoryCases) -> None:
    first = lifecycle.open_case(DEMO, OWNER.subject, "MEN", CONTACT, {}, OWNER)
    second = lifecycle.open_case(DEMO, OWNER.subject, "MEN", CONTACT, {}, OWNER)
    assert first.reference.endswith("-000001") and second.reference.endswith("-000002")
    assert first.version == 1 and first.state == DEMO.initial.name
    found, history = lifecycle.find_with_history(first.reference)
    assert found == first and [e.event for e in history] == ["created"]


def test_a_transition_writes_its_messages_and_timers_with_it(cases: InMemoryCases) -> None:
    case = submitted()
    asked = lifecycle.act(DEMO, case, "request_complement", OFFICER, {}, "send the diploma")
    assert asked.case.state == "complement_requested" and asked.case.version == case.version + 1
    mine = [(m.channel, m.template) for case_id, m in cases.outbox if case_id == case.id]
    assert ("email", "complement_requested") in mine and ("sms", "complement_requested") in mine
    timers = [(t.name, t.action) for case_id, t in cases.timers if case_id == case.id]
    assert timers[0] == ("clock:decision", "start")  # submit starts the time to decide
    # Asking for a complement arms the applicant's deadline and pauses the time to decide.
    assert sorted(timers[1:]) == [("clock:decision", "stop"), ("complement_due", "start")]
    assert [e.event for e in cases.histories[case.id]] == [
        "created",
        "submit",
        "request_complement",
    ]


def test_a_stale_copy_loses_cleanly_and_writes_nothing(cases: InMemoryCases) -> None:
    case = submitted()
    lifecycle.act(DEMO, case, "accept", OFFICER, {})
    writes = cases.writes
    with pytest.raises(LostRace) as lost:
        lifecycle.act(DEMO, case, "withdraw", OWNER, {})  # the version it read is gone
    assert lost.value.failed == {"case"} and lost.value.extra == {"refusal": "version_conflict"}
    assert cases.writes == writes and lifecycle.load(case.id).state == "accepted"


def test_a_write_that_stands_with_the_transition_fails_it_by_name(cases: InMemoryCases) -> None:
    case = submitted()
    cases.refuse.add("seat")
    seat = Also("seat", lambda transaction: None)
    with pytest.raises(LostRace) as lost:
        lifecycle.act(DEMO, case, "accept", OFFICER, {}, also=[seat])
    assert lost.value.extra == {"refusal": "seat"}
    assert lifecycle.load(case.id).state == "submitted" and "seat" not in cases.also_written


def test_the_engine_refuses_before_anything_is_written(cases: InMemoryCases) -> None:
    case = submitted()
    writes = cases.writes
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.act(DEMO, case, "accept", OWNER, {})  # not the applicant's to decide
    assert refused.value.code == "wrong_role" and cases.writes == writes
