"""A case type's lifecycle exported as Amazon States Language, and as a Mermaid diagram.

The ASL mirrors the machine so the lifecycle can be seen and run in Step Functions: each
state that waits for a decision posts a task token to the lifecycle queue and resumes when
told which transition happened; a Choice then routes to the next state; terminal states
succeed. The case record stays the truth; the export is a faithful, runnable picture of it.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.workflow.machine import Machine, StartTimer, StateKind

QUEUE_PLACEHOLDER = "${LifecycleQueueUrl}"


def _choice_name(state: str) -> str:
    return f"{state}__what_happened"


def to_asl(machine: Machine) -> dict[str, Any]:
    states: dict[str, Any] = {}
    for state in machine.states:
        if state.kind is StateKind.TERMINAL:
            states[state.name] = {"Type": "Succeed", "Comment": state.description or state.name}
            continue
        outgoing = machine.available(state.name)
        states[state.name] = {
            "Type": "Task",
            "Comment": f"{state.kind.value}: {state.description}".rstrip(": "),
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {
                "QueueUrl": QUEUE_PLACEHOLDER,
                "MessageBody": {
                    "case_type": machine.case_type,
                    "state": state.name,
                    "case_id.$": "$.case_id",
                    "task_token.$": "$$.Task.Token",
                },
            },
            "ResultPath": "$.event",
            "Next": _choice_name(state.name),
        }
        states[_choice_name(state.name)] = {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.event.transition", "StringEquals": t.name, "Next": t.target}
                for t in outgoing
            ],
            "Default": state.name,  # anything else: keep waiting in the same state
        }
    return {
        "Comment": f"{machine.case_type}: {machine.title}".rstrip(": "),
        "StartAt": machine.initial.name,
        "States": states,
    }


def to_json(machine: Machine) -> str:
    return json.dumps(to_asl(machine), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def to_mermaid(machine: Machine) -> str:
    lines = ["stateDiagram-v2", f"    [*] --> {machine.initial.name}"]
    for t in machine.transitions:
        timers = [e for e in t.effects if isinstance(e, StartTimer)]
        label = f"{t.name} ({', '.join(sorted(t.roles))})"
        if timers:
            # a timer due at a moment the case knows shows where that moment comes from
            label += " ⏱ " + ", ".join(e.name + (f" at {e.at}" if e.at else "") for e in timers)
        for source in t.sources:
            lines.append(f"    {source} --> {t.target}: {label}")
    lines += [f"    {s.name} --> [*]" for s in machine.states if s.kind is StateKind.TERMINAL]
    return "\n".join(lines) + "\n"
