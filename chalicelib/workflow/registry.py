"""The case types the app knows. The services provide their machines when the app is
assembled (``chalicelib.services.install``, called by ``app.py``); a service's machines are
loaded the first time one of its case types is asked for, so that an API call pays only for
the machines it needs. The kernel imports no service. A case type is named after its
service (``enrollment``, ``bac_grant``, ``consular_appointment`` ...)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from chalicelib.workflow.machine import Machine

_MACHINES: dict[str, Machine] = {}
_PROVIDERS: dict[str, Callable[[], Iterable[Machine]]] = {}
_LOADED: set[str] = set()


def provide(service: str, machines: Callable[[], Iterable[Machine]]) -> None:
    """``service``'s case types come from ``machines()``, called on first need."""
    _PROVIDERS[service] = machines


def register(machine: Machine) -> Machine:
    existing = _MACHINES.get(machine.case_type)
    if existing is not None and existing is not machine:
        raise ValueError(f"case type {machine.case_type!r} is registered twice")
    _MACHINES[machine.case_type] = machine
    return machine


def service_of(case_type: str) -> str | None:
    return next((s for s in _PROVIDERS if case_type == s or case_type.startswith(f"{s}_")), None)


def machine_for(case_type: str) -> Machine:
    """The machine of ``case_type``; KeyError if no service declares it."""
    if case_type not in _MACHINES:
        service = service_of(case_type)
        if service is not None:
            _load(service)
    return _MACHINES[case_type]


def load_all() -> None:
    for service in list(_PROVIDERS):
        _load(service)


def machines() -> list[Machine]:
    load_all()
    return sorted(_MACHINES.values(), key=lambda m: m.case_type)


def _load(service: str) -> None:
    if service in _LOADED:
        return
    for machine in _PROVIDERS[service]():
        register(machine)
    _LOADED.add(service)
