"""An accepted correction of the personal data reaches everything that shows it: the
candidate's record, the convocation, and the certificate (issued again on the corrected
data; the old one verifies as replaced, its shares as revoked)."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from tests.e2e.bac.conftest import Academy, Http

PDF = "application/pdf"
PUBLIC = "/public/certificates/"


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def verified(http: Http, code: str) -> Any:
    return http.client.http.get(PUBLIC + code, headers={"Accept": "application/json"}).json_body


def test_an_accepted_correction_reissues_the_certificate_and_the_convocation(
    http: Http, academy: Academy
) -> None:
    academy.import_list(http)
    academy.publish(http)
    http.call("POST", "/bac/me/verification", academy.citizen, {"action": "confirm"})
    before = http.call("GET", "/bac/me/convocation", academy.citizen, Accept=PDF)
    assert "Salma" in text_of(before.body)
    first = http.call("GET", "/bac/me/certificate", academy.citizen).json_body
    assert first["claims"]["names"]["fr"] == "Salma Alaoui"
    shared = http.call(
        "POST", "/bac/me/certificate/shares", academy.citizen, {"recipient": "ENSA", "days": 30}
    ).json_body

    document = {"content_type": PDF, "size": 1000, "file_name": "acte.pdf"}
    corrections = [
        {"field": "first_name_fr", "proposed": "Selma"},
        {"field": "birth_place_fr", "proposed": "Salé"},
    ]
    asked = http.call(
        "POST",
        "/bac/me/verification",
        academy.citizen,
        {"action": "correct", "corrections": corrections, "document": document},
    )
    case = asked.json_body["case"]
    http.attach_verified(case["id"], academy.citizen, "supporting_document")
    accepted = http.call(
        "POST", f"/bac/cases/{case['id']}/actions/accept", academy.officer, {"reason": ""}
    )
    assert accepted.status_code == 200, accepted.body

    me = http.call("GET", "/bac/me", academy.citizen).json_body
    assert (me["first_name_fr"], me["birth_place_fr"]) == ("Selma", "Salé")
    http.call("POST", "/bac/me/verification", academy.citizen, {"action": "confirm"})
    after = text_of(http.call("GET", "/bac/me/convocation", academy.citizen, Accept=PDF).body)
    assert "Selma" in after and "Salé" in after and "Salma" not in after

    second = http.call("GET", "/bac/me/certificate", academy.citizen).json_body
    assert second["certificate_id"] != first["certificate_id"]
    assert second["claims"]["names"]["fr"] == "Selma Alaoui"
    assert second["claims"]["birth_place"]["fr"] == "Salé"
    assert second["claims"]["average"] == first["claims"]["average"]
    printed = http.call("GET", "/bac/me/certificate", academy.citizen, Accept=PDF).body
    assert "Selma" in text_of(printed) and "Salma" not in text_of(printed)

    old = verified(http, first["certificate_id"])
    assert (old["status"], old["certificate"]) == ("replaced", None)
    assert verified(http, shared["code"])["status"] == "revoked"
    new = verified(http, second["certificate_id"])
    assert new["status"] == "valid" and new["certificate"]["names"]["fr"] == "Selma Alaoui"
    page = http.client.http.get(PUBLIC + first["certificate_id"], headers={"Accept": "text/html"})
    assert "Certificat remplacé" in page.body.decode()
