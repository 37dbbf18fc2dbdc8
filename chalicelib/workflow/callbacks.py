"""A timer fell due: fire its expiry transition, if the case is still waiting for it.

Safe when delivered twice or late: a deadline that was disarmed, re-armed or already fired
is no longer on the case (or has another due time), and nothing happens. A legal clock's
deadline (``clock:<name>``) fires as the system clock, with the law's reason. A deadline
that is not a case's goes to the handler its service registered by prefix.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.observability import logger
from chalicelib.refusals import LostRace
from chalicelib.workflow import clocks, engine, lifecycle, registry, timers

ATTEMPTS = 3


def timer_fired(message: dict[str, Any]) -> str:
    """Handle one timer callback; returns what happened (for logs and tests). A deadline a
    service registered (``timers.register_timer_handler``) goes to that service's handler."""
    handler = timers.handler_for(str(message.get("deadline", "")))
    if handler is not None:
        return handler(message)
    for _ in range(ATTEMPTS):
        case = lifecycle.find(str(message.get("case_id", "")))
        if case is None:
            return "unknown case"
        deadline = engine.due_timer(
            case, str(message.get("deadline", "")), datetime.fromisoformat(str(message["due_at"]))
        )
        if deadline is None:
            return "stale"
        machine = registry.machine_for(case.case_type)
        # A legal clock running out is the clock's act, and its history says which law ran out.
        clock = clocks.clock_of(machine, deadline.name)
        try:
            lifecycle.act(
                machine,
                case,
                deadline.on_expiry,
                engine.Actor.system("clock" if clock else "timer"),
                {"deadline": deadline.name},
                reason=clocks.expiry_reason(clock) if clock else f"deadline {deadline.name} passed",
            )
            return "fired"
        except LostRace:
            continue  # the case moved meanwhile: look again
        except engine.TransitionRefused as refusal:
            logger.warning("timer refused", extra={"code": refusal.code})
            return "refused"
    raise LostRace("the case kept changing; the message will be retried")
