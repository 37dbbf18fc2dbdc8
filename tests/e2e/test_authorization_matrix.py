"""Every route of the app, called without a token, with each wrong role and, where it names
an office or an object, as someone else. Driven by the route table: a route missing from
SAMPLES fails, so a new route cannot slip in untested."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from app import app
from chalicelib.api.routing import RouteSpec, specs_of
from chalicelib.documents import uploads
from chalicelib.identity import ALL_ROLES, CASE_STAFF_ROLES, CITIZEN
from chalicelib.workflow import lifecycle, registry
from chalicelib.workflow.case import Contact
from chalicelib.workflow.engine import Actor
from chalicelib.workflow.machine import Transition
from tests.support.demo_case import DEMO
from tests.support.route_samples import collected
from tests.support.route_samples.matrix import OFFICE, OWNER, OWNER_SUB, Sample

# The demo case type, worked by every staff role that works cases: each of them reads it
# from its office (a role reads only the case types it works, workflow/access.py).
WORKED_BY_ALL = replace(
    DEMO,
    case_type="matrix_case",
    transitions=(
        *DEMO.transitions,
        Transition("annotate", ("draft",), "draft", frozenset(CASE_STAFF_ROLES) - {"admin"}),
    ),
)


def demo_case() -> dict[str, str]:
    registry.register(WORKED_BY_ALL)
    actor = Actor(OWNER, frozenset({CITIZEN}))
    case = lifecycle.open_case(WORKED_BY_ALL, OWNER, OFFICE, Contact(), {"summary": "s"}, actor)
    return {"case_id": case.id}


def demo_document() -> dict[str, str]:
    """A demo case with a document awaiting its upload (its download answers 409)."""
    values = demo_case()
    case = lifecycle.load(values["case_id"])
    actor = Actor(OWNER, frozenset({CITIZEN}))
    document, _ = uploads.attach(WORKED_BY_ALL, case, actor, "diploma", "application/pdf", 1000)
    return {**values, "document_id": document.id}


SAMPLES: dict[tuple[str, str], Sample] = {
    ("GET", "/health"): Sample(),
    ("GET", "/.well-known/jwks.json"): Sample(),
    ("GET", "/openapi.json"): Sample(),
    ("GET", "/docs"): Sample(),
    ("GET", "/audit"): Sample(query="case=DEMO-0001"),
    ("GET", "/me/cases"): Sample(),
    ("GET", "/cases/{case_id}"): Sample(setup=demo_case),
    ("GET", "/cases/{case_id}/access-log"): Sample(setup=demo_case),
    ("GET", "/public/audit-digests/{date}"): Sample(path={"date": "2026-01-01"}),
    ("POST", "/cases/{case_id}/documents"): Sample(
        setup=demo_case,
        body='{"kind": "diploma", "content_type": "application/pdf", "size": 1000}',
    ),
    ("GET", "/cases/{case_id}/documents/{document_id}"): Sample(setup=demo_document),
    ("GET", "/cases/{case_id}/receipt"): Sample(setup=demo_case),  # a draft: 409 once allowed
    ("GET", "/public/stats/processing-times"): Sample(query="service=demo"),
    **collected("MATRIX"),
}

SPECS = {(s.method, s.path): s for s in specs_of(app)}
PROTECTED = [s for s in SPECS.values() if not s.access.public]


def _ids(spec: RouteSpec) -> str:
    return f"{spec.method} {spec.path}"


def _call(client: Any, spec: RouteSpec, headers: dict[str, str], office: str = OFFICE) -> Any:
    sample = SAMPLES[(spec.method, spec.path)]
    values = {**sample.path, **(sample.setup() if sample.setup else {})}
    path = spec.path
    for name in spec.path_params:
        value = office if name == spec.access.office_param else values.get(name, "x")
        path = path.replace(f"{{{name}}}", value)
    url = f"{path}?{sample.query}" if sample.query else path
    headers = {"Content-Type": "application/json", **headers}
    return client.http.request(spec.method, url, headers=headers, body=sample.body or None)


def _token_for(token: Any, role: str, office: str = OFFICE, **claims: Any) -> dict[str, str]:
    if role == CITIZEN:
        claims = {"acr": "cnie", "sub": OWNER_SUB, **claims}
    else:
        claims = {"office": office, **claims}
    return {"Authorization": f"Bearer {token(role, **claims)}"}


def test_every_route_is_in_the_matrix() -> None:
    assert set(SPECS) == set(SAMPLES), "add the new route to SAMPLES"


@pytest.mark.parametrize("spec", PROTECTED, ids=_ids)
def test_without_a_token_is_401(client: Any, spec: RouteSpec) -> None:
    answer = _call(client, spec, {})
    assert answer.status_code == 401
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("spec", PROTECTED, ids=_ids)
def test_each_wrong_role_is_403(client: Any, token: Any, spec: RouteSpec) -> None:
    for role in sorted(set(ALL_ROLES) - spec.access.roles):
        answer = _call(client, spec, _token_for(token, role))
        assert answer.status_code == 403, role
        assert answer.json_body["type"] == "urn:khidmat:problem:forbidden", role


@pytest.mark.parametrize("spec", PROTECTED, ids=_ids)
def test_each_allowed_role_gets_through(client: Any, token: Any, spec: RouteSpec) -> None:
    offices = SAMPLES[(spec.method, spec.path)].offices
    for role in sorted(spec.access.roles):
        answer = _call(client, spec, _token_for(token, role, offices.get(role, OFFICE)))
        assert answer.status_code not in (401, 403, 404), (role, answer.body)


@pytest.mark.parametrize("spec", [s for s in PROTECTED if s.access.cnie], ids=_ids)
def test_cnie_routes_refuse_a_password_sign_in(client: Any, token: Any, spec: RouteSpec) -> None:
    answer = _call(client, spec, _token_for(token, CITIZEN, acr="password"))
    assert answer.status_code == 403
    assert answer.json_body["type"] == "urn:khidmat:problem:cnie-required"


@pytest.mark.parametrize("spec", [s for s in PROTECTED if s.access.office_param], ids=_ids)
def test_another_office_is_404(client: Any, token: Any, spec: RouteSpec) -> None:
    for role in sorted(spec.access.roles - {"admin"}):
        answer = _call(client, spec, _token_for(token, role), office="OFFICE-2")
        assert answer.status_code == 404, role


@pytest.mark.parametrize(
    "spec", [s for s in PROTECTED if SAMPLES.get((s.method, s.path), Sample()).setup], ids=_ids
)
def test_someone_elses_object_is_404(client: Any, token: Any, spec: RouteSpec) -> None:
    strangers = [
        _token_for(token, role, office="OFFICE-2")
        for role in sorted(spec.access.roles - {CITIZEN, "admin"})
    ]
    if CITIZEN in spec.access.roles:
        strangers.append(_token_for(token, CITIZEN, sub="matrix-stranger", cnie="ZZ999999"))
    for headers in strangers:
        answer = _call(client, spec, headers)
        assert answer.status_code == 404, (headers, answer.body)
        assert answer.headers["Content-Type"] == "application/problem+json"
