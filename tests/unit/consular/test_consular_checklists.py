"""A request's checklist (decision 37): its service's documents, the proof of the tie when a
guardian files for a minor; what is missing before the validation."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.services.consular import checklists
from chalicelib.services.consular.machines import APPOINTMENT
from chalicelib.workflow.case import Case, Contact, Document

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def request(service: str, person: dict[str, str] | None = None, *kinds: str) -> Case:
    documents = tuple(
        Document(f"d{n}", k, "application/pdf", 10, "verified", "o", "citizen", NOW, "k")
        for n, k in enumerate(kinds)
    )
    payload = {"service": service, **({"person": person} if person else {})}
    return Case(
        "c1", "RDV-2026-000001", "consular_appointment", "o", "FR-PAR", "submitted", 1, NOW,
        NOW, Contact(), payload, documents=documents,
    )  # fmt: skip


def test_each_service_has_its_own_checklist() -> None:
    passport = checklists.case_documents(request("passport"))
    assert [(r.kind, r.required) for r in passport] == [
        ("id_copy", True),
        ("photo", True),
        ("proof_of_residence", True),
        ("old_passport", False),
    ]
    legalisation = [r.kind for r in checklists.case_documents(request("legalisation"))]
    assert legalisation == ["id_copy", "document"]
    assert checklists.case_documents(request("unknown")) == ()
    # The machine's own list takes every kind any request may take, none required there.
    kinds = {r.kind for r in APPOINTMENT.documents}
    assert {"family_book", "guardianship_deed", "photo"} <= kinds
    assert not any(r.required for r in APPOINTMENT.documents)


def test_a_minor_s_request_needs_the_proof_of_the_tie() -> None:
    child = checklists.case_documents(request("passport", {"relation": "child"}))
    assert child[-1].kind == "birth_certificate" and child[-1].required
    ward = checklists.case_documents(request("passport", {"relation": "ward"}))
    assert ward[-1].kind == "guardianship_deed"
    # A service that asks for a birth certificate already asks for it once: the minor's.
    cnie = [r.kind for r in checklists.case_documents(request("cnie", {"relation": "child"}))]
    assert cnie.count("birth_certificate") == 1


def test_what_is_missing_is_what_has_no_verified_copy() -> None:
    case = request("passport", None, "photo", "old_passport")
    assert checklists.missing(case) == ["id_copy", "proof_of_residence"]
    assert checklists.unknown_kinds(case, ["photo", "family_book"]) == ["family_book"]
    assert checklists.titles(case, ["photo", "id_copy"], "en") == (
        "Recent ID photo; Copy of the national ID card"
    )
    assert APPOINTMENT.transition("validate") is not None
    guard = APPOINTMENT.transition("validate").guard  # type: ignore[union-attr]
    assert guard is not None and "id_copy" in str(guard(case, {}))
