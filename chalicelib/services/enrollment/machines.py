"""The case types of this service, as machines of the case engine."""

from __future__ import annotations

from chalicelib.workflow.machine import Machine

MACHINES: tuple[Machine, ...] = ()
