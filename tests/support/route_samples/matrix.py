"""What the authorisation matrix needs to call a route (tests/e2e/test_authorization_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from chalicelib.identity import identity

OWNER_SUB = "matrix-owner"  # the `sub` of the citizen who owns the objects the samples create
OWNER = identity("citizen", OWNER_SUB)  # that citizen as owners are stored
OFFICE = "OFFICE-1"  # the office they belong to; a stranger's office is OFFICE-2


@dataclass(frozen=True)
class Sample:
    """How to call a route: path values, query, body. ``setup`` creates the object a route
    names (owned by OWNER, in OFFICE) and returns its path values."""

    path: dict[str, str] = field(default_factory=dict)
    query: str = ""
    body: str = ""
    setup: Callable[[], dict[str, str]] | None = None
    # The office each allowed role calls from, where a route serves given offices (the
    # equivalence committees: officers of MESRSI, members of the committee); else OFFICE.
    offices: dict[str, str] = field(default_factory=dict)
