"""The published statistics count every decision on the merits of each service, on cases
generated through the real machines and read from the cases table's real (moto) stream: an
approval counts once (not again when Massar registers the pupil), a refusal counts, a
consular validation counts, a withdrawal does not; "within the legal time" is the case's own
decision clock, so the days a document was owed move the due date."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from types import MappingProxyType
from typing import Any, NamedTuple

import pytest

from chalicelib.services.bac.machines import COMPLAINT, CORRECTION, GRANT
from chalicelib.services.consular.machines import APPOINTMENT
from chalicelib.services.enrollment.machines import ENROLLMENT
from chalicelib.stats import report, rules
from chalicelib.stats.stream import handle_case_records
from chalicelib.workflow import lifecycle
from chalicelib.workflow.case import Case, Contact, Document
from chalicelib.workflow.engine import Actor
from chalicelib.workflow.machine import Machine
from tests.support.route_samples.enrollment import application
from tests.support.streams import stream_records

OWNER = Actor("owner-decision-stats", frozenset({"citizen"}))
TODAY = rules.local_day(datetime.now(UTC))
# Noon UTC (the same calendar day in Casablanca), 85 days ago: every step below is decided
# inside the published window (whole months, three back).
FILED = datetime.combine(TODAY - timedelta(days=85), time(12), UTC)


class Step(NamedTuple):
    day: int  # after the filing
    action: str
    role: str  # "owner", "staff" or "system"
    data: Mapping[str, Any] = MappingProxyType({})
    reason: str = ""


def generated(
    machine: Machine,
    office: str,
    staff: str,
    steps: Sequence[Step],
    prepare: Callable[[Case], Case] | None = None,
) -> Case:
    """A case filed at FILED (born filed: its clock starts then), ``prepare``d (a document
    attached), then moved by ``steps``. A pre-registration holds a whole application: the
    export its approval queues may be carried out by another test's pump."""
    payload: dict[str, Any] = {}
    if machine is ENROLLMENT:
        body = application(office)
        payload = {"application": body, "level": body["level"], "school_year": "2026-2027"}
    case = lifecycle.open_case(machine, OWNER.subject, office, Contact(), payload, OWNER, FILED)
    case = prepare(case) if prepare else case
    actors = {
        "owner": OWNER,
        "staff": Actor(f"staff-{office}", frozenset({staff}), office),
        "system": Actor.system("massar"),
    }
    for step in steps:
        at = FILED + timedelta(days=step.day)
        current = lifecycle.load(case.id)
        lifecycle.act(machine, current, step.action, actors[step.role], step.data, step.reason, at)
    return lifecycle.load(case.id)


def counted(machine: Machine, office: str, cases: list[Case]) -> tuple[Any, ...]:
    """The figures once the stream records of ``cases`` are handled (twice: nothing twice)."""
    records = stream_records(c.id for c in cases)
    handle_case_records(records + records)
    summary = report.processing_times(machine, office, TODAY).summary
    return summary.decided, summary.within, summary.median_days


def office() -> str:
    return f"ST-{uuid.uuid4().hex[:8].upper()}"


def with_photo(case: Case) -> Case:
    """The child's photo received and checked: what an approval needs."""
    photo = Document(
        "photo1", "photo", "image/png", 1000, "verified", OWNER.subject, "citizen",
        FILED, f"verified/{case.id}/photo1", "ab" * 32, "", "photo.png",
    )  # fmt: skip
    return lifecycle.record(case, "document_checked", OWNER, {}, (photo,), at=FILED)


def document(case: Case, doc_id: str, kind: str) -> Document:
    return Document(
        doc_id, kind, "application/pdf", 1000, "verified", OWNER.subject, "citizen",
        FILED, f"verified/{case.id}/{doc_id}", "ab" * 32, "", "doc.pdf",
    )  # fmt: skip


def with_required(machine: Machine) -> Callable[[Case], Case]:
    """Every document ``machine`` requires received and checked: what an approval needs."""

    def prepare(case: Case) -> Case:
        required = [rule for rule in machine.documents if rule.required]
        documents = tuple(document(case, f"doc{n}", r.kind) for n, r in enumerate(required))
        return lifecycle.record(case, "document_checked", OWNER, {}, documents, at=FILED)

    return prepare


OWED = [Step(2, "request_documents", "staff", reason="which"), Step(12, "complete", "owner")]


def test_enrollment_counts_the_approval_once_and_the_rejection(stack: Any) -> None:
    where, staff = office(), "school_director"
    massar = {"set": {"massar_code": "P123"}}
    registered = [*OWED, Step(65, "approve", "staff"), Step(66, "exported", "system", massar)]
    cases = [
        generated(ENROLLMENT, where, staff, [Step(5, "approve", "staff")], with_photo),
        generated(ENROLLMENT, where, staff, registered, with_photo),
        generated(ENROLLMENT, where, staff, [Step(61, "reject", "staff", reason="sector")]),
        generated(ENROLLMENT, where, staff, [Step(3, "withdraw", "owner")]),
    ]
    assert [c.state for c in cases] == ["approved", "registered", "rejected", "withdrawn"]
    # approval at day 5 (in time); at day 65 after 10 days owed (due at day 70: in time; its
    # registration the next day is not another decision); a rejection at day 61 (late)
    assert counted(ENROLLMENT, where, cases) == (3, 2, 61)


@pytest.mark.parametrize(
    ("machine", "approve"),
    [(CORRECTION, "accept"), (GRANT, "grant"), (COMPLAINT, "accept")],
    ids=["bac_correction", "bac_grant", "bac_complaint"],
)
def test_each_bac_type_counts_its_approvals_and_refusals(
    stack: Any, machine: Machine, approve: str
) -> None:
    where, staff = office(), "exam_officer"
    proven = with_required(machine)  # a bac approval is decided on its documents
    cases = [
        generated(machine, where, staff, [Step(4, approve, "staff")], proven),
        generated(machine, where, staff, [Step(70, "refuse", "staff", reason="no")]),
        # refused while the candidate still owed the document: the clock was paused, in time
        generated(machine, where, staff, [OWED[0], Step(20, "refuse", "staff", reason="no")]),
        generated(machine, where, staff, [*OWED, Step(68, approve, "staff")], proven),  # day 70
    ]
    assert counted(machine, where, cases) == (4, 3, 20)


def test_consular_counts_validations_and_rejections_not_withdrawals(stack: Any) -> None:
    where, staff = office(), "consular_agent"
    back_in_line = [Step(1, "validate", "staff"), Step(2, "join_waiting_list", "owner")]
    cases = [
        generated(APPOINTMENT, where, staff, [Step(1, "validate", "staff")]),
        generated(APPOINTMENT, where, staff, [Step(80, "reject", "staff", reason="no")]),
        generated(APPOINTMENT, where, staff, [*OWED, Step(30, "validate", "staff")]),
        generated(APPOINTMENT, where, staff, [Step(3, "withdraw", "owner")]),
        generated(APPOINTMENT, where, staff, back_in_line),  # one validation, whatever follows
    ]
    assert counted(APPOINTMENT, where, cases) == (4, 3, 1)
