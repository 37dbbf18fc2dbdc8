"""The HTTP routes of this service: thin, they parse, authorise, call one function, shape."""

from __future__ import annotations

from chalice import Blueprint  # type: ignore[attr-defined]

equivalence = Blueprint(__name__)
