"""The case types the app knows. A service's machines are registered the first time one of
its case types is asked for (or by ``register``, for a type outside the services)."""

from __future__ import annotations

from chalicelib.workflow.machine import Machine

_MACHINES: dict[str, Machine] = {}
_LOADED: set[str] = set()


def register(machine: Machine) -> Machine:
    existing = _MACHINES.get(machine.case_type)
    if existing is not None and existing is not machine:
        raise ValueError(f"case type {machine.case_type!r} is registered twice")
    _MACHINES[machine.case_type] = machine
    return machine


def machine_for(case_type: str) -> Machine:
    """The machine of ``case_type``; KeyError if no service declares it."""
    if case_type not in _MACHINES:
        from chalicelib.services import service_of

        service = service_of(case_type)
        if service is not None:
            _load(service)
    return _MACHINES[case_type]


def load_all() -> None:
    from chalicelib.services import SERVICES

    for service in SERVICES:
        _load(service)


def machines() -> list[Machine]:
    load_all()
    return sorted(_MACHINES.values(), key=lambda m: m.case_type)


def _load(service: str) -> None:
    if service in _LOADED:
        return
    from chalicelib.services import machines_of

    for machine in machines_of(service):
        register(machine)
    _LOADED.add(service)
