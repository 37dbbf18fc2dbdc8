"""The public reference library of the equivalence service: legal texts, procedures and
their checklists, the reference guide, and the decisions published since 1967."""

from __future__ import annotations

from chalice import Blueprint  # type: ignore[attr-defined]

equivalence_library = Blueprint(__name__)
