"""Demo equivalence files for ``make run``, moved through the service's own use cases (so
each has its history, its checked documents, its notifications and its audit records).
Every file says it is demo data (the diploma's ``demo`` note, the contact's name). Safe to
run twice: a demo citizen who already has files gets no more.

- ``demo-eq-amina``: a granted equivalence published in the BO (letter and decision copy
  to download, a review possible for 60 days), and a draft of the school track (BTS).
- ``demo-eq-youssef``: a file submitted to the ministry (MESRSI's intake queue), and one
  with the law committee (its queue; the committee proposes).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

NOTICE = "DEMO DATA (scripts/demo/equivalence_files.py): no real person or diploma."
AMINA, YOUSSEF = "demo-eq-amina", "demo-eq-youssef"
OFFICER_OFFICE, COMMITTEE = "MESRSI", "law"
ASSESSMENT = {
    c: {"rating": "meets", "note": "conforme (démo)"}
    for c in ("curriculum", "study_path", "admission_conditions", "supervision", "assessment")
}


def _pdf() -> bytes:
    from chalicelib.documents.pdf.page import BilingualPage

    page = BilingualPage(title="Pièce de démonstration")
    page.pair("DONNÉES DE DÉMONSTRATION", "معطيات للعرض", size=14, bold=True)
    return page.output()


def _diploma(**changes: Any) -> dict[str, Any]:
    return {
        "title": "Licence en droit privé (démo)",
        "level": "licence",
        "training": "law",
        "institution": "Université Paris 1 Panthéon-Sorbonne",
        "institution_country": "FR",
        "study_country": "FR",
        "institution_recognised": True,
        "mode": "in_person",
        "study_years": 3,
        "year_obtained": 2023,
        "national_diploma_sought": "Licence fondamentale en droit privé",
        "demo": NOTICE,
        **changes,
    }


def _principal(subject: str, role: str, office: str = "") -> Any:
    from chalicelib.identity import Principal, identity

    kind = "citizen" if role == "citizen" else "staff"
    return Principal(identity(kind, subject), kind, frozenset({role}), office=office)


def _attach(case_id: str, kind: str, who: Any) -> None:
    """Declare a document, put its file where the browser would, and run the upload check."""
    from chalicelib.documents import checks, uploads
    from chalicelib.services.equivalence import service
    from chalicelib.settings import get_settings
    from chalicelib.store.equivalence_library import index_files
    from chalicelib.workflow import access, lifecycle

    case = lifecycle.load(case_id)
    assert case is not None
    content = _pdf()
    document, _ = uploads.attach(
        service.machine_of(case), case, access.actor_of(who), kind, "application/pdf", len(content)
    )
    index_files.put_object(document.key, content, "application/pdf")
    checks.check_uploaded(get_settings().documents_bucket, document.key)


def _filed(citizen: Any, **changes: Any) -> str:
    """A draft with its checklist uploaded and checked, then submitted."""
    from chalicelib.documents.checklist import checklist
    from chalicelib.services.equivalence import service
    from chalicelib.workflow import lifecycle

    draft = _draft(citizen, "higher", **changes)
    case = lifecycle.load(draft)
    assert case is not None
    for item in checklist(service.machine_of(case), case):
        if item.required:
            _attach(draft, item.kind, citizen)
    service.submit(citizen, draft, "demo-seed")
    return draft


def _draft(citizen: Any, track: str, **changes: Any) -> str:
    from chalicelib.services.equivalence import service
    from chalicelib.workflow.case import Contact

    sub = citizen.subject.removeprefix("citizen:")
    name = "Amina (démo)" if sub == AMINA else "Youssef (démo)"
    contact = Contact(f"{sub}@demo.invalid", "", "fr", name)
    return service.open_draft(citizen, track, contact, _diploma(**changes)).id


def _to_committee(case_id: str) -> None:
    from chalicelib.services.equivalence import service

    officer = _principal("demo-eq-officer", "equivalence_officer", OFFICER_OFFICE)
    service.perform(officer, case_id, "accept_file", {}, "demo-seed")
    _attach(case_id, "expertise_report", officer)
    service.perform(officer, case_id, "refer", {}, "demo-seed")


def _granted(case_id: str) -> None:
    from chalicelib.services.equivalence import service

    officer = _principal("demo-eq-officer", "equivalence_officer", OFFICER_OFFICE)
    committee = _principal("demo-eq-committee", "committee_member", COMMITTEE)
    proposal = {
        "outcome": "equivalence",
        "national_diploma": "Licence fondamentale en droit privé",
        "assessment": ASSESSMENT,
    }
    service.perform(committee, case_id, "propose", proposal, "demo-seed")
    today = datetime.now(UTC).date().isoformat()
    order = {"order_number": "DEMO-1.26", "order_date": today}
    service.perform(officer, case_id, "decide", order, "demo-seed")
    bo = {"bo_number": "DEMO-7480", "bo_date": today, "bo_page": 1}
    service.perform(officer, case_id, "publish", bo, "demo-seed")
    # art. 6: the 60 days of review run from the notification's day, recorded by the office
    receipt = {"received_on": today, "proof": "DEMO: accusé de réception"}
    service.perform(officer, case_id, "record_receipt", receipt, "demo-seed")


def _has_files(subject: str) -> bool:
    from chalicelib.store import cases as store

    page = store.of_owner(f"citizen:{subject}", 20, None)
    return any(c.case_type.startswith("equivalence") for c in page.cases)


def seed_files() -> list[str]:
    amina, youssef = _principal(AMINA, "citizen"), _principal(YOUSSEF, "citizen")
    if not _has_files(AMINA):
        granted = _filed(amina)
        _to_committee(granted)
        _granted(granted)
        _draft(amina, "school", level="bts", training="technical", title="BTS (démo)")
    if not _has_files(YOUSSEF):
        _filed(youssef, institution="Université de Montréal", institution_country="CA")
        with_committee = _filed(youssef, title="Licence en droit public (démo)")
        _to_committee(with_committee)
    return [
        "4 DEMO equivalence files: granted+published and a draft (make -s token ROLE=citizen"
        f" SUB={AMINA}), submitted and with the committee (ROLE=citizen SUB={YOUSSEF})",
        "  their staff: make -s token ROLE=equivalence_officer OFFICE=MESRSI (queue state="
        "submitted), ROLE=committee_member OFFICE=law (queue state=with_committee)",
    ]
