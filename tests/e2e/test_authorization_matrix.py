"""Every route of the app, called without a token, with each wrong role and, where it names
an office or an object, as someone else. Driven by the route table: a route missing from
SAMPLES fails, so a new route cannot slip in untested."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from app import app
from chalicelib.api.principal import ALL_ROLES, CITIZEN
from chalicelib.api.routing import RouteSpec, specs_of


@dataclass(frozen=True)
class Sample:
    """How to call a route: path values, query, body. ``owned`` routes name an object that
    belongs to someone; ``owner_setup`` (later services) creates one and returns its path."""

    path: dict[str, str] = field(default_factory=dict)
    query: str = ""
    body: str = ""


SAMPLES: dict[tuple[str, str], Sample] = {
    ("GET", "/health"): Sample(),
    ("GET", "/.well-known/jwks.json"): Sample(),
    ("GET", "/openapi.json"): Sample(),
    ("GET", "/docs"): Sample(),
    ("GET", "/audit"): Sample(query="case=DEMO-0001"),
}

SPECS = {(s.method, s.path): s for s in specs_of(app)}
PROTECTED = [s for s in SPECS.values() if not s.access.public]


def _url(spec: RouteSpec, office: str = "OFFICE-1") -> str:
    sample = SAMPLES[(spec.method, spec.path)]
    path = spec.path
    for name in spec.path_params:
        value = office if name == spec.access.office_param else sample.path.get(name, "x")
        path = path.replace(f"{{{name}}}", value)
    return f"{path}?{sample.query}" if sample.query else path


def _call(client: Any, spec: RouteSpec, headers: dict[str, str], office: str = "OFFICE-1") -> Any:
    sample = SAMPLES[(spec.method, spec.path)]
    headers = {"Content-Type": "application/json", **headers}
    return client.http.request(
        spec.method, _url(spec, office), headers=headers, body=sample.body or None
    )


def _token_for(token: Any, role: str, office: str = "OFFICE-1", **claims: Any) -> dict[str, str]:
    extra = {} if role == CITIZEN else {"office": office}
    return {"Authorization": f"Bearer {token(role, **extra, **claims)}"}


def test_every_route_is_in_the_matrix() -> None:
    assert set(SPECS) == set(SAMPLES), "add the new route to SAMPLES"


@pytest.mark.parametrize("spec", PROTECTED, ids=lambda s: f"{s.method} {s.path}")
def test_without_a_token_is_401(client: Any, spec: RouteSpec) -> None:
    answer = _call(client, spec, {})
    assert answer.status_code == 401
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("spec", PROTECTED, ids=lambda s: f"{s.method} {s.path}")
def test_each_wrong_role_is_403(client: Any, token: Any, spec: RouteSpec) -> None:
    for role in sorted(set(ALL_ROLES) - spec.access.roles):
        answer = _call(client, spec, _token_for(token, role))
        assert answer.status_code == 403, role
        assert answer.json_body["type"] == "urn:khidmat:problem:forbidden", role


@pytest.mark.parametrize("spec", PROTECTED, ids=lambda s: f"{s.method} {s.path}")
def test_each_allowed_role_gets_through(client: Any, token: Any, spec: RouteSpec) -> None:
    for role in sorted(spec.access.roles):
        answer = _call(
            client,
            spec,
            _token_for(token, role, acr="cnie") if role == CITIZEN else _token_for(token, role),
        )
        assert answer.status_code not in (401, 403), (role, answer.body)


@pytest.mark.parametrize(
    "spec", [s for s in PROTECTED if s.access.cnie], ids=lambda s: f"{s.method} {s.path}"
)
def test_cnie_routes_refuse_a_password_sign_in(client: Any, token: Any, spec: RouteSpec) -> None:
    answer = _call(client, spec, _token_for(token, CITIZEN, acr="password"))
    assert answer.status_code == 403
    assert answer.json_body["type"] == "urn:khidmat:problem:cnie-required"


@pytest.mark.parametrize(
    "spec", [s for s in PROTECTED if s.access.office_param], ids=lambda s: f"{s.method} {s.path}"
)
def test_another_office_is_404(client: Any, token: Any, spec: RouteSpec) -> None:
    for role in sorted(spec.access.roles - {"admin"}):
        answer = _call(client, spec, _token_for(token, role, office="OFFICE-1"), office="OFFICE-2")
        assert answer.status_code == 404, role
