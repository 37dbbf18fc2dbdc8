"""How to call the equivalence committees' routes (committee_routes.py) in the matrix,
least-privilege and bench runs. The routes belong to the higher-education ministry's
officers (office MESRSI) and to the members of one committee (office = its code): the
samples work on the law committee, and the matrix calls each allowed role from its office."""

from __future__ import annotations

import json
from typing import Any

from bench.calls import Sample as BenchSample
from tests.support.route_samples.matrix import OWNER, Sample

COMMITTEES = "/equivalence/committees"
MEMBERS_PATH = f"{COMMITTEES}/{{code}}/members"
SITTINGS = f"{COMMITTEES}/{{code}}/sittings"
SITTING = f"{SITTINGS}/{{sitting_id}}"
CODE, MINISTRY = "law", "MESRSI"
OFFICES = {"equivalence_officer": MINISTRY, "committee_member": CODE}
MEMBERS = [
    {"id": "h1", "name": "Doyen (démo)", "seat": "head_of_institution"},
    {"id": "m1", "name": "Représentant (démo)", "seat": "ministerial_department"},
]
CLOSE_BODY = json.dumps(
    {"attendance": [{"member": "h1"}, {"member": "m1"}], "chair": "h1", "rapporteur": "m1"}
)
_JSON = {"Content-Type": "application/json"}


def law_file() -> dict[str, str]:
    """A higher-track file of the ministry, with the law committee."""
    from dataclasses import replace

    from chalicelib.services.equivalence.machines import HIGHER
    from chalicelib.store import cases as store
    from chalicelib.workflow import lifecycle
    from chalicelib.workflow.case import Contact, HistoryEntry
    from chalicelib.workflow.engine import Actor
    from tests.support.route_samples.equivalence import FILE_BODY

    diploma = {**FILE_BODY["diploma"], "field": CODE}
    payload = {"track": "higher", "diploma": diploma, "committee": CODE}
    owner = Actor(OWNER, frozenset({"citizen"}))
    case = lifecycle.open_case(HIGHER, OWNER, MINISTRY, Contact(), payload, owner)
    moved = replace(case, state="with_committee", version=2, history_length=2)
    entry = HistoryEntry(
        2, "refer", "draft", "with_committee", "sample", "admin", "", case.created_at
    )
    store.save_transition(case, moved, entry)
    return {"case_id": case.id, "code": CODE}


def _officer() -> Any:
    from chalicelib.identity import Principal

    return Principal("sample-officer", "staff", frozenset({"equivalence_officer"}), MINISTRY)


def open_sitting() -> dict[str, str]:
    """The law committee's members set, and a sitting open with one file on its agenda."""
    from datetime import UTC, datetime

    from chalicelib.services.equivalence import sittings

    sittings.set_members(CODE, [dict(m) for m in MEMBERS], datetime.now(UTC))
    case_id = law_file()["case_id"]
    opened = sittings.open_sitting(_officer(), CODE, "2026-03-10", [case_id], "samples")
    return {"code": CODE, "sitting_id": opened.sitting_id}


def closed_sitting() -> dict[str, str]:
    from chalicelib.services.equivalence import sittings

    values = open_sitting()
    record = json.loads(CLOSE_BODY)
    sittings.close_sitting(_officer(), CODE, values["sitting_id"], record, "samples")
    return values


MATRIX: dict[tuple[str, str], Sample] = {
    ("GET", COMMITTEES): Sample(offices=OFFICES),
    ("PUT", MEMBERS_PATH): Sample(path={"code": CODE}, body=json.dumps({"members": MEMBERS})),
    # An agenda with a file the committee does not hold: 422 once through.
    ("POST", SITTINGS): Sample(
        path={"code": CODE}, body='{"held_on": "2026-03-10", "agenda": ["x"]}', offices=OFFICES
    ),
    ("GET", SITTING): Sample(setup=open_sitting, offices=OFFICES),
    ("POST", f"{SITTING}/close"): Sample(setup=open_sitting, body=CLOSE_BODY, offices=OFFICES),
    ("GET", f"{SITTING}/minutes"): Sample(setup=closed_sitting, offices=OFFICES),
}

_OFFICER = {"office": MINISTRY}
LEAST_PRIVILEGE: list[tuple[str, str, str, str | None, int, dict[str, Any]]] = [
    ("GET", COMMITTEES, COMMITTEES, "equivalence_officer", 200, {"claims": _OFFICER}),
    (
        "PUT",
        MEMBERS_PATH,
        f"{COMMITTEES}/{CODE}/members",
        "admin",
        200,
        {"headers": _JSON, "body": json.dumps({"members": MEMBERS})},
    ),
    (
        "POST",
        SITTINGS,
        f"{COMMITTEES}/{CODE}/sittings",
        "equivalence_officer",
        201,
        {
            "setup": law_file,
            "claims": _OFFICER,
            "headers": lambda values: {**_JSON, "Idempotency-Key": f"lp-{values['case_id']}"},
            "body": lambda values: json.dumps(
                {"held_on": "2026-03-10", "agenda": [values["case_id"]]}
            ),
        },
    ),
    (
        "GET",
        SITTING,
        f"{COMMITTEES}/{CODE}/sittings/{{sitting_id}}",
        "committee_member",
        200,
        {"setup": open_sitting, "claims": {"office": CODE}},
    ),
    (
        "POST",
        f"{SITTING}/close",
        f"{COMMITTEES}/{CODE}/sittings/{{sitting_id}}/close",
        "committee_member",
        200,
        {"setup": open_sitting, "claims": {"office": CODE}, "headers": _JSON, "body": CLOSE_BODY},
    ),
    (
        "GET",
        f"{SITTING}/minutes",
        f"{COMMITTEES}/{CODE}/sittings/{{sitting_id}}/minutes",
        "equivalence_officer",
        200,
        {"setup": closed_sitting, "claims": _OFFICER, "headers": {"Accept": "application/pdf"}},
    ),
]

BENCH: dict[tuple[str, str], BenchSample] = {
    ("GET", COMMITTEES): BenchSample(
        role="equivalence_officer",
        office=MINISTRY,
        floor=2,
        why="rate counter, the committees (one BatchGetItem)",
    ),
}
