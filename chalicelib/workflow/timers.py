"""The timer adapter: durable deadlines as Step Functions executions (a Wait until the due
time, then a message on the timer queue that the app consumes).

Timer requests are written with the transition; the cases stream brings them here. An
execution is named after the case, the deadline and when it was armed, so starting it twice
is harmless, and a stopped or stale timer's callback finds nothing to fire.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.aws import client
from chalicelib.observability import logger
from chalicelib.settings import get_settings

TimerHandler = Callable[[dict[str, Any]], str]
# Deadlines that are not a case's (an eTimbre stamp's expiry), by the prefix of their name:
# a handler, or its "module:function" imported on the first callback (cold start stays light).
_HANDLERS: dict[str, TimerHandler | str] = {}


def register_timer_handler(prefix: str, handler: TimerHandler | str) -> None:
    """Callbacks whose deadline starts with ``prefix`` go to ``handler`` instead of a case's
    expiry transition (``callbacks.timer_fired``). Registering again replaces."""
    if not prefix:
        raise ValueError("a timer handler needs a non-empty deadline prefix")
    _HANDLERS[prefix] = handler


def handler_for(deadline: str) -> TimerHandler | None:
    """The registered handler of ``deadline`` (the longest matching prefix), or None."""
    matching = [p for p in _HANDLERS if deadline.startswith(p)]
    if not matching:
        return None
    prefix = max(matching, key=len)
    handler = _HANDLERS[prefix]
    if isinstance(handler, str):
        module, _, name = handler.partition(":")
        handler = getattr(importlib.import_module(module), name)
        _HANDLERS[prefix] = handler
    resolved: TimerHandler = handler  # type: ignore[assignment]
    return resolved


def start(execution_name: str, case_id: str, deadline: str, due_at: datetime) -> None:
    states = client("stepfunctions")
    try:
        states.start_execution(
            stateMachineArn=get_settings().timer_state_machine_arn,
            name=execution_name,
            input=json.dumps(
                {
                    "case_id": case_id,
                    "deadline": deadline,
                    "due_at": due_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
            ),
        )
    except states.exceptions.ExecutionAlreadyExists:
        logger.info("timer already started", extra={"execution": execution_name})


def stop(execution_name: str) -> None:
    machine = get_settings().timer_state_machine_arn
    arn = machine.replace(":stateMachine:", ":execution:") + f":{execution_name}"
    states = client("stepfunctions")
    try:
        states.stop_execution(executionArn=arn, cause="the deadline became moot")
    except states.exceptions.ExecutionDoesNotExist:
        logger.info("timer to stop does not exist", extra={"execution": execution_name})


def apply(image: dict[str, Any]) -> None:
    """Carry out a timer request from its stream image (DynamoDB JSON)."""

    def value(name: str) -> str:
        return str(image.get(name, {}).get("S", ""))

    if value("action") == "start":
        start(
            value("execution_name"),
            value("case_id"),
            value("name"),
            datetime.fromisoformat(value("due_at")),
        )
    elif value("action") == "stop":
        stop(value("execution_name"))
