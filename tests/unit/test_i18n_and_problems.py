from __future__ import annotations

import importlib

import pytest

from chalicelib.api.i18n import LANGUAGES, negotiate
from chalicelib.api.problems import STATUS, body_of, for_status, status_of
from chalicelib.refusals import (
    VOCABULARY,
    Conflict,
    FieldError,
    Kind,
    LostRace,
    NotFound,
    Refusal,
)
from chalicelib.workflow.engine import TransitionRefused

SERVICE_PROBLEMS = [
    f"chalicelib.services.{name}.problems"
    for name in ("bac", "consular", "enrollment", "equivalence", "etimbre")
] + ["chalicelib.notify.contact_problems"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "ar"),
        ("", "ar"),
        ("fr", "fr"),
        ("fr-MA,fr;q=0.9,en;q=0.8", "fr"),
        ("en-US", "en"),
        ("de, en;q=0.5", "en"),
        ("en;q=0.2, ar;q=0.9", "ar"),
        ("fr;q=0, en", "en"),
        ("zh, ja", "ar"),
        ("fr;q=abc, en", "en"),
    ],
)
def test_language_negotiation(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def _every_service_registered() -> None:
    for module in SERVICE_PROBLEMS:
        importlib.import_module(module)


def test_every_refusal_has_a_kind_and_a_title_in_every_language() -> None:
    _every_service_registered()
    for slug, (kind, titles) in VOCABULARY.items():
        assert isinstance(kind, Kind), slug
        assert set(titles) == set(LANGUAGES), slug
        assert all(titles.values()), slug


def test_the_same_kind_of_refusal_answers_the_same_status_in_every_service() -> None:
    """One table at the edge: a slug's status is its kind's, whichever service registered
    it, and every kind has exactly one status."""
    _every_service_registered()
    assert set(STATUS) == set(Kind)
    by_kind: dict[Kind, set[int]] = {}
    for slug, (kind, _) in VOCABULARY.items():
        answered = status_of(Refusal(slug))
        assert answered == STATUS[kind], slug
        by_kind.setdefault(kind, set()).add(answered)
    assert all(len(statuses) == 1 for statuses in by_kind.values())
    # The engine's reasons are one table too: wrong_state is a 409 whatever the case type.
    assert status_of(TransitionRefused("wrong_state", "x")) == 409
    assert status_of(TransitionRefused("wrong_role", "x")) == 403
    assert status_of(TransitionRefused("wrong_office", "x")) == 404
    reason = TransitionRefused("reason_required", "x")
    assert status_of(reason) == 422 and reason.errors[0].field == "reason"
    assert status_of(LostRace()) == 409 and LostRace().extra == {"refusal": "version_conflict"}
    assert LostRace(failed=frozenset({"slot"})).extra == {"refusal": "slot"}


def test_a_refusal_of_a_kind_keeps_to_its_kind() -> None:
    assert NotFound().slug == "not-found" and Conflict().slug == "conflict"
    with pytest.raises(ValueError, match="not a refusal of kind"):
        NotFound("conflict")


def test_problem_body_is_rfc9457_with_field_errors() -> None:
    problem = Refusal(
        "validation-failed",
        "check the form",
        errors=[FieldError("body.name", "required", "missing")],
    )
    body = body_of(problem, "fr", "/things")
    assert body == {
        "type": "urn:khidmat:problem:validation-failed",
        "title": "Données invalides",
        "status": 422,
        "detail": "check the form",
        "instance": "/things",
        "errors": [{"field": "body.name", "code": "missing", "message": "required"}],
    }


def test_unknown_problem_slug_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown refusal"):
        Refusal("no-such-thing")


@pytest.mark.parametrize(
    ("status", "slug"),
    [
        (405, "method-not-allowed"),
        (415, "unsupported-media-type"),
        (400, "malformed-request"),
        (502, "internal-error"),
    ],
)
def test_bare_statuses_map_to_the_catalogue(status: int, slug: str) -> None:
    assert for_status(status).slug == slug
