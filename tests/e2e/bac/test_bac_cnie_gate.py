"""The CNIe gate holds on every route that reaches a baccalaureate case, the generic
``/cases/...`` ones included: the same citizen, signed in without the electronic ID card,
gets none of it; signed in with it, all of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

import app as app_module
from scripts.local_events import Pump
from tests.e2e.bac.conftest import Academy, Http
from tests.e2e.bac.test_bac_journeys import GRANT
from tests.e2e.equivalence.eq_support import a_pdf

PDF = "application/pdf"
CNIE_REQUIRED = "urn:khidmat:problem:cnie-required"


def test_a_bac_case_is_reached_only_with_the_cnie_on_every_route(
    http: Http, academy: Academy, token: Callable[..., str], stack: Any
) -> None:
    academy.import_list(http)
    applied = http.call("POST", "/bac/grants", academy.citizen, GRANT)
    assert applied.status_code == 201, applied.body
    case_id = applied.json_body["case"]["id"]
    content = a_pdf()
    income = {"kind": "income_certificate", "content_type": PDF, "size": len(content)}
    attached = http.call("POST", f"/cases/{case_id}/documents", academy.citizen, income)
    assert attached.status_code == 201, attached.body
    grant = attached.json_body
    files = {"file": ("revenu.pdf", content, PDF)}
    assert requests.post(grant["url"], data=grant["fields"], files=files, timeout=10).ok
    Pump(app_module, stack.env).drain()  # the upload's checks: the document is verified
    document = grant["document_id"]

    # The same person (same subject), signed in with a password this time.
    password = token("citizen", acr="password", sub=f"citizen-{academy.cnie}")
    routes = [
        ("GET", f"/cases/{case_id}", None, {}),
        ("GET", f"/cases/{case_id}/receipt", None, {}),
        ("GET", f"/cases/{case_id}/receipt", None, {"Accept": PDF}),
        ("GET", f"/cases/{case_id}/access-log", None, {}),
        ("GET", f"/cases/{case_id}/documents/{document}", None, {}),
        ("POST", f"/cases/{case_id}/documents", income, {}),
    ]
    for method, path, body, headers in routes:
        answer = http.call(method, path, password, body, **headers)
        assert answer.status_code == 403, (path, answer.body)
        assert answer.json_body["type"] == CNIE_REQUIRED, path
    listed = http.call("GET", "/me/cases", password)
    assert listed.status_code == 200
    assert case_id not in [c["id"] for c in listed.json_body["items"]]

    # Someone else, with or without the card, still learns nothing: 404.
    stranger = token("citizen", acr="password", sub="citizen-stranger")
    assert http.call("GET", f"/cases/{case_id}", stranger).status_code == 404

    # The honest path: the CNIe sign-in reaches all of it.
    for method, path, body, headers in routes:
        answer = http.call(method, path, academy.citizen, body, **headers)
        assert answer.status_code in (200, 201), (path, answer.body)
    mine = http.call("GET", "/me/cases", academy.citizen).json_body["items"]
    assert case_id in [c["id"] for c in mine]
    # Staff never sign in with a CNIe: the office still reads the case.
    assert http.call("GET", f"/cases/{case_id}", academy.officer).status_code == 200
