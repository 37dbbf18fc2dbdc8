"""The equivalence service's use cases (``service.py``) against the in-memory fakes of
``tests/fakes/`` (decision §69): the rules tests/e2e/equivalence asserts through HTTP and
DynamoDB (filing on either track, article 2, the checklist, intake, the committee, the
proposal, the decision and its publication, the 60 days of article 6 from the notified
receipt, re-examination and revocation under article 11), here in milliseconds and with AWS
out of reach (any AWS call fails the test)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.client import BaseClient

from chalicelib import clock
from chalicelib.credentials.statuslist import Reference
from chalicelib.identity import Principal
from chalicelib.refusals import LostRace, Refusal
from chalicelib.services.equivalence import ports, service, sittings
from chalicelib.services.equivalence.checklists import case_documents
from chalicelib.workflow import lifecycle, repository
from chalicelib.workflow.case import Case, Document
from chalicelib.workflow.engine import Actor, TransitionRefused
from tests.e2e.equivalence.eq_support import ASSESSMENT, NOT_MET, diploma
from tests.fakes.cases import InMemoryCases
from tests.fakes.equivalence import (
    InMemoryCommittees,
    InMemoryContacts,
    InMemoryOrders,
    InMemoryQueues,
    InMemoryReads,
)

START = datetime(2026, 4, 1, 11, 0, tzinfo=UTC)
APPLICANT = Principal(
    "citizen:eq-unit",
    "citizen",
    frozenset({"citizen"}),
    given_name="Salma",
    family_name="Bennani",
    email="salma@demo.invalid",
    email_verified=True,
)
OFFICER = Principal("staff:officer-unit", "staff", frozenset({"equivalence_officer"}), "MESRSI")
MEN_OFFICER = Principal("staff:men-unit", "staff", frozenset({"equivalence_officer"}), "MEN")
GRANTED = {
    "outcome": "equivalence",
    "national_diploma": "Licence fondamentale en droit privé",
    "assessment": ASSESSMENT,
}
BO = {"bo_number": "7480", "bo_date": "2026-03-20", "bo_page": 1523}


def committee(field: str) -> Principal:
    return Principal(f"staff:{field}-member", "staff", frozenset({"committee_member"}), field)


@dataclass
class World:
    cases: InMemoryCases
    queues: InMemoryQueues
    orders: InMemoryOrders
    contacts: InMemoryContacts
    committees: InMemoryCommittees
    reads: InMemoryReads
    moment: list[datetime]

    def at(self, moment: datetime) -> None:
        self.moment[0] = moment


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    def no_aws(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a unit test called AWS: {args[1:2]}")

    monkeypatch.setattr(BaseClient, "_make_api_call", no_aws)
    moment = [START]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    cases = InMemoryCases()
    fakes = World(
        cases,
        InMemoryQueues(cases),
        InMemoryOrders(),
        InMemoryContacts(),
        InMemoryCommittees(),
        InMemoryReads(),
        moment,
    )
    in_use = ports.Ports(fakes.queues, fakes.orders, fakes.contacts, fakes.committees, fakes.reads)
    with repository.using(cases), ports.using(in_use):
        yield fakes


def refusal_of(call: Any, *args: Any, **kwargs: Any) -> Refusal:
    with pytest.raises(Refusal) as refused:
        call(*args, **kwargs)
    return refused.value


def fields_of(refusal: Refusal) -> set[str]:
    return {e.field for e in refusal.errors}


def attached(case: Case, kind: str, by: str = "citizen") -> Case:
    """A document uploaded and passed by the checks (the documents pipeline's part)."""
    current = lifecycle.load(case.id) or case
    document = Document(
        f"doc-{kind}", kind, "application/pdf", 10, "verified", current.owner, by, clock.now(), "k"
    )
    return lifecycle.record(current, "document_checked", Actor.system("checks"), {}, (document,))


def with_checklist(case: Case) -> Case:
    for rule in case_documents(case):
        if rule.required:
            case = attached(case, rule.kind)
    return case


def filed(track: str = "higher", **changes: Any) -> Case:
    draft = service.open_application(APPLICANT, track, diploma(**changes))
    with_checklist(draft)
    return service.submit(APPLICANT, draft.id, "corr")


def act(who: Principal, case: Case, action: str, **data: Any) -> Case:
    return service.perform(who, case.id, action, data, "corr")


def to_committee(case: Case, field: str = "law") -> Case:
    """Intake accepted, the expertise report attached (art. 12), referred to the committee."""
    act(OFFICER, case, "accept_file")
    attached(case, "expertise_report", "equivalence_officer")
    return act(OFFICER, case, "refer")


def granted(case: Case) -> Case:
    to_committee(case)
    act(committee("law"), case, "propose", **GRANTED)
    act(OFFICER, case, "decide", order_number="1234.25", order_date="2026-03-02")
    return act(OFFICER, case, "publish", **BO)


def refused(case: Case) -> Case:
    """With the law committee, refused (art. 6 (3)) by registered letter, dated today."""
    to_committee(case)
    act(committee("law"), case, "propose", outcome="refusal", assessment=NOT_MET, reason="Volume")
    day = clock.now().date().isoformat()
    return act(OFFICER, case, "decide", registered_letter="RR123456789MA", decision_date=day)


def events(case: Case) -> list[str]:
    return [h.event for h in lifecycle.find_with_history(case.id)[1]]


# ---------------------------------------------------------------- filing and submitting


def test_a_draft_goes_to_the_verified_contact_and_an_unverified_one_is_named(
    world: World,
) -> None:
    draft = service.open_application(APPLICANT, "higher", diploma())
    assert (draft.state, draft.office, draft.case_type) == ("draft", "MESRSI", "equivalence_higher")
    assert draft.contact.email == "salma@demo.invalid" and draft.contact.name == "Salma Bennani"
    assert draft.reference.startswith("EQ-2026-")
    writes = world.cases.writes
    stranger = refusal_of(
        service.open_application, APPLICANT, "higher", diploma(), email="x@demo.invalid"
    )
    assert stranger.slug == "contact-not-verified"
    assert fields_of(stranger) == {"body.contact.email"} and world.cases.writes == writes
    world.contacts.confirmed[APPLICANT.subject] = ["x@demo.invalid"]
    chosen = service.open_application(APPLICANT, "higher", diploma(), email="x@demo.invalid")
    assert chosen.contact.email == "x@demo.invalid"


def test_a_diploma_the_track_does_not_offer_is_refused_naming_the_field(world: World) -> None:
    refused = refusal_of(service.open_application, APPLICANT, "school", diploma())
    assert all(f.startswith("body.diploma.") for f in fields_of(refused)) and refused.errors
    assert world.cases.writes == 0


def test_submitting_needs_the_checklist_verified_then_checks_article_2(world: World) -> None:
    draft = service.open_application(APPLICANT, "higher", diploma())
    required = {r.kind for r in case_documents(draft) if r.required}
    assert {"diploma", "stay_proof"} <= required and "expertise_report" not in required
    with pytest.raises(TransitionRefused) as early:
        service.submit(APPLICANT, draft.id, "corr")
    assert "not yet verified" in str(early.value)
    with_checklist(draft)
    submitted = service.submit(APPLICANT, draft.id, "corr")
    assert submitted.state == "submitted"
    assert submitted.payload["admissibility"]["admissible"] is True


def test_only_the_applicant_submits(world: World) -> None:
    draft = with_checklist(service.open_application(APPLICANT, "higher", diploma()))
    other = Principal("citizen:someone-else", "citizen", frozenset({"citizen"}))
    assert refusal_of(service.submit, other, draft.id, "corr").slug == "not-found"
    assert lifecycle.load(draft.id).state == "draft"  # type: ignore[union-attr]


def test_distance_learning_is_not_admissible_and_the_intake_says_why(world: World) -> None:
    case = filed(mode="distance", institution_recognised=None)
    check = case.payload["admissibility"]
    assert check["admissible"] is False
    assert [r["code"] for r in check["reasons"]] == ["distance"]
    assert check["reasons"][0]["article"] == "2"
    assert check["flags"] == ["institution_not_recognised"]
    with pytest.raises(TransitionRefused) as refused:
        act(OFFICER, case, "accept_file")
    assert "distance" in str(refused.value)
    assert act(OFFICER, case, "declare_not_admissible").state == "not_admissible"
    last = lifecycle.find_with_history(case.id)[1][-1]
    assert last.event == "declare_not_admissible" and "distance" in last.reason


# ---------------------------------------------------------------- the ministry, the committee


def test_granted_from_intake_to_the_order_published(world: World) -> None:
    case = filed()
    found, _ = service.queue_page(service.queue_scope(OFFICER, "submitted", None, None), 10, None)
    assert [c.id for c in found] == [case.id]
    act(OFFICER, case, "accept_file")
    with pytest.raises(TransitionRefused) as bare:
        act(OFFICER, case, "refer")
    assert "art. 12" in str(bare.value)
    attached(case, "expertise_report", "equivalence_officer")
    assert act(OFFICER, case, "refer").state == "with_committee"

    law, health = committee("law"), committee("health")
    assert refusal_of(act, health, case, "propose", outcome="equivalence").slug == "not-found"
    incomplete = refusal_of(act, law, case, "propose", outcome="equivalence")
    assert incomplete.slug == "validation-failed"
    assert {"body.assessment.curriculum", "body.national_diploma"} <= fields_of(incomplete)
    assert act(law, case, "propose", **GRANTED).state == "proposed"
    with pytest.raises((Refusal, TransitionRefused)):  # nothing signed yet to publish
        act(OFFICER, case, "publish", **BO)
    unordered = refusal_of(act, OFFICER, case, "decide")
    assert {"body.order_number", "body.order_date"} <= fields_of(unordered)
    decided = act(OFFICER, case, "decide", order_number="1234.25", order_date="2026-03-02")
    assert decided.state == "decided"
    done = act(OFFICER, case, "publish", **BO)
    assert done.state == "granted"
    [decision] = done.payload["decisions"]
    assert decision["bo"] == {"number": "7480", "date": "2026-03-20", "page": 1523}
    for step in ("submit", "accept_file", "refer", "propose", "decide", "publish_equivalence"):
        assert step in events(case)
    assert world.cases.outbox  # the applicant is told of each step, through the outbox


def test_the_committee_queue_is_its_field_s_files_only(world: World) -> None:
    case = to_committee(filed())
    law_scope = service.queue_scope(committee("law"), None, None, None)
    assert [c.id for c in service.queue_page(law_scope, 10, None)[0]] == [case.id]
    health_scope = service.queue_scope(committee("health"), None, None, None)
    assert service.queue_page(health_scope, 10, None)[0] == []
    other = refusal_of(service.queue_scope, committee("law"), "submitted", None, None)
    assert other.slug == "forbidden"


def test_a_complement_asked_by_the_committee_brings_the_file_back_to_it(world: World) -> None:
    case = to_committee(filed())
    asked = act(committee("law"), case, "request_complement", reason="programme de 3e année")
    assert asked.state == "complement_requested"
    answered = service.complement(APPLICANT, case.id, "programme joint", "corr")
    assert answered.state == "complement_received"
    assert act(committee("law"), case, "propose", **GRANTED).state == "proposed"


def test_a_refusal_is_a_registered_letter_not_an_order(world: World) -> None:
    case = filed()
    to_committee(case)
    act(committee("law"), case, "propose", outcome="refusal", assessment=NOT_MET, reason="Vol.")
    with_bo = refusal_of(act, OFFICER, case, "decide", bo_number="1", bo_page=2)
    assert {"body.bo_number", "body.bo_page"} <= fields_of(with_bo)
    as_order = refusal_of(act, OFFICER, case, "decide", order_number="9.26")
    assert "body.order_number" in fields_of(as_order)
    assert "body.registered_letter" in fields_of(refusal_of(act, OFFICER, case, "decide"))
    tomorrow = (START + timedelta(days=1)).date().isoformat()
    future = refusal_of(act, OFFICER, case, "decide", registered_letter="R", decision_date=tomorrow)
    assert fields_of(future) == {"body.decision_date"}
    done = act(OFFICER, case, "decide", registered_letter="RR1MA", decision_date="2026-04-01")
    assert done.state == "refused"
    [decision] = done.payload["decisions"]
    assert decision["bo"] is None and decision["unmet_criteria"] == ["curriculum"]
    assert decision["registered_letter"] == {"number": "RR1MA", "acknowledgement": True}
    assert "programmes et contenus" in lifecycle.find_with_history(case.id)[1][-1].reason
    with pytest.raises((Refusal, TransitionRefused)):
        act(OFFICER, case, "publish", **BO)


# ---------------------------------------------------------------- article 6: the 60 days


def test_no_review_before_the_refusal_is_notified(world: World) -> None:
    case = refused(filed())
    early = refusal_of(service.request_review, APPLICANT, case.id, "Le volume est complet", "c")
    assert early.extra["refusal"] == "not_notified"


@pytest.mark.parametrize(("day", "allowed"), [(60, True), (61, False)])
def test_the_review_window_counts_from_the_acknowledgement_of_receipt(
    world: World, day: int, allowed: bool
) -> None:
    case = refused(filed())
    received = START + timedelta(days=2)
    world.at(START + timedelta(days=9))  # the AR came back and was recorded a week later
    act(OFFICER, case, "record_receipt", received_on=received.date().isoformat(), proof="AR 1")
    world.at(received + timedelta(days=day))
    if allowed:
        asked = service.request_review(APPLICANT, case.id, "Le volume est complet", "c")
        assert asked.state == "review_requested" and asked.payload["review"]["of"] == 1
        hec = service.queue_scope(committee("HEC"), None, None, None)
        assert [c.id for c in service.queue_page(hec, 10, None)[0]] == [case.id]
    else:
        late = refusal_of(service.request_review, APPLICANT, case.id, "Le volume est complet", "c")
        assert late.slug == "review-window-closed"
        assert late.extra["refusal"] == "window_closed" and late.extra["review_until"]
        assert lifecycle.load(case.id).state == "refused"  # type: ignore[union-attr]


def test_a_receipt_is_neither_future_nor_before_the_decision(world: World) -> None:
    case = refused(filed())
    for day in ("2026-04-05", "2026-03-01"):
        wrong = refusal_of(act, OFFICER, case, "record_receipt", received_on=day, proof="AR")
        assert fields_of(wrong) == {"body.received_on"}


def test_a_review_changes_the_refusal_and_is_asked_once(world: World) -> None:
    case = refused(filed())
    act(OFFICER, case, "record_receipt", received_on="2026-04-01", proof="AR 1")
    world.at(START + timedelta(days=10))
    service.request_review(APPLICANT, case.id, "Le volume horaire est complet", "c")
    hec = committee("HEC")
    assert refusal_of(act, committee("law"), case, "propose", verdict="confirm").slug == (
        "not-found"
    )
    act(hec, case, "propose", verdict="change", **GRANTED)
    act(OFFICER, case, "decide", order_number="2001.26", order_date="2026-04-10")
    done = act(OFFICER, case, "publish", **{**BO, "bo_number": "7530"})
    assert done.state == "granted"
    first, second = done.payload["decisions"]
    assert (first["outcome"], second["outcome"]) == ("refusal", "equivalence")
    assert second["step"] == "review_requested" and second["bo"]["number"] == "7530"
    again = refusal_of(service.request_review, APPLICANT, case.id, "encore une fois", "c")
    assert again.extra["refusal"] == "already_reviewed"


# ---------------------------------------------------------------- article 11


def test_reexamination_only_on_the_grounds_of_article_11(world: World) -> None:
    case = granted(filed())
    # The schema names body.ground (422); past it, the machine's guard refuses (409).
    with pytest.raises(TransitionRefused) as bad:
        act(OFFICER, case, "reopen", ground="changed_my_mind", reason="x")
    assert bad.value.slug == "conflict" and "art. 11" in str(bad.value.detail)
    assert lifecycle.load(case.id).state == "granted"  # type: ignore[union-attr]


def test_a_revocation_sets_the_bit_of_the_order_s_credentials(world: World) -> None:
    case = granted(filed())
    bit = Reference("list-1", 7)
    world.orders.issued[(case.id, 1)] = bit  # a credential of the order was issued
    reopened = act(OFFICER, case, "reopen", ground="not_authentic", reason="non authentique")
    assert reopened.state == "reexamination"
    law = committee("law")
    revocation = {"outcome": "revocation", "reason": "L'authentification est infirmée"}
    future = (START + timedelta(days=2)).date().isoformat()
    assert refusal_of(act, law, case, "propose", **revocation, established_on=future).errors
    before = refusal_of(act, law, case, "propose", **revocation, established_on="2026-03-01")
    assert "body.established_on" in fields_of(before)
    found = START.date().isoformat()
    act(law, case, "propose", **revocation, established_on=found)
    act(OFFICER, case, "decide", order_number="3003.26", order_date=found)
    revoked = act(OFFICER, case, "publish", **{**BO, "bo_number": "7550"})
    assert revoked.state == "revoked"
    earlier, last = revoked.payload["decisions"]
    assert earlier["outcome"] == "equivalence" and earlier["revoked_from"] == found
    assert last["outcome"] == "revocation" and last["finding"]["established_on"] == found
    assert events(case).count("publish_equivalence") == 1 and "publish_revocation" in events(case)
    assert world.orders.invalid == {bit} and "order_status_bit" in world.cases.also_written

    act(OFFICER, case, "record_receipt", received_on=found, proof="AR RR9MA", reason="Notifié")
    contested = service.request_review(APPLICANT, case.id, "Le diplôme est authentique", "c")
    assert contested.state == "review_requested"
    act(committee("HEC"), case, "propose", verdict="confirm", reason="L'attestation ne suffit pas")
    upheld = act(OFFICER, case, "decide", reason="Retrait maintenu")
    assert upheld.state == "revoked" and upheld.payload["decisions"][-1]["stands"] == 2


def test_a_credential_issued_meanwhile_fails_the_revocation_whole(world: World) -> None:
    case = granted(filed())
    act(OFFICER, case, "reopen", ground="not_authentic", reason="non authentique")
    found = START.date().isoformat()
    revocation = {"outcome": "revocation", "reason": "L'authentification est infirmée"}
    act(committee("law"), case, "propose", **revocation, established_on=found)
    act(OFFICER, case, "decide", order_number="3003.26", order_date=found)
    real = world.orders.order_superseded

    def issued_meanwhile(case_id: str, number: int) -> Any:
        write = real(case_id, number)  # read: no credential yet
        world.orders.issued[(case_id, number)] = Reference("list-2", 3)  # one is issued
        return write

    world.orders.order_superseded = issued_meanwhile  # type: ignore[method-assign]
    with pytest.raises(LostRace) as lost:
        act(OFFICER, case, "publish", **BO)
    assert lost.value.failed == {"order_status_bit"}
    assert lifecycle.load(case.id).state == "decided"  # type: ignore[union-attr]
    assert world.orders.invalid == set()


# ---------------------------------------------------------------- the school track


def test_the_school_track_is_the_ministry_of_education_s_own_procedure(world: World) -> None:
    case = filed("school", level="baccalaureate", training="general", title="Bac français")
    assert (case.office, case.case_type) == ("MEN", "equivalence_school")
    assert case.payload["admissibility"]["admissible"] is True
    mesrsi = refusal_of(act, OFFICER, case, "accept_request", national_diploma="Bac")
    assert mesrsi.slug == "not-found"
    for foreign in ("accept_file", "refer", "request_expertise"):
        with pytest.raises((Refusal, TransitionRefused)):
            act(MEN_OFFICER, case, foreign, reason="x")
    unnamed = refusal_of(act, MEN_OFFICER, case, "accept_request")
    assert "body.national_diploma" in fields_of(unnamed)
    accepted = act(MEN_OFFICER, case, "accept_request", national_diploma="Baccalauréat marocain")
    assert accepted.state == "accepted"
    review = refusal_of(service.request_review, APPLICANT, case.id, "je conteste", "c")
    assert review.extra["refusal"] == "no_review_procedure"
    unordered = refusal_of(act, MEN_OFFICER, case, "publish", **BO)
    assert "body.order_number" in fields_of(unordered)
    published = act(
        MEN_OFFICER, case, "publish", order_number="55.26", order_date="2026-03-25", **BO
    )
    assert published.state == "published"
    assert published.clocks["decision"]["state"] == "done"


def test_a_fake_s_write_is_never_sent_to_dynamodb(world: World) -> None:
    write = world.orders.order_superseded("case", 1)
    with pytest.raises(TypeError):
        write.add(None)  # type: ignore[arg-type]


# ---------------------------------------------------------------- article 7, the decision clock


def test_a_conditional_order_then_the_final_one_once_its_conditions_are_met(
    world: World,
) -> None:
    """Art. 7 (1): in health the exam first, its remedy after a failed one; art. 10: the
    final order replaces the conditional one, which stands until then."""
    case = filed(level="doctorate_medicine", training="health", title="Doctorat en médecine")
    act(OFFICER, case, "accept_file")
    attached(case, "expertise_report", "equivalence_officer")
    act(OFFICER, case, "refer")
    health = committee("health")
    proposal = {
        "outcome": "conditional",
        "national_diploma": "Doctorat en médecine",
        "assessment": {**ASSESSMENT, "supervision": {"rating": "partly_meets", "note": "courts"}},
    }
    wrong = refusal_of(
        act, health, case, "propose", **proposal, conditions=[{"kind": "internship"}]
    )
    assert wrong.slug == "validation-failed"
    both = [{"kind": "evaluation_exam"}, {"kind": "clinical_internship"}]
    early = refusal_of(act, health, case, "propose", **proposal, conditions=both)
    assert "only after a failed exam" in str(early.errors)
    exam = [{"kind": "evaluation_exam", "detail": "examen d'évaluation en médecine interne"}]
    act(health, case, "propose", **proposal, conditions=exam)
    act(OFFICER, case, "decide", order_number="1234.25", order_date="2026-03-02")
    published = act(OFFICER, case, "publish", **BO)
    assert published.state == "conditional"
    assert [c["met_on"] for c in published.payload["conditions"]] == [None]
    with pytest.raises((Refusal, TransitionRefused)):  # art. 10: not met yet
        act(OFFICER, case, "decide", order_number="9", order_date="2026-03-30")

    off = act(
        OFFICER,
        case,
        "condition_failed",
        condition="evaluation_exam",
        failed_on="2026-03-30",
        remedy="complementary_training",
    )
    conditions = off.payload["conditions"]
    assert conditions[0]["failed_on"] == "2026-03-30" and not conditions[0]["met_on"]
    assert conditions[1]["kind"] == "complementary_training" and conditions[1]["after"]
    with pytest.raises((Refusal, TransitionRefused)):  # failed: its remedy is pending now
        act(OFFICER, case, "condition_met", condition="evaluation_exam", met_on="2026-03-31")
    met = act(
        OFFICER, case, "condition_met", condition="complementary_training", met_on="2026-04-01"
    )
    assert met.state == "conditional" and len(met.payload["decisions"]) == 1
    final = act(OFFICER, case, "decide", order_number="4321.26", order_date="2026-04-01")
    assert final.state == "decided" and final.payload["decided"]["outcome"] == "final"
    done = act(OFFICER, case, "publish", **{**BO, "bo_number": "7600"})
    assert done.state == "granted"
    first, second = done.payload["decisions"]
    assert first["outcome"] == "conditional" and first["replaced_by"] == 2
    assert second["outcome"] == "final" and second["bo"]["number"] == "7600"
    # No credential of the first order was issued: the replacement only checks none is.
    assert "order_status_bit" in world.cases.also_written and world.orders.invalid == set()


@pytest.mark.parametrize(
    ("track", "changes", "officer"),
    [
        ("higher", {}, OFFICER),
        ("school", {"level": "bts", "training": "technical", "title": "BTS"}, MEN_OFFICER),
    ],
)
def test_the_decision_clock_pauses_for_a_complement_and_resumes(
    world: World, track: str, changes: dict[str, Any], officer: Principal
) -> None:
    case = filed(track, **changes)
    running = case.clocks["decision"]
    assert running["state"] == "running" and running["due_at"]
    world.at(START + timedelta(days=10))
    asked = act(officer, case, "request_complement", reason="relevés de notes manquants")
    assert (
        asked.clocks["decision"]["state"] == "paused" and asked.clocks["decision"]["due_at"] is None
    )
    assert any(t.name == "complement_due" for _, t in world.cases.timers)
    world.at(START + timedelta(days=17))
    answered = service.complement(APPLICANT, case.id, "relevés joints", "c")
    resumed = answered.clocks["decision"]
    assert resumed["state"] == "running"
    moved = datetime.fromisoformat(resumed["due_at"]) - datetime.fromisoformat(running["due_at"])
    assert round(moved / timedelta(days=1)) == 7  # the paused days are given back


# ---------------------------------------------------------------- the committees' sittings

MEMBERS = [
    {"id": "h1", "name": "Pr. Nadia Alaoui", "seat": "head_of_institution", "institution": "FSJ"},
    {"id": "h2", "name": "Pr. Karim Bennani", "seat": "head_of_institution", "institution": "FD"},
    {"id": "m1", "name": "Mme Salma Idrissi", "seat": "ministerial_department"},
    {"id": "p1", "name": "Me Youssef Tazi", "seat": "professional_body"},
]


def test_the_members_sit_in_the_seats_of_article_4(world: World) -> None:
    wrong = refusal_of(sittings.set_members, "law", [{**MEMBERS[0], "seat": "rector"}], START)
    assert fields_of(wrong) == {"body.members.0.seat"} and world.committees.members == {}
    sittings.set_members("law", MEMBERS, START)
    [law] = sittings.composition(committee("law"))
    assert law["code"] == "law" and len(law["members"]) == 4
    seen = {c["code"]: c for c in sittings.composition(OFFICER)}
    assert (seen["HEC"]["seats"][0]["code"], seen["HEC"]["seats"][0]["count"]) == (
        "university_president",
        1,
    )
    assert seen["law"]["article"] == "seed 002, art. 4" and seen["health"]["members"] == []


def test_a_sitting_from_its_agenda_to_its_minutes(world: World) -> None:
    sittings.set_members("law", MEMBERS, START)
    first, second = to_committee(filed()), to_committee(filed())
    draft = service.open_application(APPLICANT, "higher", diploma())
    open_ = sittings.open_sitting
    foreign = refusal_of(open_, OFFICER, "law", "2026-04-10", [first.id, draft.id], "c")
    assert fields_of(foreign) == {"body.agenda.1"}
    twice = refusal_of(open_, OFFICER, "law", "2026-04-10", [first.id, first.id], "c")
    assert fields_of(twice) == {"body.agenda.1"} and world.committees.sittings == {}
    opened = open_(OFFICER, "law", "2026-04-10", [first.id, second.id], "c")
    assert opened.state == "open"
    assert [i["case_id"] for i in opened.record["agenda"]] == [first.id, second.id]
    assert world.reads.lists[-1][2] == [first.id, second.id]  # the agenda is an audited read
    health, law = committee("health"), committee("law")
    assert refusal_of(sittings.get_sitting, health, "law", opened.sitting_id).slug == "not-found"
    assert refusal_of(sittings.get_sitting, law, "health", "x").slug == "not-found"

    act(law, first, "propose", **GRANTED)
    attendance = [
        {"member": "h1", "present": True},
        {
            "member": "h2",
            "present": False,
            "substitute": {"name": "Pr. F", "capacity": "vice_dean"},
        },
        {"member": "m1", "present": True},
        {"member": "p1", "present": False},
    ]
    close = sittings.close_sitting
    bad_chair = {"attendance": attendance, "chair": "m1", "rapporteur": "m1"}
    assert "body.chair" in fields_of(
        refusal_of(close, law, "law", opened.sitting_id, bad_chair, "c")
    )
    record = {"attendance": attendance, "chair": "h1", "rapporteur": "m1"}
    closed = close(law, "law", opened.sitting_id, record, "c")
    minutes = {m["case_id"]: m for m in closed.record["minutes"]}
    assert minutes[first.id]["proposal"]["outcome"] == "equivalence"
    assert minutes[first.id]["proposal"]["assessment"]["curriculum"] == "meets"
    assert minutes[second.id]["proposal"] is None
    again = refusal_of(close, law, "law", opened.sitting_id, record, "c")
    assert again.slug == "conflict"  # the minutes are final


def test_a_sitting_closed_meanwhile_is_a_conflict(world: World) -> None:
    sittings.set_members("law", MEMBERS, START)
    case = to_committee(filed())
    opened = sittings.open_sitting(OFFICER, "law", "2026-04-10", [case.id], "c")
    record = {"attendance": [{"member": "h1", "present": True}], "chair": "h1", "rapporteur": "h1"}
    real = world.committees.sitting

    def still_open_when_read(code: str, sitting_id: str) -> Any:
        found = real(code, sitting_id)
        world.committees.close_sitting(code, sitting_id, {}, START)  # another closes it
        return found

    world.committees.sitting = still_open_when_read  # type: ignore[method-assign]
    refused = refusal_of(sittings.close_sitting, OFFICER, "law", opened.sitting_id, record, "c")
    assert refused.slug == "conflict" and "meanwhile" in str(refused.detail)
