"""The decision copy's QR code: a JWS signed by the KMS key (moto) that a third party checks
with the public JWK alone; a changed claim fails."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.documents import signing
from chalicelib.services.equivalence import verification
from chalicelib.services.equivalence.verification import _b64, unb64
from chalicelib.workflow.case import Case, Contact

DECISION = {
    "number": 1,
    "outcome": "equivalence",
    "national_diploma": "Licence fondamentale en droit",
    "order": {"number": "1234.25", "date": "2026-03-02"},
    "bo": {"number": "7480", "date": "2026-03-20", "page": 1523},
}


def _case() -> Case:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    diploma = {"title": "Licence en droit", "institution": "Université de Lyon"}
    return Case(
        id="c1",
        reference="EQ-2026-000001",
        case_type="equivalence_higher",
        owner="o",
        office="MESRSI",
        state="granted",
        version=9,
        created_at=at,
        updated_at=at,
        contact=Contact(name="Amina El Idrissi"),
        payload={"diploma": {**diploma, "institution_country": "FR"}},
    )


def test_a_decision_code_verifies_with_the_public_key_only(stack: Any) -> None:
    code = verification.sign_decision(_case(), DECISION)
    claims = verification.verify(code, signing.public_jwk())
    assert claims["ref"] == "EQ-2026-000001" and claims["bo"]["number"] == "7480"
    assert claims["holder"] == "Amina El Idrissi" and claims["outcome"] == "equivalence"

    header, body, signature = code.split(".")
    forged = unb64(body).replace(b"equivalence", b"revocation!")
    with pytest.raises(ValueError):
        verification.verify(f"{header}.{_b64(forged)}.{signature}", signing.public_jwk())
