"""Bench samples of the routes that have none in tests/support/route_samples (BENCH there)
or bench/consular.py: how ``make bench`` calls each, and its floor.

The floor is the fewest DynamoDB calls the route's contract needs on the sampled path, warm
(caches filled), with a one-line why. Counted the same way everywhere:

- a signed-in call takes one call for its rate counter (IDENTITY_CALLS_PER_MINUTE), an
  UpdateItem nothing can fold into another request;
- a case, its history and clocks are one partition: one Query reads them;
- a transition is one TransactWriteItems (case, history, outbox, audit) after that read;
- a new case needs its human reference (EQ-2026-000123) from an atomic counter before the
  transaction that writes it: one UpdateItem more;
- a staff read of a citizen's file writes an audit record (DESIGN.md, 5): one PutItem.

``matrix=True`` calls the route as tests/e2e/test_authorization_matrix.py does: its setup
makes a fresh object before each call, owned by the matrix's citizen, in its office.
"""

from __future__ import annotations

import itertools
import json

from bench.calls import Sample
from tests.support.route_samples.enrollment import (
    GUARDIAN_CNIE,
    application,
    documents_requested,
    filed,
    seed_school,
)
from tests.support.route_samples.equivalence import _refusal_notified, equivalence_file

CASE = "/cases/{case_id}"
ENROLL = "/enrollment/applications/{application_id}"
EQ = "/equivalence/applications/{case_id}"
COMMITTEE = "/equivalence/committees/{code}"
SITTING = COMMITTEE + "/sittings/{sitting_id}"

FILING_SCHOOL = "BENCH-FILING"
_guardians = itertools.count()


def _to_file() -> dict[str, str]:
    """A new guardian (one request per child) and a valid request at a seeded school."""
    seed_school(FILING_SCHOOL)
    body = application(FILING_SCHOOL)
    return {"sub": f"bench-guardian-{next(_guardians)}", "body": json.dumps(body)}


SCHOOL_AFTER = (
    "the school is read after the transaction, for the answer's and the notice's school "
    "name: one GetItem a per-container cache of the school map would save"
)


def _documents_checked() -> dict[str, str]:
    """An equivalence draft whose required documents are uploaded and checked."""
    from chalicelib.services.equivalence.checklists import case_documents
    from chalicelib.workflow import lifecycle
    from tests.support.route_samples.uploads import verified

    values = equivalence_file()
    for rule in case_documents(lifecycle.load(values["case_id"])):
        if rule.required:
            verified(values["case_id"], rule.kind)
    return values


def _document_checked() -> dict[str, str]:
    """An equivalence draft with its diploma uploaded and checked: the document's id."""
    from chalicelib.workflow import lifecycle
    from tests.support.route_samples.uploads import verified

    values = equivalence_file()
    verified(values["case_id"], "diploma")
    document = next(d for d in lifecycle.load(values["case_id"]).documents if d.kind == "diploma")
    return {**values, "document_id": document.id}


def _submitted() -> dict[str, str]:
    """An equivalence file submitted by its owner (its receipt exists)."""
    from chalicelib.services.equivalence.machines import HIGHER
    from chalicelib.workflow import lifecycle
    from chalicelib.workflow.engine import Actor
    from tests.support.route_samples.matrix import OWNER

    values = _documents_checked()
    lifecycle.act(
        HIGHER,
        lifecycle.load(values["case_id"]),
        "submit",
        Actor(OWNER, frozenset({"citizen"})),
        {},
    )
    return values


def _photo_checked() -> dict[str, str]:
    """A filed pre-registration whose photo arrived and was checked: it may be approved."""
    from tests.support.route_samples.uploads import PNG, verified

    values = filed()
    verified(values["application_id"], "photo", PNG)
    return values


STATIC = "served from the package or memory: no table read"
READ_CASE = "rate counter, the case and its history (one Query)"
TRANSITION = "rate counter, the case (one Query), the transition (one TransactWriteItems)"

BENCH: dict[tuple[str, str], Sample] = {
    # Platform
    ("GET", "/health"): Sample(floor=0, why="the dependency check is cached per container"),
    ("GET", "/.well-known/jwks.json"): Sample(floor=0, why="a KMS public key, cached"),
    ("GET", "/openapi.json"): Sample(floor=0, why=STATIC),
    ("GET", "/docs"): Sample(floor=0, why=STATIC),
    ("GET", "/public/stats/processing-times"): Sample(
        query={"service": "enrollment"}, floor=1, why="the service's month buckets: one Query"
    ),
    # Cases (any type): the matrix's demo case, read by its owner.
    ("GET", "/me/cases"): Sample(
        role="citizen", floor=2, why="rate counter, the owner's cases (one index Query)"
    ),
    ("GET", CASE): Sample(matrix=True, floor=2, why=READ_CASE),
    ("GET", CASE + "/access-log"): Sample(
        matrix=True,
        floor=3,
        why="rate counter, the case (ownership), its audit partition (one Query)",
        over="transitions (T#) and reads (R#) of the same audit partition are read by two "
        "Queries; one Query of the partition would serve both",
    ),
    ("GET", CASE + "/receipt"): Sample(
        matrix=True, setup=_submitted, floor=2, why=READ_CASE + " (the receipt is made from it)"
    ),
    ("POST", CASE + "/documents"): Sample(
        matrix=True,
        setup=equivalence_file,  # a case type that takes documents
        body={"kind": "diploma", "content_type": "application/pdf", "size": 1000},
        floor=3,
        why="rate counter, the case, the pending document written with a version check",
    ),
    ("GET", CASE + "/documents/{document_id}"): Sample(
        matrix=True,
        setup=_document_checked,
        floor=2,
        why=READ_CASE + " (documents live in the case)",
    ),
    # Baccalaureate: the demo candidate of the seeded data (its CNIe is the token's).
    ("GET", "/bac/me"): Sample(
        role="citizen", floor=2, why="rate counter, the candidate by CNIe (one index Query)"
    ),
    ("GET", "/bac/me/convocation"): Sample(
        role="citizen", floor=2, why="rate counter, the candidate (convocation from its record)"
    ),
    ("GET", "/bac/me/results"): Sample(
        role="citizen", floor=2, why="rate counter, the candidate with its published results"
    ),
    ("GET", "/bac/me/certificate"): Sample(
        role="citizen",
        floor=5,
        why="rate counter, the candidate, the session (published), the certificate, its "
        "shares (listed with it); the session is read twice today",
    ),
    ("GET", "/bac/me/certificate/shares"): Sample(
        role="citizen", floor=2, why="rate counter, the holder's shares (one Query)"
    ),
    ("POST", "/bac/cases/{case_id}/complete"): Sample(matrix=True, floor=3, why=TRANSITION),
    ("GET", "/bac/sessions/{year}/jobs/{job_id}"): Sample(
        matrix=True, floor=2, why="rate counter, the job item"
    ),
    ("POST", "/bac/sessions/{year}/publish"): Sample(
        matrix=True, floor=3, why="rate counter, the session, its publication (one write)"
    ),
    # Pre-registration: a filed application of the matrix's citizen at its school.
    ("POST", "/enrollment/applications"): Sample(
        setup=_to_file,
        role="citizen",
        cnie=GUARDIAN_CNIE,
        idempotency_key=True,  # required there
        floor=7,
        why="rate counter, the idempotency record (claimed, then completed), the school, the "
        "guardian's contacts, the reference counter, the case transaction; the school is "
        "read twice today",
    ),
    ("POST", ENROLL + "/approve"): Sample(
        matrix=True, setup=_photo_checked, floor=3, why=TRANSITION, over=SCHOOL_AFTER
    ),
    ("POST", ENROLL + "/reject"): Sample(
        matrix=True,
        floor=4,
        why=TRANSITION + "; the school (the reason's facts); read twice today",
    ),
    ("POST", ENROLL + "/request-documents"): Sample(
        matrix=True, floor=3, why=TRANSITION, over=SCHOOL_AFTER
    ),
    ("POST", ENROLL + "/withdraw"): Sample(matrix=True, floor=3, why=TRANSITION, over=SCHOOL_AFTER),
    ("POST", ENROLL + "/complete"): Sample(
        matrix=True, setup=documents_requested, floor=3, why=TRANSITION, over=SCHOOL_AFTER
    ),
    ("POST", "/enrollment/schools/import"): Sample(
        matrix=True,
        floor=3,
        why="rate counter, each school as it was (one row here), one transaction",
    ),
    # Equivalence: files of the matrix's citizen.
    ("GET", "/equivalence/references"): Sample(floor=0, why=STATIC),
    ("GET", "/equivalence/guide"): Sample(
        accept="application/pdf", floor=0, why="a PDF from S3, cached per container"
    ),
    ("POST", EQ + "/submit"): Sample(
        matrix=True, setup=_documents_checked, floor=3, why=TRANSITION
    ),
    ("POST", EQ + "/complement"): Sample(
        matrix=True,
        setup=lambda: equivalence_file("complement_requested"),
        floor=3,
        why=TRANSITION,
    ),
    ("POST", EQ + "/review-request"): Sample(
        matrix=True, setup=_refusal_notified, floor=3, why=TRANSITION
    ),
    ("POST", EQ + "/actions/{action}"): Sample(matrix=True, floor=3, why=TRANSITION),
    ("GET", EQ + "/letter"): Sample(matrix=True, floor=2, why=READ_CASE),
    ("GET", EQ + "/decision"): Sample(matrix=True, floor=2, why=READ_CASE),
    ("POST", "/equivalence/decisions/import"): Sample(
        matrix=True, floor=2, why="rate counter, the import job"
    ),
    ("GET", "/equivalence/decisions/imports/{job_id}"): Sample(
        matrix=True, floor=2, why="rate counter, the job item"
    ),
    ("PUT", COMMITTEE + "/members"): Sample(
        matrix=True, floor=2, why="rate counter, the committee item written whole"
    ),
    ("POST", COMMITTEE + "/sittings"): Sample(
        matrix=True, floor=3, why="rate counter, the committee (membership), the sitting"
    ),
    ("GET", SITTING): Sample(
        matrix=True, floor=3, why="rate counter, the committee (membership), the sitting"
    ),
    ("POST", SITTING + "/close"): Sample(
        matrix=True,
        floor=7,
        why="rate counter, the sitting, the committee, each file of the agenda (one here), "
        "the reader's audit chain (head and record), the closing",
    ),
    ("GET", SITTING + "/minutes"): Sample(
        matrix=True,
        accept="application/pdf",
        floor=3,
        why="rate counter, the committee (membership), the sitting",
    ),
    # eTimbre
    ("GET", "/etimbre/fees"): Sample(floor=0, why=STATIC),
}
