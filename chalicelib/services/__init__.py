"""The five services. Each declares its case types' machines in its own ``machines.py``;
``install`` hands them to the case-type registry (``chalicelib.workflow.registry``) when the
app is assembled, to be loaded on first use, so that an API call pays only for the machines
it needs. A case type is named after its service (``enrollment``, ``bac_grant``,
``consular_appointment`` ...)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.credentials.sources import CredentialSource
    from chalicelib.workflow.machine import Machine

SERVICES = ("equivalence", "enrollment", "bac", "consular", "etimbre")


def machines_of(service: str) -> tuple[Machine, ...]:
    machines: tuple[Machine, ...] = importlib.import_module(
        f"{__name__}.{service}.machines"
    ).MACHINES
    return machines


def all_machines() -> tuple[Machine, ...]:
    """Every service's machines: what ``make statemachines`` exports."""
    return tuple(m for service in SERVICES for m in machines_of(service))


def install() -> None:
    """Give the registry every service's machines (loaded when first asked for), and wire
    the ports one service implements for another (``chalicelib.ports``)."""
    from functools import partial

    from chalicelib import ports
    from chalicelib.credentials import sources, types
    from chalicelib.workflow import registry

    for service in SERVICES:
        registry.provide(service, partial(machines_of, service))
    ports.wire_fee_payments(
        lambda: importlib.import_module(f"{__name__}.etimbre.fee_payments").PAYMENTS
    )
    # The wallet's credentials, in the order offers list them (chalicelib/credentials).
    for kind, service in ((types.BAC.key, "bac"), (types.EQUIVALENCE.key, "equivalence")):
        sources.provide(kind, partial(_credential_source, service))


def _credential_source(service: str) -> CredentialSource:
    source: CredentialSource = importlib.import_module(
        f"{__name__}.{service}.credential_source"
    ).SOURCE
    return source
