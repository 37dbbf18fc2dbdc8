"""How to call this service's routes in the matrix, least-privilege and bench runs.

Citizen routes name no object: the candidate is whoever the token's CNIe number names (the
matrix's citizens carry DEMO123456), so they take no setup; without a candidate record they
answer 409 ``bac-not-a-candidate``, which is the route working, not refusing the caller.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.calls import Sample as BenchSample
from tests.support.route_samples.matrix import OFFICE, OWNER, Sample

GRANT = {
    "household_size": 5,
    "income_bracket": "under_2000",
    "children": 3,
    "father_job": "ouvrier",
    "mother_job": "",
    "region": "ORIENTAL",
}
COMPLAINT = {"subject": "math", "error": "addition", "description": "Total de la copie faux."}
UNKNOWN_CODE = "S" + "z" * 32


def a_share() -> dict[str, str]:
    """A share of OWNER's (its certificate need not exist to be revoked)."""
    from chalicelib.services.bac import certificates
    from chalicelib.store.bac import certificates as certificate_store

    code = certificates.new_share_code()
    now = datetime.now(UTC)
    share = certificate_store.Share(
        certificates.share_id(code),
        code,
        OWNER,
        uuid.uuid4().hex,
        "matrix",
        now,
        now + timedelta(days=1),
        None,
        0,
        [],
    )
    certificate_store.save_share(share)
    return {"share_id": share.share_id}


def a_grant_case() -> dict[str, str]:
    """A grant application of OWNER's, with the exam office of OFFICE."""
    from chalicelib.services.bac.machines import GRANT as MACHINE
    from chalicelib.workflow import lifecycle
    from chalicelib.workflow.case import Contact
    from chalicelib.workflow.engine import Actor

    owner = Actor(OWNER, frozenset({"citizen"}))
    case = lifecycle.open_case(MACHINE, OWNER, OFFICE, Contact(), dict(GRANT), owner)
    return {"case_id": case.id, "action": "grant"}


def a_finished_job(year: int = 2026, academy: str = OFFICE) -> dict[str, str]:
    """An import job of the academy's session that ended (no lock held)."""
    from chalicelib.services.bac import jobs
    from chalicelib.store.binding import bound
    from chalicelib.store.jobs import JobItem, job_pk

    job_id = uuid.uuid4().hex
    bound(JobItem)(
        pk=job_pk(job_id),
        job_id=job_id,
        kind="bac.candidates_import",
        scope=jobs.job_scope(year, academy),
        params=json.dumps({"year": year, "academy": academy, "key": "imports/bac/m.csv"}),
        state="failed",
        requested_by="matrix",
        created_at=datetime.now(UTC),
        failure="matrix sample",
    ).save()
    return {"year": str(year), "job_id": job_id}


MATRIX: dict[tuple[str, str], Sample] = {
    ("POST", "/bac/sessions/{year}/results/import"): Sample(
        path={"year": "2026"}, body='{"key": "imports/bac/matrix-no-such-list.csv"}'
    ),
    ("POST", "/bac/sessions/{year}/publish"): Sample(path={"year": "2026"}, body="{}"),
    ("GET", "/bac/sessions/{year}/jobs/{job_id}"): Sample(setup=a_finished_job),
    ("GET", "/bac/me"): Sample(),
    ("POST", "/bac/me/verification"): Sample(body='{"action": "confirm"}'),
    ("GET", "/bac/me/convocation"): Sample(),
    ("POST", "/bac/grants"): Sample(body=json.dumps(GRANT)),
    ("GET", "/bac/me/results"): Sample(),
    ("POST", "/bac/complaints"): Sample(body=json.dumps(COMPLAINT)),
    ("GET", "/bac/me/certificate"): Sample(),
    ("GET", "/bac/me/certificate/shares"): Sample(),
    ("POST", "/bac/me/certificate/shares"): Sample(body='{"recipient": "matrix", "days": 5}'),
    ("DELETE", "/bac/me/certificate/shares/{share_id}"): Sample(setup=a_share),
    ("GET", "/public/certificates/{code}"): Sample(path={"code": UNKNOWN_CODE}),
    ("GET", "/bac/queue"): Sample(query="type=bac_grant"),
    ("POST", "/bac/cases/{case_id}/actions/{action}"): Sample(
        setup=a_grant_case, body='{"reason": ""}'
    ),
    ("POST", "/bac/cases/{case_id}/complete"): Sample(setup=a_grant_case, body="{}"),
}

# Each row reaches the route's real work on the demo data (scripts/demo/bac.py: a published
# session of DEMO-ACADEMY this year, whose candidate DEMO123456 is admitted, DEMO654321 not).
_CANDIDATE = {"acr": "cnie", "cnie": "DEMO123456", "sub": "lp-DEMO123456"}  # _principal()
_OFFICER = {"office": "DEMO-ACADEMY"}
_JSON = {"Content-Type": "application/json"}


def _key() -> dict[str, str]:
    return {**_JSON, "Idempotency-Key": f"least-privilege-{uuid.uuid4()}"}


def _principal(cnie: str = "DEMO123456") -> Any:
    from chalicelib.identity import Principal, identity

    return Principal(
        identity("citizen", f"lp-{cnie}"), "citizen", frozenset({"citizen"}), acr="cnie", cnie=cnie
    )


def _seeded() -> dict[str, str]:
    """The demo session, imported and published through the service (safe to run twice)."""
    from scripts.demo import bac as demo

    demo.seed({})
    return {"year": str(datetime.now(UTC).year)}


def _uploaded_list() -> dict[str, str]:
    """A list in the bucket for next year's session (this year's lock is the publication's)."""
    from scripts.demo import bac as demo

    demo.upload([demo.row()], "least-privilege")
    return {"year": str(datetime.now(UTC).year + 1)}


def _demo_share() -> dict[str, str]:
    from chalicelib.services.bac import certificates

    _seeded()
    share = certificates.create_share(_principal(), "least privilege", 5)
    return {"share_id": share.share_id, "code": share.code}


def _demo_grant_case() -> dict[str, str]:
    from chalicelib.services.bac import service

    _seeded()
    case = service.apply_for_grant(_principal(), dict(GRANT))
    return {"case_id": case.id}


def _demo_complaint_owing() -> dict[str, str]:
    """A complaint the exam office asked a document for: what the candidate's answer needs
    (a complaint, as each demo candidate's one grant of the session is another row's)."""
    from chalicelib.identity import Principal
    from chalicelib.services.bac import service
    from chalicelib.services.bac.machines import COMPLAINT as MACHINE
    from chalicelib.workflow import actions

    _seeded()
    said = COMPLAINT
    case = service.complain(_principal(), said["subject"], said["error"], said["description"])
    officer = Principal("lp-officer", "staff", frozenset({"exam_officer"}), "DEMO-ACADEMY")
    actions.perform(MACHINE, officer, case.id, "request_documents", {}, "La copie annotée", "lp")
    return {"case_id": case.id}


def _demo_job() -> dict[str, str]:
    return a_finished_job(datetime.now(UTC).year, "DEMO-ACADEMY")


def _row(
    method: str, path: str, status: int, url: str = "", role: str = "citizen", **extra: Any
) -> tuple[str, str, str, str | None, int, dict[str, Any]]:
    if role == "citizen":
        extra.setdefault("claims", _CANDIDATE)
    elif role == "exam_officer":
        extra.setdefault("claims", _OFFICER)
    extra.setdefault("setup", _seeded)
    return (method, path, url or path, role or None, status, extra)


LEAST_PRIVILEGE: list[tuple[str, str, str, str | None, int, dict[str, Any]]] = [
    _row("GET", "/bac/me", 200),
    _row(
        "POST",
        "/bac/me/verification",
        200,
        headers=_key(),
        body='{"action": "confirm"}',
    ),
    _row("GET", "/bac/me/convocation", 200, headers={"Accept": "application/pdf"}),
    _row(
        "POST",
        "/bac/grants",
        201,
        claims={"acr": "cnie", "cnie": "DEMO654321"},  # DEMO123456's is the action row's
        headers=_key(),
        body=json.dumps(GRANT),
    ),
    _row("GET", "/bac/me/results", 200),
    _row("POST", "/bac/complaints", 201, headers=_key(), body=json.dumps(COMPLAINT)),
    # The signed certificate: KMS Sign with the signing key.
    _row("GET", "/bac/me/certificate", 200),
    _row("GET", "/bac/me/certificate/shares", 200),
    _row(
        "POST",
        "/bac/me/certificate/shares",
        201,
        headers=_key(),
        body='{"recipient": "least privilege", "days": 5}',
    ),
    _row(
        "DELETE",
        "/bac/me/certificate/shares/{share_id}",
        204,
        "/bac/me/certificate/shares/{share_id}",
        setup=_demo_share,
    ),
    # Queues the import job (HeadObject on the list, the job's item, SendMessage).
    _row(
        "POST",
        "/bac/sessions/{year}/results/import",
        202,
        "/bac/sessions/{year}/results/import",
        role="exam_officer",
        setup=_uploaded_list,
        headers=_key(),
        body='{"key": "imports/bac/least-privilege.csv"}',
    ),
    # Queues the publication job of the seeded session.
    _row(
        "POST",
        "/bac/sessions/{year}/publish",
        202,
        "/bac/sessions/{year}/publish",
        role="exam_officer",
        headers=_key(),
        body="{}",
    ),
    _row(
        "GET",
        "/bac/sessions/{year}/jobs/{job_id}",
        200,
        "/bac/sessions/{year}/jobs/{job_id}",
        role="exam_officer",
        setup=_demo_job,
    ),
    # A real share's code: the verification counts (UpdateItem) and answers "valid".
    _row(
        "GET",
        "/public/certificates/{code}",
        200,
        "/public/certificates/{code}",
        role="",
        setup=_demo_share,
    ),
    _row("GET", "/bac/queue", 200, "/bac/queue?type=bac_grant", role="exam_officer"),
    # Refusing a grant application: the transition, its notification in the outbox.
    _row(
        "POST",
        "/bac/cases/{case_id}/complete",
        200,
        setup=_demo_complaint_owing,
        headers=_JSON,
        body="{}",
    ),
    _row(
        "POST",
        "/bac/cases/{case_id}/actions/{action}",
        200,
        "/bac/cases/{case_id}/actions/refuse",
        role="exam_officer",
        setup=_demo_grant_case,
        headers=_JSON,
        body='{"reason": "Revenus au-dessus du plafond."}',
    ),
]

# The bench's stack holds the demo data (scripts/demo/bac.py): its citizen tokens carry the
# CNIe number of a published, admitted demo candidate of DEMO-ACADEMY.
_DEMO_ACADEMY = "DEMO-ACADEMY"
# Floors (bench/routes.py says how they are counted).
_TRANSITION = "rate counter, the case (one Query), the transition (one TransactWriteItems)"
_LIST = (
    "rate counter, the queue (one index Query), the reader's audit chain: its head (Query) "
    "and the new record"
)
BENCH: dict[tuple[str, str], BenchSample] = {
    ("POST", "/bac/sessions/{year}/results/import"): BenchSample(
        path={"year": "2026"},
        body={"key": "imports/bac/bench-no-such-list.csv"},
        office=_DEMO_ACADEMY,
        floor=2,
        why="rate counter, the import job (the rows are read by the job)",
    ),
    ("POST", "/bac/me/verification"): BenchSample(
        body={"action": "confirm"},
        floor=3,
        why="rate counter, the candidate by CNIe (index Query), the confirmation",
    ),
    ("POST", "/bac/grants"): BenchSample(
        body=GRANT,
        floor=4,
        why="rate counter, the candidate, the reference counter, the case transaction",
    ),
    ("POST", "/bac/complaints"): BenchSample(
        body=COMPLAINT,
        floor=5,
        why="rate counter, the candidate, the session (its complaint window), the reference "
        "counter, the case transaction",
    ),
    ("POST", "/bac/me/certificate/shares"): BenchSample(
        body={"recipient": "bench", "days": 5},
        floor=6,
        why="rate counter, the daily share limit, the candidate, the session (published), "
        "the certificate, the share",
    ),
    ("DELETE", "/bac/me/certificate/shares/{share_id}"): BenchSample(
        path={"share_id": "0" * 32},
        floor=3,
        why="rate counter, the share (its holder), its revocation",
    ),
    ("GET", "/public/certificates/{code}"): BenchSample(
        path={"code": UNKNOWN_CODE}, floor=2, why="the caller's rate counter, the share"
    ),
    ("GET", "/bac/queue"): BenchSample(
        query={"type": "bac_grant"}, office=_DEMO_ACADEMY, floor=4, why=_LIST
    ),
    ("POST", "/bac/cases/{case_id}/actions/{action}"): BenchSample(
        path={"case_id": "x", "action": "grant"},
        body={"reason": ""},
        office=_DEMO_ACADEMY,
        floor=3,
        why=_TRANSITION,
    ),
}
