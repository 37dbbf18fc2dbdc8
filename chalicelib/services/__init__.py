"""The five services. Each declares its case types' machines in its own ``machines.py``; this
list is what the app registers and what ``make statemachines`` exports."""

from __future__ import annotations

from chalicelib.services.bac.machines import MACHINES as BAC
from chalicelib.services.consular.machines import MACHINES as CONSULAR
from chalicelib.services.enrollment.machines import MACHINES as ENROLLMENT
from chalicelib.services.equivalence.machines import MACHINES as EQUIVALENCE
from chalicelib.services.etimbre.machines import MACHINES as ETIMBRE
from chalicelib.workflow.machine import Machine
from chalicelib.workflow.registry import register

MACHINES: tuple[Machine, ...] = (*EQUIVALENCE, *ENROLLMENT, *BAC, *CONSULAR, *ETIMBRE)

for _machine in MACHINES:
    register(_machine)
