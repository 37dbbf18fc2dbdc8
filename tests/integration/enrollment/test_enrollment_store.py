"""Pre-registration against moto: one live request per child under simultaneous filings,
the Massar export (retried, never twice), the HTTP Massar client, and the counters."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest

from chalicelib import clock
from chalicelib.api.problems import status_of
from chalicelib.identity import Principal
from chalicelib.refusals import Refusal
from chalicelib.services.enrollment import domain, service
from chalicelib.services.enrollment.export import export_to_massar, pupil_record
from chalicelib.services.enrollment.machines import ENROLLMENT
from chalicelib.services.enrollment.massar import (
    STAND_IN,
    HttpMassar,
    MassarRefused,
    MassarUnavailable,
    StandInMassar,
    serve,
)
from chalicelib.services.enrollment.schemas import ApplicationIn
from chalicelib.store.enrollment import applications, catalogue
from chalicelib.workflow import lifecycle
from chalicelib.workflow.engine import Actor
from tests.support.route_samples.enrollment import GUARDIAN, application, seed_school

DIRECTOR_ROLES = frozenset({"school_director"})


def guardian(n: int = 0) -> Principal:
    return Principal(
        f"guardian-{uuid.uuid4().hex[:6]}-{n}", "citizen", frozenset({"citizen"}), **GUARDIAN
    )


def body(school: str, certificate: str | None = None) -> dict[str, Any]:
    return ApplicationIn.model_validate(application(school, certificate)).model_dump()


@pytest.fixture
def school(stack: Any) -> str:
    code = f"INT-{uuid.uuid4().hex[:6].upper()}"
    seed_school(code)
    return code


def test_one_of_simultaneous_filings_for_a_child_wins(school: str) -> None:
    certificate, n = f"{uuid.uuid4().int % 10**6}/2021", 6
    outcomes: list[Any] = [None] * n
    start = threading.Barrier(n)

    def attempt(i: int) -> None:
        start.wait()
        try:
            outcomes[i] = service.file(guardian(i), body(school, certificate), "fr")
        except Refusal as problem:
            outcomes[i] = problem

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [o for o in outcomes if not isinstance(o, Refusal)]
    refused = [o for o in outcomes if isinstance(o, Refusal)]
    assert len(won) == 1 and len(refused) == n - 1
    assert {(status_of(p), p.slug) for p in refused} == {(409, "child-already-filed")}
    key = won[0].payload["guard"]
    assert applications.guard_holder(key) == won[0].owner


def test_the_guard_is_released_only_when_the_request_ends(school: str) -> None:
    filer = guardian()
    case = service.file(filer, body(school), "fr")
    director = Principal("d", "staff", DIRECTOR_ROLES, office=school)
    service.reject(director, case.id, "other", "dossier incomplet", "corr")
    assert applications.guard_holder(case.payload["guard"]) is None


def approved(school: str) -> Any:
    case = service.file(guardian(), body(school), "fr")
    # the photo check is the documents module's (tested there): here, straight to approval
    director = Actor("d", DIRECTOR_ROLES, school)
    return lifecycle.act(ENROLLMENT, case, "approve", director, {}).case


def test_the_export_is_retried_until_massar_answers_and_never_sent_twice(
    school: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = _approved_without_photo(school, monkeypatch)
    message = {"case_id": case.id, "case_type": "enrollment", "target": "massar"}
    STAND_IN.failures_to_come = 1
    with pytest.raises(MassarUnavailable):
        export_to_massar(message)
    assert lifecycle.load(case.id).state == "approved"
    assert export_to_massar(message) == "registered"
    assert export_to_massar(message) == "already_registered"
    assert STAND_IN.received.count(case.id) == 2  # the failed call and the one answered
    registered = lifecycle.load(case.id)
    assert registered.state == "registered"
    assert registered.payload["massar_code"] == STAND_IN.codes[case.id]
    assert export_to_massar({**message, "case_type": "other"}) == "ignored"


def _approved_without_photo(school: str, monkeypatch: pytest.MonkeyPatch) -> Any:

    from chalicelib.services.enrollment import machines

    transition = machines.ENROLLMENT.transition("approve")
    assert transition is not None
    monkeypatch.setitem(machines.ENROLLMENT._by_name, "approve", transition._replace(guard=None))
    return approved(school)


def test_the_http_client_speaks_to_a_massar_endpoint() -> None:
    stand_in = StandInMassar()
    server = serve(stand_in)
    try:
        massar = HttpMassar(f"http://127.0.0.1:{server.server_address[1]}")
        code = massar.register({"pupil": {}}, "case-1")
        assert code == massar.register({"pupil": {}}, "case-1")  # idempotent by key
        stand_in.failures_to_come = 1
        with pytest.raises(MassarUnavailable):
            massar.register({"pupil": {}}, "case-2")
    finally:
        server.shutdown()
    with pytest.raises(MassarUnavailable):
        HttpMassar("http://127.0.0.1:9").register({}, "k")  # nobody listens there


@pytest.mark.parametrize(
    ("status", "settles"),
    [
        (400, True),
        (409, True),
        (422, True),
        (408, False),  # throttles: try again later
        (425, False),
        (429, False),
        (401, False),  # our client refused, not the pupil: retried, then the dead letters
        (403, False),
        (404, False),
        (500, False),
        (503, False),
    ],
)
def test_only_a_refusal_of_the_pupil_settles_the_rest_is_retried(
    status: int, settles: bool
) -> None:
    stand_in = StandInMassar()
    server = serve(stand_in)
    try:
        massar = HttpMassar(f"http://127.0.0.1:{server.server_address[1]}")
        stand_in.answer("case-1", status, "  L'acte   de naissance est illisible.  ")
        with pytest.raises(MassarRefused if settles else MassarUnavailable) as failed:
            massar.register({"pupil": {}}, "case-1")
        if settles:
            assert isinstance(failed.value, MassarRefused)
            assert failed.value.status == status
            assert failed.value.reason == "L'acte de naissance est illisible."
        assert massar.register({"pupil": {}}, "case-1").startswith("P")  # the next call
    finally:
        server.shutdown()


def test_the_guard_is_released_when_massar_registers_or_refuses(
    school: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for answer, state in ((None, "registered"), ((422, "no such school"), "massar_refused")):
        case = _approved_without_photo(school, monkeypatch)
        assert applications.guard_holder(case.payload["guard"]) == case.owner
        if answer:
            STAND_IN.answer(case.id, *answer)
        message = {"case_id": case.id, "case_type": "enrollment", "target": "massar"}
        assert export_to_massar(message) == ("refused" if answer else "registered")
        assert export_to_massar(message) in ("settled", "already_registered")  # delivered twice
        ended = lifecycle.load(case.id)
        assert ended.state == state
        assert applications.guard_holder(case.payload["guard"]) is None
        year = int(case.payload["school_year"])
        registered_by = applications.registered_by(case.payload["guard"], year)
        assert registered_by == (case.owner if state == "registered" else None)


def test_counters_follow_the_transitions_and_areas_add_up(school: str) -> None:
    year = domain.school_year_of_filing(clock.now().date()).start
    first = service.file(guardian(), body(school), "fr")
    second = service.file(guardian(), body(school), "fr")
    service.withdraw(Principal(second.owner, "citizen", frozenset({"citizen"})), second.id, "c")
    (figures,) = applications.school_figures(year, school)
    assert figures.numbers["n_submitted"] == 1 and figures.numbers["n_withdrawn"] == 1
    assert figures.numbers[f"siblings_{year + 1}"] == 1  # the withdrawn one's sibling left
    in_region = applications.area_figures(year, "RSK")
    in_province = applications.area_figures(year, "RSK", "RABAT")
    assert school in {f.school for f in in_region} and school in {f.school for f in in_province}
    assert applications.area_figures(year, "RSK", "NOWHERE") == []
    assert first.payload["school"]["province"] == "RABAT"


def test_the_catalogue_answers_by_commune_and_by_address(school: str) -> None:
    assert school in {s["code"] for s in catalogue.schools_in("RABAT-AGDAL", "primary")}
    assert school in {s["code"] for s in catalogue.schools_serving("Rabat Agdal", "ryad")}
    assert school not in {s["code"] for s in catalogue.schools_serving("Rabat-Agdal", "Hassan")}
    assert catalogue.region_of("RABAT") == "RSK" and catalogue.school("NOPE") is None


def test_a_school_dynamodb_does_not_save_is_named_and_left_as_it_was(
    school: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The catalogue says which school failed, in its own words: its callers (the import's
    report) never see PynamoDB's exceptions."""
    from botocore.client import BaseClient
    from botocore.exceptions import ClientError

    inner = BaseClient._make_api_call

    def cancelled(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if operation == "TransactWriteItems":
            error = {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}}
            raise ClientError(error, operation)
        return inner(client, operation, params)

    before = catalogue.school(school)
    assert before is not None
    monkeypatch.setattr(BaseClient, "_make_api_call", cancelled)
    with pytest.raises(catalogue.SchoolNotSaved) as refused:
        catalogue.save_school({**before, "name_fr": "Renommée"})
    assert (refused.value.code, refused.value.why) == (school, "TransactWriteError")
    assert catalogue.school(school) == before


def test_massar_receives_the_pupil_and_the_school(school: str) -> None:
    case = service.file(guardian(), body(school), "fr")
    record = pupil_record(case)
    assert record["school"] == school and record["pupil"]["first_name_latin"] == "Youssef"
    assert record["mother"]["phone"] == "+212661234567"  # normalised at filing
