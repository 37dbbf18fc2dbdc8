"""What the case engine costs per request: a transition, and ``GET /cases/{id}``.

A transition should be one TransactWriteItems plus at most one read (loading the case); a
case with its history one Query. Counted on the demo case type in in-process moto.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from bench.calls import _local_stack

Figures = dict[str, Any]


def _dynamodb(calls: list[Any]) -> tuple[int, str, float]:
    ops = [c for c in calls if c.service == "dynamodb"]
    summary = ", ".join(f"{op} x{n}" for op, n in sorted(Counter(c.operation for c in ops).items()))
    return len(ops), summary, sum(c.consumed_capacity for c in ops)


def measure() -> Figures:
    with _local_stack() as key_dir:
        from chalice.test import Client

        from chalicelib.workflow import lifecycle
        from chalicelib.workflow.case import Contact
        from chalicelib.workflow.engine import Actor
        from scripts.devtokens import mint
        from tests.support.aws_calls import RECORDER
        from tests.support.demo_app import demo_app
        from tests.support.demo_case import DEMO

        owner = Actor("bench-owner", frozenset({"citizen"}))
        case = lifecycle.open_case(
            DEMO, owner.subject, "MEN", Contact(email="b@demo.invalid"), {"summary": "bench"}, owner
        )
        RECORDER.clear()
        loaded = lifecycle.load(case.id)
        lifecycle.act(DEMO, loaded, "submit", owner, {})
        transition = _dynamodb(RECORDER.calls)
        token = mint("citizen", sub=owner.subject, directory=key_dir)
        with Client(demo_app, stage_name="local") as client:
            client.http.get(f"/cases/{case.id}", headers={"Authorization": f"Bearer {token}"})
            RECORDER.clear()
            client.http.get(f"/cases/{case.id}", headers={"Authorization": f"Bearer {token}"})
            read = _dynamodb(RECORDER.calls)
    return {
        "cases.transition.dynamodb_calls": transition[0],
        "cases.transition.operations": transition[1],
        "cases.transition.capacity": transition[2],
        "cases.get_case.dynamodb_calls": read[0],
        "cases.get_case.operations": read[1],
        "cases.get_case.capacity": read[2],
    }


def report(figures: dict[str, object]) -> list[str]:
    lines = []
    for key, label in (
        ("transition", "transition (load + fire)"),
        ("get_case", "GET /cases/{id} (warm)"),
    ):
        lines.append(
            f"{label:<32}dynamodb calls: {figures[f'cases.{key}.dynamodb_calls']} "
            f"({figures[f'cases.{key}.operations']}), capacity {figures[f'cases.{key}.capacity']}"
        )
    return lines
