"""What eTimbre costs per request, and how it holds under a rush on one stamp.

A purchase should be one TransactWriteItems (the stamp, its day's aggregate, its expiry
timer); a payment callback a replay-guard PutItem, one read and one TransactWriteItems; a
use a read of the number and the stamp, and one TransactWriteItems. Then 50 concurrent uses
of one paid stamp: exactly one may succeed, and double use must print 0.
"""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.calls import _local_stack

Figures = dict[str, Any]
ATTEMPTS = 50


def _dynamodb(calls: list[Any]) -> tuple[int, str, float]:
    ops = [c for c in calls if c.service == "dynamodb"]
    summary = ", ".join(f"{op} x{n}" for op, n in sorted(Counter(c.operation for c in ops).items()))
    return len(ops), summary, sum(c.consumed_capacity for c in ops)


def measure() -> Figures:
    with _local_stack() as key_dir:
        from chalice.test import Client

        from app import app
        from chalicelib.store.etimbre import reads
        from scripts.devtokens import mint
        from scripts.standins.payment_gateway import use_standin
        from tests.support.aws_calls import RECORDER

        citizen = mint("citizen", sub="bench-etimbre", directory=key_dir)
        agent = mint("consular_agent", office="FR-PAR", sub="bench-agent", directory=key_dir)
        figures: Figures = {}
        with Client(app, stage_name="local") as client:

            def deliver(body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
                answer = client.http.post("/etimbre/payments/webhook", body=body, headers=headers)
                return answer.status_code, json.loads(answer.body or b"null")

            gateway = use_standin(deliver)

            def auth(token: str, key: str = "") -> dict[str, str]:
                extra = {"Idempotency-Key": key} if key else {}
                return {
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    **extra,
                }

            def buy(key: str) -> dict[str, Any]:
                body = json.dumps(
                    {"service": "passport", "consulate": "FR-PAR", "channel": "online"}
                )
                answer = client.http.post("/etimbre/stamps", headers=auth(citizen, key), body=body)
                return dict(answer.json_body)

            buy("bench-warm")  # a warm instance: caches filled
            RECORDER.clear()
            stamp = buy("bench-1")
            purchase = _dynamodb(RECORDER.calls)
            RECORDER.clear()
            [(_, paid)] = gateway.pay(stamp["pay_url"].rsplit("/", 1)[-1], "success")
            webhook = _dynamodb(RECORDER.calls)
            RECORDER.clear()
            client.http.post(
                f"/etimbre/stamps/{paid['number']}/consume",
                headers=auth(agent),
                body=json.dumps({"service": "passport"}),
            )
            consume = _dynamodb(RECORDER.calls)

            target = buy("bench-rush")
            [(_, rushed)] = gateway.pay(target["pay_url"].rsplit("/", 1)[-1], "success")
            successes = _rush(rushed["number"], agent)
            after = reads.by_number(rushed["number"])
            uses = sum(1 for e in (after.events if after else ()) if e["event"] == "used")
        for name, (count, operations, capacity) in (
            ("purchase", purchase),
            ("webhook", webhook),
            ("consume", consume),
        ):
            figures[f"etimbre.{name}.dynamodb_calls"] = count
            figures[f"etimbre.{name}.operations"] = operations
            figures[f"etimbre.{name}.capacity"] = capacity
        figures["etimbre.concurrent_consume.attempts"] = ATTEMPTS
        figures["etimbre.concurrent_consume.successes"] = successes
        figures["etimbre.concurrent_consume.double_use"] = max(0, uses - 1)
    return figures


def _rush(number: str, agent_token: str) -> int:
    """ATTEMPTS uses of one stamp at once, through the service (moto made atomic per
    request, as DynamoDB is): how many succeeded."""
    from chalicelib.identity import Principal
    from chalicelib.refusals import Refusal
    from chalicelib.services.etimbre.counter import consume

    del agent_token
    agent = Principal("bench-agent", "staff", frozenset({"consular_agent"}), office="FR-PAR")

    def use(n: int) -> int:
        try:
            consume(number, "passport", agent, "")  # at the counter, no appointment named
        except Refusal:
            return 0
        return 1

    with ThreadPoolExecutor(max_workers=16) as pool:
        return sum(pool.map(use, range(ATTEMPTS)))


def report(figures: dict[str, object]) -> list[str]:
    lines = []
    for key, label in (
        ("purchase", "POST /etimbre/stamps"),
        ("webhook", "POST /etimbre/payments/webhook"),
        ("consume", "POST /etimbre/stamps/{n}/consume"),
    ):
        lines.append(
            f"{label:<36}dynamodb calls: {figures[f'etimbre.{key}.dynamodb_calls']} "
            f"({figures[f'etimbre.{key}.operations']}), "
            f"capacity {figures[f'etimbre.{key}.capacity']}"
        )
    lines.append(
        f"{'50 concurrent consumes of one stamp':<36}"
        f"attempts {figures['etimbre.concurrent_consume.attempts']}, "
        f"successes {figures['etimbre.concurrent_consume.successes']}, "
        f"double use {figures['etimbre.concurrent_consume.double_use']}"
    )
    return lines
