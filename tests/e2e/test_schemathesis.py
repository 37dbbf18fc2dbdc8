"""The whole API fuzzed against its own OpenAPI document, over real HTTP, with valid tokens.

Each operation of ``/openapi.json`` is one test item (pytest-xdist spreads them over its
workers). Schemathesis builds requests from the document: its coverage phase sends boundary
values, negative cases and undeclared methods, then ``max_examples`` generated cases. Every
request goes to the app served by Chalice's local server inside the session's moto, carrying a
token of a role the route allows. All of Schemathesis' built-in checks run on every answer:

- ``not_a_server_error``: never a 5xx;
- ``status_code_conformance``, ``content_type_conformance``, ``response_schema_conformance``,
  ``response_headers_conformance``: a documented status, a documented media type, a body that
  matches the schema (problem+json included), the headers the document declares;
- ``negative_data_rejection`` (a schema-violating request gets a 4xx),
  ``positive_data_acceptance`` (a valid one is not refused with a 400/422, but see
  ``STATE_DEPENDENT_REFUSALS``) and ``missing_required_header``;
- ``unsupported_method`` (405 with ``Allow``) and ``allow_header_conformance``;
- ``ignored_auth``: the same request without a token and with an invalid one must be refused;
- ``use_after_free``, ``ensure_resource_availability`` and ``object_level_authorization``
  need a recorded multi-step scenario, which only the CLI's stateful phase has: here they pass.

The schema is built at collection time from the route declarations the app serves
(``chalicelib.api.openapi.document``), and ``test_served_document_is_the_one_fuzzed`` proves
that the served ``/openapi.json`` is that very document. ``schemathesis.pytest.from_fixture``
would have loaded it from the URL, but in schemathesis 4.32.5 its lazy runner writes
``Function._nodeid``, which pytest 9.2 no longer has, so every lazy test fails with an
AttributeError. An eagerly loaded schema also gives one test item per operation instead of
one item for all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.config import SchemathesisConfig

from app import app
from chalicelib.api import openapi
from chalicelib.api.routing import RouteSpec, specs_of
from chalicelib.identity import ALL_ROLES, CITIZEN
from scripts.devtokens import mint
from tests.support.local_server import serving

SPECS: dict[tuple[str, str], RouteSpec] = {(s.method, s.path): s for s in specs_of(app)}
DOCUMENT = openapi.document(list(SPECS.values()))
STAFF_OFFICE = "DEMO-OFFICE"  # a staff token's office when the route does not name one

# Refusals that depend on what the server has seen, not on the request's shape: a request the
# schema finds valid can rightly get them, and no schema can say when. positive_data_acceptance
# is skipped for an answer of these types; every other check still runs on it.
STATE_DEPENDENT_REFUSALS = frozenset(
    {
        # A cursor is valid only if the API issued it for this very list: it is signed and
        # bound to the list (chalicelib/api/pagination.py), so any other string is a 400.
        "urn:khidmat:problem:invalid-cursor",
        # An Idempotency-Key already used with another body is a 422 (the generator often
        # draws the same short key for different bodies).
        "urn:khidmat:problem:idempotency-key-reused",
        # School pre-registration: rules no JSON Schema can state, that need today, the
        # calendar, the phone plan or the catalogue (the Hijri and Gregorian birth dates
        # agreeing, no date in the future, siblings under school age, a number of the
        # Moroccan shape that phonenumbers finds outside the plan, the school existing and
        # taking the level), and the school-age rule of the year's settings.
        "urn:khidmat:problem:enrollment-rule-violated",
        "urn:khidmat:problem:under-school-age",
        "urn:khidmat:problem:over-school-age",
        # A rejection's ground that the request's own facts deny (its age, its address).
        "urn:khidmat:problem:enrollment-reason-contradicted",
        # The guardian named must be the person signed in: the token's CNIe, not the body's.
        "urn:khidmat:problem:enrollment-not-the-guardian",
        # Imports (bac candidate lists, equivalence decisions) name a key of the documents
        # bucket: whether a file was uploaded there is the bucket's state, not the request's.
        "urn:khidmat:problem:bac-import-file-missing",
        "urn:khidmat:problem:equivalence-import-file-missing",
        # Equivalence: each of track, level and training is an enum of the schema, but which
        # go together is a table (a level belongs to one track, a doctorate in medicine goes
        # with health only). The three are separate query parameters, which OpenAPI cannot
        # tie together; the application's body answers the same problem for one rule set.
        "urn:khidmat:problem:equivalence-not-offered",
        # Which services a consulate offers ties two fields to the catalogue's table.
        "urn:khidmat:problem:consular-service-not-offered",
        "urn:khidmat:problem:etimbre-service-not-offered",
        # A listing's "from" and "to" are separate query parameters: their order and the
        # span between them cannot be stated in OpenAPI.
        "urn:khidmat:problem:consular-period-invalid",
        # A stamp named in a request must be the applicant's own, paid, for that service at
        # that consulate: the stamps table's state, not the request's.
        "urn:khidmat:problem:consular-stamp-refused",
        # A counter use names an appointment of the agent's consulate: the cases' state.
        "urn:khidmat:problem:etimbre-case-refused",
        # A consulate's rules: openings that do not overlap, counters for the services it
        # offers, a slot that its calendar holds and that is still bookable.
        "urn:khidmat:problem:consular-rule-violated",
        # Where messages go is among the caller's verified contacts (GET /me/contacts), and
        # a one-time code is right, late or used up: the contacts' state, not the request's.
        "urn:khidmat:problem:contact-not-verified",
        "urn:khidmat:problem:contact-code-wrong",
        "urn:khidmat:problem:contact-code-expired",
        "urn:khidmat:problem:contact-code-used-up",
        # A complaint names an exam of the candidate's stream: the candidate record's.
        "urn:khidmat:problem:bac-subject-not-in-stream",
        # A pre-authorised code is one the issuer made for an offer, unused and unexpired,
        # with its transaction code: the offers' state (OpenID4VCI's invalid_grant).
        "urn:khidmat:problem:vci-invalid-grant",
    }
)


CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20260101,
        # Nothing written next to the project, nothing reused from an earlier run.
        "cache": {"enabled": False},
        "generation": {
            "database": "none",
            # The token comes from the test (a role the route allows), not from a generated
            # Authorization header: a negative case "without Authorization" would get the
            # test's token back and prove nothing. The ignored_auth check sends each
            # protected request again without a token and with an invalid one instead.
            "with-security-parameters": False,
        },
        "phases": {
            "coverage": {
                # Methods the document does not declare on a path must get 405 with Allow.
                # TRACE and QUERY are left out: they never reach the app. Chalice's local
                # server (http.server) answers them 501 itself, and API Gateway does not
                # pass them to the Lambda either.
                "unexpected-methods": ["get", "put", "post", "delete", "patch"],
            },
        },
    }
)

schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)


@pytest.fixture(scope="module")
def base_url(stack: Any) -> Iterator[str]:
    """The real app over HTTP, inside the session's moto, for the tests of this module."""
    with serving(app) as url:
        yield url


class Tokens:
    """Valid tokens, minted once per (role, office, acr), with a stable subject per role."""

    def __init__(self, key_dir: Path) -> None:
        self._key_dir = key_dir
        self._minted: dict[tuple[str, str, str], str] = {}

    def get(self, role: str, office: str = "", acr: str = "") -> str:
        key = (role, office, acr)
        if key not in self._minted:
            self._minted[key] = mint(
                role, office=office, acr=acr, sub=f"schemathesis-{role}", directory=self._key_dir
            )
        return self._minted[key]


@pytest.fixture(scope="module")
def tokens(stack: Any) -> Tokens:
    return Tokens(stack.key_dir)


def caller_headers(spec: RouteSpec, case: Any, tokens: Tokens) -> dict[str, str]:
    """An Authorization header the route accepts: the first of its roles in ALL_ROLES order
    (citizen, then the staff roles, admin last), signed in with the CNIe if the route asks for
    it, and with the office the path names if the route is limited to the caller's office.

    Chalice's local server hands path parameters to the app still percent-encoded (API
    Gateway decodes them), so an office with characters outside [A-Za-z0-9._~-] does not match
    the token's and the route answers 404, which the document lists for every path parameter.
    """
    access = spec.access
    if access.public:
        return {}
    allowed = [r for r in ALL_ROLES if r in access.roles]
    assert allowed, f"{spec.method} {spec.path} is neither public nor open to any role"
    role = allowed[0]
    if role == CITIZEN:
        token = tokens.get(role, acr="cnie" if access.cnie else "")
    else:
        office = STAFF_OFFICE
        if access.office_param:
            office = str((case.path_parameters or {}).get(access.office_param, STAFF_OFFICE))
        token = tokens.get(role, office=office)
    return {"Authorization": f"Bearer {token}"}


def test_served_document_is_the_one_fuzzed(base_url: str) -> None:
    answer = requests.get(f"{base_url}/openapi.json", timeout=10)
    assert answer.status_code == 200
    assert answer.json() == DOCUMENT


@schema.parametrize()
@settings(
    derandomize=True,
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
def test_api_conforms_to_its_openapi(case: Any, base_url: str, tokens: Tokens) -> None:
    spec = SPECS[(case.operation.method.upper(), case.operation.path)]
    headers = caller_headers(spec, case, tokens)
    # case.call_and_validate(), split in two so that the answer can pick the checks.
    response = case.call(base_url=base_url, headers=headers)
    excluded = (
        [positive_data_acceptance] if _problem_type(response) in STATE_DEPENDENT_REFUSALS else []
    )
    case.validate_response(
        response,
        headers=headers,
        excluded_checks=excluded,
        # The checks that send requests of their own (ignored_auth) send them here.
        transport_kwargs={"base_url": base_url, "headers": dict(headers)},
    )


def _problem_type(response: Any) -> str:
    """The ``type`` of a problem+json answer (a Schemathesis Response: lower-case header
    names, a list of values each), or ""."""
    content_type = ",".join(response.headers.get("content-type", []))
    if not content_type.startswith("application/problem+json"):
        return ""
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("type", "")) if isinstance(body, dict) else ""
