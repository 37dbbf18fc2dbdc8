from __future__ import annotations

import pytest

from chalicelib.api.i18n import LANGUAGES, negotiate
from chalicelib.api.problems import CATALOGUE, FieldError, Problem, for_status


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


def test_every_problem_has_a_title_in_every_language() -> None:
    for slug, (status, titles) in CATALOGUE.items():
        assert 400 <= status < 600, slug
        assert set(titles) == set(LANGUAGES), slug
        assert all(titles.values()), slug


def test_problem_body_is_rfc9457_with_field_errors() -> None:
    problem = Problem(
        "validation-failed",
        "check the form",
        errors=[FieldError("body.name", "required", "missing")],
    )
    body = problem.body("fr", "/things")
    assert body == {
        "type": "urn:khidmat:problem:validation-failed",
        "title": "Données invalides",
        "status": 422,
        "detail": "check the form",
        "instance": "/things",
        "errors": [{"field": "body.name", "code": "missing", "message": "required"}],
    }


def test_unknown_problem_slug_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown problem"):
        Problem("no-such-thing")


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
