"""How to call each service's routes, kept beside each other so that a service adds its own
file and no shared list grows by hand. Each ``<service>.py`` exports:

- ``MATRIX``: ``(method, path) -> Sample`` for tests/e2e/test_authorization_matrix.py;
- ``LEAST_PRIVILEGE``: ``(method, route path, URL, role or None, expected status)`` rows for
  tests/integration/test_least_privilege.py (one call each, under the stage's policy),
  optionally with a sixth element ``{"setup", "claims", "headers", "body", "now"}`` (see
  ``_prepared`` there) so that the call reaches the route's real work: every write has a
  row reaching its success status, besides those testing its early refusals;
- ``BENCH``: ``(method, path) -> bench.calls.Sample`` for ``make bench``'s calls per route.
"""

from __future__ import annotations

import importlib
from typing import Any

SERVICES = (
    *("equivalence", "equivalence_committees", "enrollment", "bac", "consular", "etimbre"),
    "contacts",
    "credentials",
)


def collected(name: str) -> Any:
    """The union of every service's ``name`` (a dict or a list)."""
    parts = [getattr(importlib.import_module(f"{__name__}.{s}"), name) for s in SERVICES]
    if all(isinstance(p, dict) for p in parts):
        return {k: v for p in parts for k, v in p.items()}
    return [row for p in parts for row in p]
