"""The five services. Each declares its case types' machines in its own ``machines.py``,
loaded on first use by the case-type registry (``chalicelib.workflow.registry``), so that an
API call pays only for the machines it needs. A case type is named after its service
(``enrollment``, ``bac_grant``, ``consular_appointment`` ...)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.workflow.machine import Machine

SERVICES = ("equivalence", "enrollment", "bac", "consular", "etimbre")


def service_of(case_type: str) -> str | None:
    return next((s for s in SERVICES if case_type == s or case_type.startswith(f"{s}_")), None)


def machines_of(service: str) -> tuple[Machine, ...]:
    machines: tuple[Machine, ...] = importlib.import_module(
        f"{__name__}.{service}.machines"
    ).MACHINES
    return machines


def all_machines() -> tuple[Machine, ...]:
    """Every service's machines: what ``make statemachines`` exports."""
    return tuple(m for service in SERVICES for m in machines_of(service))
