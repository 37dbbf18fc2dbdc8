"""A CNIe number belongs to one candidate per session, across academies: an import that
would attach it to another academy's candidate is refused for that row (the job's report
names it), and the candidate who holds it stays where they are."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from tests.e2e.bac.conftest import YEAR, Academy, Http


def another_academy(token: Callable[..., str], cnie: str) -> Academy:
    code = f"AC-{uuid.uuid4().hex[:8].upper()}"
    return Academy(
        code=code,
        officer=token("exam_officer", office=code),
        cnie=cnie,
        citizen=token("citizen", acr="cnie", cnie=cnie, sub=f"citizen-{cnie}"),
        candidate_number="9" + str(uuid.uuid4().int)[:9],  # sorts after the first academy's
    )


def number() -> str:
    return "5" + str(uuid.uuid4().int)[:9]


def test_a_cnie_held_in_another_academy_is_refused_for_that_row(
    http: Http, academy: Academy, token: Callable[..., str]
) -> None:
    assert academy.import_list(http).json_body["report"]["candidates"] == 1
    elsewhere = another_academy(token, academy.cnie)
    someone = "ZX" + str(uuid.uuid4().int)[:6]
    rows = [elsewhere.row(), elsewhere.row(candidate_number=number(), cnie=someone)]
    done = elsewhere.import_list(http, rows).json_body
    assert done["state"] == "done", done
    report = done["report"]
    assert (report["candidates"], report["refused_total"]) == (1, 1)
    [refused] = report["refused"]
    assert (refused["line"], refused["column"]) == (2, "cnie")
    assert academy.code in refused["message"] and str(YEAR) in refused["message"]

    # The holder did not move: their record, their results.
    me = http.call("GET", "/bac/me", academy.citizen).json_body
    assert (me["academy"], me["candidate_number"]) == (academy.code, academy.candidate_number)
    academy.publish(http)
    results = http.call("GET", "/bac/me/results", academy.citizen).json_body
    assert results["candidate_number"] == academy.candidate_number
    assert elsewhere.publish(http)["report"]["results_written"] == 1  # only its own row
    again = academy.import_list(http).json_body["report"]  # the holder's academy, again
    assert (again["candidates"], again["refused_total"]) == (1, 0)

    # The next session is another session: the number may be attached there.
    later = elsewhere.import_list(http, [elsewhere.row()], year=YEAR + 1).json_body["report"]
    assert (later["candidates"], later["refused_total"]) == (1, 0)
    assert http.call("GET", "/bac/me", academy.citizen).json_body["academy"] == elsewhere.code


def test_a_number_passed_between_two_candidates_of_one_list_is_taken(
    http: Http, academy: Academy
) -> None:
    """The list first gave the number to one candidate, then (corrected) to another."""
    wrong, right = academy.candidate_number, number()
    other_card = "ZW" + str(uuid.uuid4().int)[:6]
    academy.import_list(http, [academy.row()])
    corrected = [
        academy.row(candidate_number=right),  # the number now this candidate's
        academy.row(candidate_number=wrong, cnie=other_card),
    ]
    report = academy.import_list(http, corrected).json_body["report"]
    assert (report["candidates"], report["refused_total"]) == (2, 0), report
    assert http.call("GET", "/bac/me", academy.citizen).json_body["candidate_number"] == right
