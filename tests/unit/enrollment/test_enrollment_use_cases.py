"""Pre-registration's use cases (``service.py``) against the in-memory fakes of
``tests/fakes/`` (decision §67, the ``world`` of ``world.py``): the rules tests/e2e/enrollment
asserts through HTTP and DynamoDB, here in milliseconds and with AWS out of reach (any AWS
call fails the test)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from chalicelib.identity import Principal
from chalicelib.refusals import LostRace
from chalicelib.services.enrollment import domain, service
from chalicelib.store.cases import TransactionCancelled
from chalicelib.workflow import lifecycle
from chalicelib.workflow.engine import TransitionRefused
from tests.unit.enrollment.world import (
    DIRECTOR,
    MOTHER_EMAIL,
    SCHOOL,
    World,
    guardian,
    refusal_of,
    request,
    with_photo_checked,
)


def test_filing_takes_the_guard_and_counts_the_request(world: World) -> None:
    world.contacts.confirmed["citizen:guardian-unit"] = [MOTHER_EMAIL]
    case = service.file(guardian(), request(), "fr")
    assert case.state == "submitted" and case.office == SCHOOL
    assert case.payload["school_year"] == 2027 and case.contact.email == MOTHER_EMAIL
    assert world.applications.guards == {case.payload["guard"]: "citizen:guardian-unit"}
    counts = world.applications.counters[(2027, SCHOOL)]
    assert counts["n_submitted"] == 1 and sum(counts.values()) >= 1
    assert world.cases.also_written == ["live_request", "registered", "counters"]


def test_an_unverified_form_address_is_passed_over_not_refused(world: World) -> None:
    case = service.file(guardian(), request(), "fr")
    assert case.contact.email == ""  # nothing confirmed: no message goes to the form's address


def test_a_child_under_age_is_refused_with_the_rule_quoted(world: World) -> None:
    young = request(birth_date="2022-02-10", birth_certificate_date="2022-02-14")
    refused = refusal_of(service.file, guardian(), young, "fr")
    assert refused.slug == "under-school-age"
    assert refused.errors[0].field == "body.child.birth_date"
    assert "6 ans révolus au 31/12/2027" in refused.extra["rule"]
    assert "pour entrer en première année du primaire" in refused.extra["rule"]
    assert world.cases.writes == 0 and world.applications.guards == {}


def test_the_age_rule_has_an_upper_bound_and_a_level(world: World) -> None:
    old = request(birth_date="2019-06-01", birth_certificate_date="2019-06-05")
    refused = refusal_of(service.file, guardian(), old, "fr")
    assert refused.slug == "over-school-age" and "moins de 8 ans" in refused.extra["rule"]
    preschool = {**request(), "level": "preschool"}  # 6 on 31 December 2027: primary
    assert (
        "pour entrer au préscolaire"
        in refusal_of(service.file, guardian(), preschool, "fr").extra["rule"]
    )


def test_a_late_registration_is_for_the_year_started(world: World) -> None:
    world.at(datetime(2026, 9, 15, 10, 0, tzinfo=UTC))
    late = request(birth_date="2020-06-01", birth_certificate_date="2020-06-05")
    case = service.file(guardian(), late, "fr")
    assert case.payload["school_year"] == 2026
    assert "31/12/2026" in service.checks_of(case, "fr").rule


def test_a_school_not_in_the_catalogue_is_named(world: World) -> None:
    refused = refusal_of(service.file, guardian(), {**request(), "school": "NO-SUCH"}, "fr")
    assert refused.slug == "enrollment-rule-violated"
    assert "body.school" in {e.field for e in refused.errors}


def test_only_the_guardian_named_files(world: World) -> None:
    impostor = Principal("citizen:x", "citizen", frozenset({"citizen"}), acr="cnie", cnie="Z1")
    refused = refusal_of(service.file, impostor, request(), "fr")
    assert refused.slug == "enrollment-not-the-guardian"
    assert refused.errors[0].field == "body.mother.cnie" and world.cases.writes == 0


def test_one_live_request_per_child(world: World) -> None:
    service.file(guardian(), request(), "fr")
    writes = world.cases.writes
    other = refusal_of(service.file, guardian("other-parent"), request(), "fr")
    # Another account learns nothing of the child: no field, only where to turn.
    assert other.slug == "child-already-filed" and other.errors == []
    mine = refusal_of(service.file, guardian(), request(), "fr")
    assert mine.slug == "child-already-filed" and mine.errors[0].field == "body.child"
    assert world.cases.writes == writes and len(world.cases.cases) == 1
    assert world.applications.counters[(2027, SCHOOL)]["n_submitted"] == 1


def test_a_failed_guard_writes_nothing_of_the_transaction(world: World) -> None:
    case = service.file(guardian(), request(), "fr")
    world.applications.guards[case.payload["guard"]] = "citizen:someone-else"
    before = dict(world.applications.counters[(2027, SCHOOL)])
    with pytest.raises(LostRace) as lost:  # the guard is not this request's: not released
        service.withdraw(guardian(), case.id, "corr")
    assert lost.value.failed == {"live_request"}
    assert world.applications.counters[(2027, SCHOOL)] == before
    assert lifecycle.load(case.id).state == "submitted"


def test_a_filing_dynamodb_cancels_without_a_failed_condition_is_tried_again(
    world: World,
) -> None:
    world.cases.cancel = service.CREATE_TRIES - 1  # the school's counters busy a moment
    case = service.file(guardian(), request(), "fr")
    assert world.cases.cancel == 0 and list(world.cases.cases) == [case.id]
    world.cases.cancel = service.CREATE_TRIES  # busy all along: the last cancel goes up
    with pytest.raises(TransactionCancelled):
        service.file(guardian(), request(certificate="99/2021"), "fr")
    assert list(world.cases.cases) == [case.id]


def test_approval_needs_the_photo_then_queues_the_massar_export(world: World) -> None:
    case = service.file(guardian(), request(), "fr")
    with pytest.raises(TransitionRefused) as refused:
        service.approve(DIRECTOR, case.id, "corr")
    assert "photo" in str(refused.value)
    with_photo_checked(case)
    approved = service.approve(DIRECTOR, case.id, "corr")
    assert approved.state == "approved" and (case.id, "massar") in world.cases.exports
    counts = world.applications.counters[(2027, SCHOOL)]
    assert counts["n_submitted"] == 0 and counts["n_approved"] == 1
    assert case.payload["guard"] in world.applications.guards  # still live until Massar


def test_a_director_of_another_school_sees_nothing(world: World) -> None:
    case = service.file(guardian(), request(), "fr")
    stranger = replace(DIRECTOR, subject="staff:elsewhere", office="OTHER-SCHOOL")
    assert refusal_of(service.approve, stranger, case.id, "corr").slug == "not-found"


def test_a_rejection_ground_the_facts_deny_is_refused(world: World) -> None:
    case = service.file(guardian(), request(), "fr")
    for ground, words in (("under_age", "of age by the rule"), ("outside_sector", "sector")):
        refused = refusal_of(service.reject, DIRECTOR, case.id, ground, "", "corr")
        assert refused.slug == "enrollment-reason-contradicted"
        assert refused.errors[0].field == "body.reason" and words in refused.errors[0].message
    vague = refusal_of(service.reject, DIRECTOR, case.id, "other", "", "corr")
    assert vague.errors[0].field == "body.details"
    assert lifecycle.load(case.id).state == "submitted"
    details = "L'acte de naissance joint ne correspond pas."
    rejected = service.reject(DIRECTOR, case.id, "other", details, "corr")
    assert rejected.state == "rejected"


def test_a_residence_outside_the_sector_may_be_rejected_for_it(world: World) -> None:
    body = request()
    body["mother"]["address"]["district"] = "Hay Riad"
    case = service.file(guardian(), body, "fr")
    assert service.checks_of(case, "fr").in_sector is False
    rejected = service.reject(DIRECTOR, case.id, "outside_sector", "", "corr")
    assert rejected.state == "rejected"
    assert lifecycle.find_with_history(case.id)[1][-1].reason.startswith(
        "L'école choisie ne dessert pas"
    )


def test_a_new_filing_after_a_request_ends(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    body = request(birth_date="2021-11-20", birth_certificate_date="2021-11-25")
    case = service.file(guardian(), body, "fr")
    # The year's note moves the reference date: the child is now under age and the age
    # ground holds; the request ends with its guard and its siblings' forecast.
    year = domain.SCHOOL_YEARS[2027]
    monkeypatch.setitem(domain.SCHOOL_YEARS, 2027, replace(year, reference_date=date(2027, 9, 30)))
    assert service.reject(DIRECTOR, case.id, "under_age", "", "corr").state == "rejected"
    counts = world.applications.counters[(2027, SCHOOL)]
    assert counts["n_submitted"] == 0 and counts["n_rejected"] == 1
    assert all(n == 0 for name, n in counts.items() if name.startswith("siblings_"))
    assert world.applications.guards == {}
    monkeypatch.setitem(domain.SCHOOL_YEARS, 2027, year)
    assert service.file(guardian(), body, "fr").state == "submitted"


def test_a_registered_child_is_marked_for_its_year_only(world: World) -> None:
    preschool = {
        **request("77/2022", birth_date="2022-03-15", birth_certificate_date="2022-03-20"),
        "level": "preschool",
        "siblings": [],
    }
    case = service.file(guardian(), preschool, "fr")
    service.approve(DIRECTOR, with_photo_checked(case).id, "corr")
    registered = service.record_pupil_code(lifecycle.load(case.id), "P123456")
    assert registered.state == "registered" and registered.payload["massar_code"] == "P123456"
    key = case.payload["guard"]
    assert world.applications.marks == {(key, 2027): ("citizen:guardian-unit", case.reference)}
    assert world.applications.guards == {}

    # The same school year: registered already, whoever asks (its filer is told why).
    mine = refusal_of(service.file, guardian(), preschool, "fr")
    assert mine.errors[0].field == "body.child" and "2027-2028" in mine.errors[0].message
    other = refusal_of(service.file, guardian("other-parent"), preschool, "fr")
    assert other.slug == "child-already-filed" and other.errors == []

    # The next year, the next level; two live requests for one child stay impossible.
    world.at(datetime(2027, 12, 1, 10, 0, tzinfo=UTC))
    primary = {**preschool, "level": "primary"}
    assert service.file(guardian(), primary, "fr").payload["school_year"] == 2028
    twice = refusal_of(service.file, guardian("other-parent"), primary, "fr")
    assert twice.slug == "child-already-filed"


def test_the_director_s_queue_reads_the_in_memory_cases(world: World) -> None:
    first = service.file(guardian(), request("1/2021"), "fr")
    service.file(guardian(), request("2/2021"), "fr")
    found, page = service.school_queue(SCHOOL, "submitted", None, (None, None), 1, None)
    assert found == world.catalogue.schools[SCHOOL] and [c.id for c in page.cases] == [first.id]
    _, rest = service.school_queue(SCHOOL, "submitted", None, (None, None), 1, page.last_key)
    assert len(rest.cases) == 1 and rest.last_key is None


def test_a_document_asked_and_provided_moves_the_counters_only(world: World) -> None:
    case = service.file(guardian(), request(), "fr")
    asked = service.request_documents(DIRECTOR, case.id, "the birth certificate, legible", "c")
    assert asked.state == "documents_requested"
    assert service.documents_provided(guardian(), case.id, "attached", "c").state == "submitted"
    counts = world.applications.counters[(2027, SCHOOL)]
    assert counts["n_submitted"] == 1 and counts["n_documents_requested"] == 0
    assert case.payload["guard"] in world.applications.guards  # still one live request


def test_a_withdrawal_ends_the_request_and_only_the_guardian_withdraws(world: World) -> None:
    case = service.file(guardian(), request(), "fr")
    with pytest.raises(TransitionRefused):
        service.withdraw(DIRECTOR, case.id, "c")
    assert service.withdraw(guardian(), case.id, "c").state == "withdrawn"
    assert world.applications.guards == {} and world.applications.marks == {}
    with pytest.raises(TransitionRefused):  # ended: nothing more to withdraw
        service.withdraw(guardian(), case.id, "c")


def test_massar_s_refusal_settles_the_request_and_frees_the_child(world: World) -> None:
    case = service.file(guardian(), request(), "fr")
    service.approve(DIRECTOR, with_photo_checked(case).id, "c")
    refused = service.record_massar_refusal(lifecycle.load(case.id), 422, "pupil unknown")
    assert refused.state == "massar_refused"
    assert refused.payload["massar_refusal"]["reason"] == "pupil unknown"
    assert world.applications.guards == {} and world.applications.marks == {}
    assert world.applications.counters[(2027, SCHOOL)]["n_massar_refused"] == 1


def test_a_fake_s_write_is_never_sent_to_dynamodb(world: World) -> None:
    write = world.applications.guard_taken("child", "citizen:x")
    with pytest.raises(TypeError):
        write.add(None)  # type: ignore[arg-type]
    assert world.applications.guards == {}
