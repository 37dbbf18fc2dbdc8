"""Pre-registration after the filing, in memory (decision §74): the export to Massar
(``export.py``), the follow-up's figures (``followup.py``), the director's list and what it
shows (``service.school_queue``, ``views.py``), the catalogue and the school map's import
(``schools.py``, ``school_import.py``). The rules tests/e2e/enrollment and
tests/integration/enrollment assert through HTTP, DynamoDB and Massar's stand-in, here in
milliseconds with AWS out of reach (the ``world`` of ``world.py``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import pytest

from chalicelib import clock
from chalicelib.identity import Principal
from chalicelib.refusals import LostRace
from chalicelib.services.enrollment import ports, school_import, schools, service
from chalicelib.services.enrollment.export import export_to_massar, pupil_record
from chalicelib.services.enrollment.followup import follow_up
from chalicelib.services.enrollment.massar import MassarRefused, MassarUnavailable
from chalicelib.services.enrollment.schemas import FollowUpQuery, FollowUpView, SchoolsImportReport
from chalicelib.services.enrollment.views import application_view
from chalicelib.store.cases import OutboxMessage
from chalicelib.workflow import lifecycle
from chalicelib.workflow.case import Case
from tests.support.route_samples.enrollment import FAULTY_SCHOOL_MAP, school
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

ADMIN = Principal("staff:admin-unit", "staff", frozenset({"admin"}), "HQ")
REFUSED = "Le numéro d'acte de naissance est déjà associé à un autre élève."


def delivered(case: Case) -> dict[str, str]:
    """The Massar queue's message for ``case``, as the export stream writes it."""
    return {"case_id": case.id, "case_type": "enrollment", "target": "massar"}


def approved(world: World, certificate: str = "1234/2021") -> Case:
    world.contacts.confirmed["citizen:guardian-unit"] = [MOTHER_EMAIL]
    case = service.file(guardian(), request(certificate), "fr")
    return service.approve(DIRECTOR, with_photo_checked(case).id, "corr")


def told(world: World, case: Case, template: str) -> list[OutboxMessage]:
    return [m for at, m in world.cases.outbox if at == case.id and m.template == template]


def events(case: Case) -> list[str]:
    return [entry.event for entry in lifecycle.find_with_history(case.id)[1]]


def figures(principal: Principal, **query: Any) -> FollowUpView:
    return follow_up(principal, FollowUpQuery(**query), clock.now().date())


# The export to Massar.


def test_an_approved_pupil_is_registered_once_and_the_guardian_gets_the_code(
    world: World,
) -> None:
    case = approved(world)
    assert export_to_massar(delivered(case)) == "registered"
    registered = lifecycle.load(case.id)
    code = registered.payload["massar_code"]
    assert registered.state == "registered" and code == world.massar.codes[case.id]
    assert code.startswith("P") and len(code) == 10 and events(case)[-1] == "exported"
    # Delivered again (at least once): never sent twice.
    assert export_to_massar(delivered(case)) == "already_registered"
    assert world.massar.received == [case.id]
    # Told twice: the approval without the code, then the code once Massar gave it.
    (accepted,) = told(world, case, "enrollment_approved")
    (notice,) = told(world, case, "enrollment_registered")
    assert code not in str(accepted.data) and notice.recipient == MOTHER_EMAIL
    assert notice.data["fields"] == {"massar_code": code}
    # The request ended: the guard freed, the year marked, the counters moved.
    assert world.applications.guards == {}
    assert world.applications.marks == {(case.payload["guard"], 2027): (case.owner, case.reference)}
    counts = world.applications.counters[(2027, SCHOOL)]
    assert counts["n_approved"] == 0 and counts["n_registered"] == 1


def test_massar_receives_the_pupil_the_parents_and_the_school(world: World) -> None:
    record = pupil_record(approved(world))
    assert record["school"] == SCHOOL and record["level"] == "primary"
    assert record["school_year"] == 2027 and record["guardian_capacity"] == "mother"
    assert record["pupil"]["first_name_latin"] == "Youssef"
    assert record["mother"]["phone"] == "+212661234567"  # normalised at filing


@pytest.mark.parametrize(
    "fail",
    [lambda m, key: setattr(m, "failures_to_come", 1), lambda m, key: m.answer(key, 429)],
    ids=["down", "throttling"],
)
def test_massar_down_or_throttling_is_retried_never_settled(
    world: World, fail: Callable[[Any, str], None]
) -> None:
    case = approved(world)
    fail(world.massar, case.id)
    with pytest.raises(MassarUnavailable):  # SQS delivers the message again
        export_to_massar(delivered(case))
    assert lifecycle.load(case.id).state == "approved"
    assert export_to_massar(delivered(case)) == "registered"
    assert export_to_massar(delivered(case)) == "already_registered"
    assert world.massar.received == [case.id, case.id]  # the failed call, the one answered
    assert "massar_refusal" not in lifecycle.load(case.id).payload


def test_massar_s_refusal_settles_the_request_the_guardian_told_the_director_shown(
    world: World,
) -> None:
    case = approved(world)
    world.massar.answer(case.id, 422, REFUSED)
    assert export_to_massar(delivered(case)) == "refused"
    assert export_to_massar(delivered(case)) == "settled"  # never sent again
    assert world.massar.received == [case.id]
    refused = lifecycle.load(case.id)
    assert refused.state == "massar_refused" and events(case)[-1] == "massar_refusal"
    assert lifecycle.find_with_history(case.id)[1][-1].reason == REFUSED
    (notice,) = told(world, case, "enrollment_massar_refused")
    assert notice.recipient == MOTHER_EMAIL and notice.data["reason"] == REFUSED
    # The director sees why in the school's list, by its own state.
    school, page = service.school_queue(SCHOOL, "massar_refused", None, (None, None), 20, None)
    (listed,) = [application_view(c, school, "fr", listed=True) for c in page.cases]
    assert listed.id == case.id and listed.massar_refusal is not None
    assert (listed.massar_refusal.status, listed.massar_refusal.reason) == (422, REFUSED)
    # Settled: the child may be filed for again, and the figures say so.
    assert world.applications.guards == {} and world.applications.marks == {}
    assert service.file(guardian(), request(), "fr").state == "submitted"
    counts = figures(DIRECTOR).counts
    assert counts["massar_refused"] == 1 and counts["approved"] == 0


def test_a_message_that_is_not_a_pre_registration_s_export_is_ignored(world: World) -> None:
    case = approved(world)
    for message in (
        {**delivered(case), "case_type": "other"},
        {**delivered(case), "target": "elsewhere"},
        {**delivered(case), "case_id": "NOSUCHCASE"},
    ):
        assert export_to_massar(message) == "ignored"
    assert world.massar.received == [] and lifecycle.load(case.id).state == "approved"


class OvertakenMassar:
    """Massar answering slowly: while it answers the first call, the message's next delivery
    runs to its end (``second``). Every call gets ``answer()``."""

    def __init__(self, message: Mapping[str, Any], answer: Callable[[], str]) -> None:
        self.message, self.answer, self.calls, self.second = message, answer, 0, ""

    def register(self, pupil: Mapping[str, Any], key: str) -> str:
        self.calls += 1
        if self.calls == 1:
            self.second = export_to_massar(self.message)
        return self.answer()


def _refusing() -> str:
    raise MassarRefused(422, REFUSED)


@pytest.mark.parametrize(
    ("answer", "second", "first", "state"),
    [
        (lambda: "P000000042", "registered", "already_registered", "registered"),
        (_refusing, "refused", "settled", "massar_refused"),
    ],
    ids=["registered", "refused"],
)
def test_a_delivery_overtaken_by_the_next_one_keeps_the_first_answer(
    world: World, answer: Callable[[], str], second: str, first: str, state: str
) -> None:
    case = approved(world)
    slow = OvertakenMassar(delivered(case), answer)
    with ports.using(ports.Ports(massar=slow)):
        assert export_to_massar(delivered(case)) == first
    assert slow.second == second and slow.calls == 2
    assert lifecycle.load(case.id).state == state
    assert len(events(case)) == len(set(events(case)))  # settled once, by the second delivery
    counts = world.applications.counters[(2027, SCHOOL)]
    assert counts[f"n_{state}"] == 1 and counts["n_approved"] == 0


def test_a_write_lost_for_another_reason_is_retried(world: World) -> None:
    case = approved(world)
    world.cases.refuse = {"counters"}  # another transition holds the school's counters
    with pytest.raises(LostRace):
        export_to_massar(delivered(case))
    assert lifecycle.load(case.id).state == "approved"
    world.cases.refuse = set()
    assert export_to_massar(delivered(case)) == "registered"


# The follow-up.


def test_the_director_s_follow_up_counts_his_school_s_requests_by_state(world: World) -> None:
    service.file(guardian(), request("1/2021"), "fr")
    gone = service.file(guardian(), request("2/2021"), "fr")
    service.withdraw(guardian(), gone.id, "corr")
    mine = figures(DIRECTOR)
    assert mine.scope == {"school": SCHOOL} and mine.school_year == "2027-2028"
    assert mine.counts["submitted"] == 1 and mine.counts["withdrawn"] == 1
    assert mine.counts["total"] == 2
    # The withdrawn request's sibling left the forecast; the one kept counts.
    assert mine.siblings_forecast == {"2028-2029": 1, "2029-2030": 0}
    (own,) = mine.schools
    assert (own.code, own.province, own.region) == (SCHOOL, "RABAT", "RSK")
    past = figures(DIRECTOR, year=2026)  # another school year, by its start: nothing filed
    assert past.school_year == "2026-2027" and past.schools == []
    assert past.counts["total"] == 0


def test_a_director_reads_his_school_s_figures_only(world: World) -> None:
    assert refusal_of(lambda: figures(DIRECTOR, school="OTHER-SCHOOL")).slug == "not-found"
    assert figures(DIRECTOR, school=SCHOOL).scope == {"school": SCHOOL}
    assert figures(DIRECTOR, region="RSK").scope == {"school": SCHOOL}  # his school's, always


def test_a_province_and_a_region_add_up_their_schools(world: World) -> None:
    world.catalogue.save_school(school("UNIT-SALE", province="SALE"))
    world.catalogue.save_school(school("UNIT-TIZNIT", province="TIZNIT", region="SM"))
    for n, code in enumerate((SCHOOL, "UNIT-SALE", "UNIT-TIZNIT")):
        service.file(guardian(), request(f"{n}/2021", at=code), "fr")
    province = figures(ADMIN, province="RABAT")
    assert province.scope == {"province": "RABAT"}
    assert [s.code for s in province.schools] == [SCHOOL]
    region = figures(ADMIN, region="RSK")
    assert [s.code for s in region.schools] == [SCHOOL, "UNIT-SALE"]
    assert region.counts["submitted"] == region.counts["total"] == 2
    assert [s.code for s in figures(ADMIN, province="TIZNIT").schools] == ["UNIT-TIZNIT"]
    nowhere = figures(ADMIN, province="NOWHERE")  # no region knows it: no figures
    assert nowhere.schools == [] and nowhere.counts["total"] == 0


def test_figures_are_asked_for_a_school_a_province_or_a_region(world: World) -> None:
    refused = refusal_of(figures, ADMIN)
    assert refused.slug == "validation-failed" and refused.errors[0].field == "query.school"


# The director's list and what it shows.


def test_the_director_finds_requests_by_name_in_either_script_and_birth_date(
    world: World,
) -> None:
    youssef = service.file(guardian(), request("1/2021"), "fr")
    born = {"birth_date": "2021-01-10", "birth_certificate_date": "2021-01-15"}
    named = {"first_name_ar": "سلمى", "first_name_latin": "Salma"}
    salma = service.file(guardian(), request("2/2021", **born, **named), "fr")

    def found(q: str | None, first: str = "", last: str = "", at: str = SCHOOL) -> list[str]:
        dates = (
            date.fromisoformat(first) if first else None,
            date.fromisoformat(last) if last else None,
        )
        page = service.school_queue(at, "submitted", q, dates, 20, None)[1]
        return [c.id for c in page.cases]

    assert found("يوسف") == found("YOUSSEF") == [youssef.id]
    assert found("العلوي") == [youssef.id, salma.id]  # the family name, in Arabic
    assert found(None, first="2021-03-01") == [youssef.id]
    assert found(None, last="2021-02-01") == [salma.id]
    assert found("salma", first="2021-03-01") == []
    assert found(None, at="OTHER-SCHOOL") == []  # another school's list holds none of them


def test_a_request_shows_its_director_the_checks_and_the_photo(world: World) -> None:
    case = service.file(guardian(), request(), "fr")
    view = application_view(case, schools.of_request(case), "fr")
    assert view.checks.of_age and view.checks.in_sector and "31/12/2027" in view.checks.rule
    assert view.photo == "missing" and view.guardian["capacity"] == "mother"
    assert view.child["first_name_ar"] == "يوسف" and view.school_year == "2027-2028"
    checked = with_photo_checked(case)
    assert application_view(checked, schools.of_request(checked), "fr").photo == "verified"
    listed = application_view(checked, schools.of_request(checked), "fr", listed=True)
    assert listed.photo is None  # a list reads no documents
    elsewhere = request("2/2021")
    elsewhere["mother"]["address"]["district"] = "Hay Riad"
    outside = service.file(guardian(), elsewhere, "fr")
    assert not application_view(outside, schools.of_request(outside), "fr").checks.in_sector


# The catalogue and the school map.


def test_schools_are_found_by_commune_and_by_the_address_they_serve(world: World) -> None:
    world.catalogue.save_school(school("UNIT-PRESCHOOL", levels=["preschool"]))
    assert [s["code"] for s in schools.search("RABAT-AGDAL")] == ["UNIT-PRESCHOOL", SCHOOL]
    assert [s["code"] for s in schools.search("rabat agdal", level="primary")] == [SCHOOL]
    assert SCHOOL in [s["code"] for s in schools.search("Rabat Agdal", "ryad", "primary")]
    assert schools.search("Rabat-Agdal", "Hassan") == []  # not in its sector


def faulty_map() -> tuple[str, list[str]]:
    codes = [f"MAP-{n}" for n in "ABCDE"]
    a, b, c, d, e = codes
    north = "Tiznit-Nord: Douar Jdid"  # a district of another commune
    return FAULTY_SCHOOL_MAP.format(a=a, b=b, c=c, d=d, e=e, north=north), codes


def test_the_school_map_is_loaded_with_each_bad_line_named(world: World) -> None:
    text, (a, b, *_) = faulty_map()
    report = school_import.load(text, demo="unit")
    SchoolsImportReport.model_validate(report)  # the route's answer
    assert report["read"] == 7 and report["loaded"] == 2 and report["schools"] == [a, b]
    assert {(e["line"], e["field"]) for e in report["errors"]} == {
        (4, "code"),
        (5, "levels"),
        (6, "name_ar"),
        (6, "sector"),
        (7, "code"),  # the first school, given again
        (8, "line"),
    }
    assert report["rejected_lines"] == 5 and report["errors_total"] == 6
    # The good lines are the map: schools by commune, and by the address they serve.
    assert [s["code"] for s in schools.search("Tiznit-Centre")] == [a, b]
    assert [s["code"] for s in schools.search("Tiznit-Nord", "douar jdid")] == [a]
    assert world.catalogue.region_of("TIZNIT") == "SM" and world.catalogue.demos[a] == "unit"
    # A guardian files at a school of the map, living in its sector.
    body = request(at=b)
    body["mother"]["address"] = {
        "line": "5 rue X",
        "commune": "Tiznit-Centre",
        "district": "Hay Massira",
    }
    filed = service.file(guardian(), body, "fr")
    assert filed.office == b and service.checks_of(filed, "fr").in_sector


def test_a_school_loaded_again_with_a_smaller_sector_no_longer_serves_what_it_left(
    world: World,
) -> None:
    text, (a, *_) = faulty_map()
    first = school_import.load(text)
    catalogue = dict(world.catalogue.schools)
    assert school_import.load(text) == first and world.catalogue.schools == catalogue
    smaller = "\n".join(text.splitlines()[:2]).replace(";Tiznit-Nord: Douar Jdid", "")
    again = school_import.load(smaller)
    assert again["loaded"] == 1 and again["errors"] == []
    assert schools.search("Tiznit-Nord", "Douar Jdid") == []
    assert [s["code"] for s in schools.search("Tiznit-Centre", "Hay Lalla")] == [a]


def test_a_file_that_is_not_a_school_map_is_one_error_on_its_first_line(world: World) -> None:
    report = school_import.load("code,name\nX,Y\n")
    assert report["loaded"] == 0 and report["schools"] == []
    assert [(e["line"], e["field"]) for e in report["errors"]] == [(1, "header")]
    assert world.catalogue.schools.keys() == {SCHOOL}


def test_a_school_whose_write_fails_is_named_on_its_line_and_the_rest_loaded(
    world: World,
) -> None:
    text, (a, b, *_) = faulty_map()
    world.catalogue.failing = {a}
    report = school_import.load(text)
    assert report["schools"] == [b] and a not in world.catalogue.schools
    (failed,) = [e for e in report["errors"] if e["line"] == 2]
    assert failed["field"] == "line" and failed["message"].startswith("not written")
    assert "load it again" in failed["message"] and report["rejected_lines"] == 6


def test_the_report_lists_the_first_500_problems_and_counts_them_all(world: World) -> None:
    header = "code,name_ar,name_fr,levels,commune,province,region,address,sector\n"
    report = school_import.load(header + "bad code!\n" * 600)
    assert report["read"] == report["rejected_lines"] == report["errors_total"] == 600
    assert len(report["errors"]) == school_import.MAX_ERRORS == 500
    assert report["errors"][0]["line"] == 2 and report["loaded"] == 0
