"""How to call this service's routes in the matrix, least-privilege and bench runs."""

from __future__ import annotations

import json
from typing import Any

from bench.calls import Sample as BenchSample
from tests.support.route_samples.matrix import OFFICE, OWNER, OWNER_SUB, Sample

# The file lifecycle (routes.py): applicant, ministry and committees.
APP = "/equivalence/applications"
FILE_BODY: dict[str, Any] = {
    "track": "higher",
    "contact": {"email": "citizen@demo.invalid", "language": "fr"},  # the token's, verified
    "diploma": {
        "title": "Licence en droit",
        "level": "licence",
        "training": "law",
        "institution": "Université de Lyon",
        "institution_country": "FR",
        "study_country": "FR",
        "institution_recognised": True,
        "mode": "in_person",
        "study_years": 3,
        "year_obtained": 2024,
        "national_diploma_sought": "Licence fondamentale en droit",
    },
}


def equivalence_file(state: str = "draft", **changes: Any) -> dict[str, str]:
    """A file of OWNER in OFFICE whose field is OFFICE too (a committee member of OFFICE
    works it once it is with the committee), moved to ``state`` with ``changes`` to its
    payload."""
    from dataclasses import replace

    from chalicelib.services.equivalence.machines import HIGHER
    from chalicelib.store import cases as store
    from chalicelib.workflow import lifecycle
    from chalicelib.workflow.case import Contact, HistoryEntry
    from chalicelib.workflow.engine import Actor

    diploma = {**FILE_BODY["diploma"], "field": OFFICE}
    payload = {"track": "higher", "diploma": diploma, "committee": OFFICE}
    owner = Actor(OWNER, frozenset({"citizen"}))
    case = lifecycle.open_case(HIGHER, OWNER, OFFICE, Contact(), payload, owner)
    if state != "draft":
        payload = {**case.payload, **changes}
        moved = replace(case, state=state, version=2, history_length=2, payload=payload)
        entry = HistoryEntry(2, "matrix", "draft", state, "matrix", "admin", "", case.created_at)
        store.save_transition(case, moved, entry)
    return {"case_id": case.id}


def _with_committee() -> dict[str, str]:
    return equivalence_file("with_committee")


def _checklist_verified() -> dict[str, str]:
    """A draft whose required documents are all uploaded and checked: it may be submitted."""
    from chalicelib.services.equivalence.checklists import case_documents
    from chalicelib.workflow import lifecycle
    from tests.support.route_samples.uploads import verified

    values = equivalence_file()
    for rule in case_documents(lifecycle.load(values["case_id"])):
        if rule.required:
            verified(values["case_id"], rule.kind)
    return values


def _refusal_notified() -> dict[str, str]:
    """A refusal the ministry sent by registered letter (art. 6), its acknowledgement of
    receipt recorded: the review window is open."""
    from datetime import UTC, datetime

    from chalicelib.identity import Principal
    from chalicelib.services.equivalence import service

    at = datetime.now(UTC)
    proposal = {
        "outcome": "refusal",
        "reasons": "Volume horaire insuffisant (critère du cursus)",
        "unmet_criteria": ["curriculum"],
        "step": "with_committee",
    }
    values = equivalence_file("proposed", proposal=proposal)
    officer = Principal("lp-officer", "staff", frozenset({"equivalence_officer"}), OFFICE)
    for action, data in (
        ("decide", {"registered_letter": "RR123456789MA", "decision_date": at.date()}),
        ("record_receipt", {"received_on": at.date(), "proof": "AR n° RR123456789MA"}),
    ):
        service.perform(officer, values["case_id"], action, data, "least-privilege")
    return values


FILE_MATRIX: dict[tuple[str, str], Sample] = {
    ("POST", APP): Sample(body=json.dumps(FILE_BODY)),
    ("POST", f"{APP}/{{case_id}}/submit"): Sample(setup=equivalence_file),  # 409: no documents
    ("POST", f"{APP}/{{case_id}}/complement"): Sample(
        setup=equivalence_file, body='{"message": "pièces jointes"}'
    ),
    ("POST", f"{APP}/{{case_id}}/review-request"): Sample(
        setup=equivalence_file, body='{"reasons": "le volume horaire est complet"}'
    ),
    ("GET", f"{APP}/{{case_id}}/letter"): Sample(setup=equivalence_file),  # 409: no intake yet
    ("GET", f"{APP}/{{case_id}}/decision"): Sample(setup=equivalence_file),  # 409: unpublished
    ("GET", "/equivalence/queue"): Sample(query="limit=5"),
    # An action both officers and committees may take: 200 for the first, 409 after.
    ("POST", f"{APP}/{{case_id}}/actions/{{action}}"): Sample(
        path={"action": "request_complement"},
        setup=_with_committee,
        body='{"reason": "relevés de notes de la 2e année"}',
    ),
}
_OWNER = {"sub": OWNER_SUB}  # the files of equivalence_file() are OWNER's
_JSON = {"Content-Type": "application/json"}


def _key() -> dict[str, str]:
    import uuid

    return {**_JSON, "Idempotency-Key": f"least-privilege-{uuid.uuid4()}"}


def _in(state: str) -> Any:
    return lambda: equivalence_file(state)


# Each row reaches the route's real work: the case read (and its access log), the checks
# against its state, the transition and its notifications where one is allowed.
FILE_LEAST_PRIVILEGE: list[tuple[str, str, str, str | None, int, dict[str, Any]]] = [
    ("POST", APP, APP, "citizen", 201, {"headers": _key(), "body": json.dumps(FILE_BODY)}),
    # The checklist is read (no document uploaded): 409 after the case and documents reads.
    (
        "POST",
        f"{APP}/{{case_id}}/submit",
        f"{APP}/{{case_id}}/submit",
        "citizen",
        409,
        {"setup": equivalence_file, "claims": _OWNER},
    ),
    # The checklist verified: the submission's transition (case, history, audit, outbox).
    (
        "POST",
        f"{APP}/{{case_id}}/submit",
        f"{APP}/{{case_id}}/submit",
        "citizen",
        200,
        {"setup": _checklist_verified, "claims": _OWNER},
    ),
    (
        "POST",
        f"{APP}/{{case_id}}/complement",
        f"{APP}/{{case_id}}/complement",
        "citizen",
        200,
        {
            "setup": _in("complement_requested"),
            "claims": _OWNER,
            "headers": _JSON,
            "body": '{"message": "les relevés de notes"}',
        },
    ),
    (
        "POST",
        f"{APP}/{{case_id}}/review-request",
        f"{APP}/{{case_id}}/review-request",
        "citizen",
        409,
        {
            "setup": _in("refused"),
            "claims": _OWNER,
            "headers": _JSON,
            "body": '{"reasons": "le volume horaire est complet"}',
        },
    ),
    (
        "POST",
        f"{APP}/{{case_id}}/review-request",
        f"{APP}/{{case_id}}/review-request",
        "citizen",
        200,
        {
            "setup": _refusal_notified,
            "claims": _OWNER,
            "headers": _JSON,
            "body": '{"reasons": "le volume horaire est complet"}',
        },
    ),
    (
        "GET",
        f"{APP}/{{case_id}}/letter",
        f"{APP}/{{case_id}}/letter",
        "citizen",
        409,
        {"setup": equivalence_file, "claims": _OWNER},
    ),
    (
        "GET",
        f"{APP}/{{case_id}}/decision",
        f"{APP}/{{case_id}}/decision",
        "citizen",
        409,
        {"setup": equivalence_file, "claims": _OWNER},
    ),
    ("GET", "/equivalence/queue", "/equivalence/queue?limit=5", "equivalence_officer", 200, {}),
    (
        "POST",
        f"{APP}/{{case_id}}/actions/{{action}}",
        f"{APP}/{{case_id}}/actions/request_complement",
        "committee_member",
        200,
        {
            "setup": _with_committee,
            "claims": {"office": OFFICE},
            "headers": _JSON,
            "body": '{"reason": "relevés de notes de la 2e année"}',
        },
    ),
]
FILE_BENCH: dict[tuple[str, str], BenchSample] = {
    ("POST", APP): BenchSample(
        body=FILE_BODY,
        role="citizen",
        floor=3,
        why="rate counter, the reference counter, the case transaction",
    ),
    ("GET", "/equivalence/queue"): BenchSample(
        query={"state": "submitted"},
        role="equivalence_officer",  # a committee sees only the files it holds
        office="MESRSI",
        floor=4,
        why="rate counter, the queue (one index Query), the reader's audit chain: its head "
        "and the new record",
    ),
}

# The public reference library (library_routes.py).
IMPORT = "/equivalence/decisions/import"
IMPORT_JOB = "/equivalence/decisions/imports/{job_id}"


def finished_import_job() -> dict[str, str]:
    """A job that ended (no lock held: the other samples and tests may still import)."""
    import uuid
    from datetime import UTC, datetime

    from chalicelib.services.equivalence.library.import_jobs import KIND, SCOPE
    from chalicelib.store.binding import bound
    from chalicelib.store.jobs import JobItem, job_pk

    job_id = uuid.uuid4().hex
    bound(JobItem)(
        pk=job_pk(job_id),
        job_id=job_id,
        kind=KIND,
        scope=SCOPE,
        params='{"key": "imports/equivalence/matrix.csv", "format": "csv", "replace": false}',
        state="failed",
        requested_by="matrix",
        created_at=datetime.now(UTC),
        failure="matrix sample",
    ).save()
    return {"job_id": job_id}


LIBRARY_MATRIX: dict[tuple[str, str], Sample] = {
    ("GET", "/equivalence/references"): Sample(),
    ("GET", "/equivalence/procedures"): Sample(query="track=higher&level=licence&training=law"),
    ("GET", "/equivalence/guide"): Sample(),
    ("GET", "/equivalence/decisions"): Sample(query="q=medecine&country=FR"),
    # A file that is not there: the admin gets through (422 names body.key).
    ("POST", IMPORT): Sample(body='{"key": "imports/equivalence/matrix.csv"}'),
    ("GET", IMPORT_JOB): Sample(setup=finished_import_job),
}
MATRIX: dict[tuple[str, str], Sample] = {**LIBRARY_MATRIX, **FILE_MATRIX}


def _uploaded_import() -> dict[str, str]:
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    body = b"number,diploma\n"  # the request checks the file is there; the job reads it
    bucket = get_settings().documents_bucket
    client("s3").put_object(Bucket=bucket, Key="imports/equivalence/lp.csv", Body=body)
    return {}


def _built_guide() -> dict[str, str]:
    from chalicelib.services.equivalence.library import guide

    guide.build()
    return {}


LIBRARY_LEAST_PRIVILEGE: list[tuple[str, str, str, str | None, int, dict[str, Any]]] = [
    ("GET", "/equivalence/references", "/equivalence/references", None, 200, {}),
    (
        "GET",
        "/equivalence/procedures",
        "/equivalence/procedures?track=school&level=bts&training=technical",
        None,
        200,
        {},
    ),
    (
        "GET",
        "/equivalence/guide",
        "/equivalence/guide",
        None,
        200,
        # built ahead, as make run and the deploy do: the route reads public/equivalence/
        {"headers": {"Accept": "application/pdf"}, "setup": _built_guide},
    ),
    ("GET", "/equivalence/decisions", "/equivalence/decisions?q=medecine&limit=5", None, 200, {}),
    # Queues the import: HeadObject on the file, the job's item with its lock, SendMessage.
    # The job's own calls (the handler's) are checked against the policy by
    # tests/integration/equivalence_library/test_eqlib_import_jobs.py (the same runner).
    (
        "POST",
        IMPORT,
        IMPORT,
        "admin",
        202,
        {
            "setup": _uploaded_import,
            "headers": _key(),
            "body": '{"key": "imports/equivalence/lp.csv"}',
        },
    ),
    (
        "GET",
        IMPORT_JOB,
        "/equivalence/decisions/imports/{job_id}",
        "admin",
        200,
        {"setup": finished_import_job},
    ),
]
LEAST_PRIVILEGE: list[tuple[str, str, str, str | None, int, dict[str, Any]]] = [
    *LIBRARY_LEAST_PRIVILEGE,
    *FILE_LEAST_PRIVILEGE,
]
LIBRARY_BENCH: dict[tuple[str, str], BenchSample] = {
    ("GET", "/equivalence/procedures"): BenchSample(
        query={"track": "higher", "level": "doctorate_medicine", "training": "health"},
        floor=0,
        why="the procedures are data in the package",
    ),
    ("GET", "/equivalence/decisions"): BenchSample(
        query={"q": "دكتوراه الطب", "country": "EG"},
        floor=0,
        why="an index in memory, loaded once per container",
    ),
}
BENCH: dict[tuple[str, str], BenchSample] = {**LIBRARY_BENCH, **FILE_BENCH}
