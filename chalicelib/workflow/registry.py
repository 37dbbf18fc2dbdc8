"""The case types the app knows. Each service registers its machine at import."""

from __future__ import annotations

from chalicelib.workflow.machine import Machine

_MACHINES: dict[str, Machine] = {}


def register(machine: Machine) -> Machine:
    existing = _MACHINES.get(machine.case_type)
    if existing is not None and existing is not machine:
        raise ValueError(f"case type {machine.case_type!r} is registered twice")
    _MACHINES[machine.case_type] = machine
    return machine


def machine_for(case_type: str) -> Machine:
    return _MACHINES[case_type]


def machines() -> list[Machine]:
    return sorted(_MACHINES.values(), key=lambda m: m.case_type)
