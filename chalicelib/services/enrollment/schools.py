"""The school catalogue as the API reads it: a commune's schools, or those whose sector serves
an address, and a request's school as the catalogue now has it (its sector: the checks its
director is shown). Read through ``ports.py`` (DynamoDB's by default; an in-memory fake in
unit tests, decision §74)."""

from __future__ import annotations

from typing import Any

from chalicelib.services.enrollment import ports
from chalicelib.workflow.case import Case


def search(commune: str, district: str | None = None, level: str | None = None) -> list[Any]:
    """A commune's schools or, a district named, those serving that address; taking
    ``level`` if one is named. By code."""
    catalogue = ports.catalogue()
    if district:
        return catalogue.schools_serving(commune, district, level)
    return catalogue.schools_in(commune, level)


def of_request(case: Case) -> dict[str, Any] | None:
    """The school ``case`` is filed at (None: no longer in the catalogue)."""
    return ports.catalogue().school(case.office)
