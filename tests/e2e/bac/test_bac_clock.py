"""The decision clock (law 55.19) of the baccalaureate's three case types through HTTP with
real tokens: it starts when the candidate files, pauses while the exam office waits for a
document it asked for (GET /cases/{id} and the receipt show since when, no due date, the
days used), runs again when the candidate says it is attached (the due date moved by the
days paused), and stops at the office's decision."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.bac.conftest import Academy, Http
from tests.e2e.bac.test_bac_journeys import GRANT, publish
from tests.support.clock_watch import ClockWatch, journey

COMPLAINT = {"subject": "math", "error": "addition", "description": "Le total est faux."}
CORRECTION = {
    "action": "correct",
    "corrections": [{"field": "birth_place_fr", "proposed": "Salé"}],
    "document": {"content_type": "application/pdf", "size": 1000, "file_name": "acte.pdf"},
}


def grant(http: Http, academy: Academy) -> Any:
    """Filed with its income certificate, checked: a grant is decided on its documents."""
    filed = http.call("POST", "/bac/grants", academy.citizen, GRANT)
    assert filed.status_code == 201, filed.body
    http.attach_verified(filed.json_body["case"]["id"], academy.citizen, "income_certificate")
    return filed


def complaint(http: Http, academy: Academy) -> Any:
    return http.call("POST", "/bac/complaints", academy.citizen, COMPLAINT)


def correction(http: Http, academy: Academy) -> Any:
    http.call("POST", "/bac/me/verification", academy.citizen, {"action": "confirm"})
    return http.call("POST", "/bac/me/verification", academy.citizen, CORRECTION)


@pytest.mark.parametrize(
    ("filing", "decision"),
    [(grant, "grant"), (complaint, "refuse"), (correction, "refuse")],
    ids=["bac_grant", "bac_complaint", "bac_correction"],
)
def test_the_decision_clock_pauses_for_a_document_and_stops_at_the_decision(
    http: Http,
    academy: Academy,
    clock: Callable[[datetime], None],
    filing: Callable[[Http, Academy], Any],
    decision: str,
) -> None:
    academy.import_list(http)
    if filing is complaint:  # complaints open with the results: 20 days ago, for 30 days
        publish(http, academy, datetime.now(UTC) - timedelta(days=20), days=30)
    found: dict[str, str] = {}

    def file(at: datetime) -> ClockWatch:
        filed = filing(http, academy)
        assert filed.status_code in (200, 201), filed.body
        found["id"] = filed.json_body["case"]["id"]
        return ClockWatch(http.client, academy.citizen, found["id"], at)

    def act(action: str, reason: str = "") -> Any:
        path = f"/bac/cases/{found['id']}/actions/{action}"
        return http.call("POST", path, academy.officer, {"reason": reason})

    def ask() -> Any:
        assert act("request_documents").status_code == 422  # the candidate reads why
        asked = act("request_documents", "La pièce justificative est illisible.")
        assert asked.json_body["state"] == "documents_requested", asked.body
        return asked

    def answer() -> Any:
        path = f"/bac/cases/{found['id']}/complete"
        assert http.call("POST", path, academy.officer, {}).status_code == 403
        answered = http.call("POST", path, academy.citizen, {"reason": "pièce jointe"})
        assert answered.json_body["state"] != "documents_requested", answered.body
        return answered

    def decide() -> Any:
        return act(decision, "" if decision == "grant" else "Aucune erreur matérielle.")

    journey(file, clock, ask, answer, decide, decided_by=decision)
