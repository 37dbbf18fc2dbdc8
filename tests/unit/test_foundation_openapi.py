"""Naming a route's models as strings changes nothing in ``/openapi.json``: the document
built from the declarations as they are equals the one built with every name replaced by
its class."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from app import app
from chalicelib.api import openapi
from chalicelib.api.routing import RouteSpec, resolve_model, specs_of

MODEL_FIELDS = ("body", "query", "response", "path_model")


def _with_classes(spec: RouteSpec) -> RouteSpec:
    changes: dict[str, Any] = {
        name: resolve_model(getattr(spec, name))
        for name in MODEL_FIELDS
        if getattr(spec, name) is not None
    }
    return dataclasses.replace(spec, **changes)


def test_models_named_as_strings_give_the_same_document_as_classes() -> None:
    specs = specs_of(app)
    named = [s for s in specs if any(isinstance(getattr(s, f), str) for f in MODEL_FIELDS)]
    assert named, "the platform routes name their models"
    assert openapi.document(specs) == openapi.document([_with_classes(s) for s in specs])


def test_a_name_that_is_not_a_model_is_refused() -> None:
    with pytest.raises(TypeError, match="not a pydantic model"):
        resolve_model("chalicelib.api.routing:RouteSpec")
    with pytest.raises(AttributeError):
        resolve_model("chalicelib.api.routes.platform_schemas:Nothing")


def test_every_declared_status_has_its_problem_response() -> None:
    from chalicelib.api.access import PUBLIC

    spec = RouteSpec("POST", "/pay", "Pay", PUBLIC, errors=(409, 502, 504))
    document = openapi.document([spec])
    responses = document["paths"]["/pay"]["post"]["responses"]
    for status in ("409", "502", "504"):
        name = responses[status]["$ref"].rsplit("/", 1)[-1]
        assert name in document["components"]["responses"], status
    assert document["components"]["responses"]["Problem502"]["description"] == "Bad Gateway"
