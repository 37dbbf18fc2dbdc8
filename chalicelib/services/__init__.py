"""The five services. Each declares its case types' machines in its own package; this list
is what the app registers and what ``make statemachines`` exports."""

from __future__ import annotations

from chalicelib.workflow.machine import Machine
from chalicelib.workflow.registry import register

MACHINES: tuple[Machine, ...] = ()

for _machine in MACHINES:
    register(_machine)
