"""The roles that may reach the generic case routes are the roles the case types name."""

from __future__ import annotations

from chalicelib.identity import CASE_STAFF_ROLES
from chalicelib.workflow import registry


def test_the_case_routes_open_to_the_roles_that_work_some_case_type() -> None:
    working = frozenset(r for m in registry.machines() for r in m.staff_roles)
    assert working == frozenset(CASE_STAFF_ROLES) - {"admin"}
