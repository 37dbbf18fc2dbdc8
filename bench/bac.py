"""Results day: what ``GET /bac/me/results`` costs, measured, and the capacity plan it implies
for 500,000 candidates reading their results within the first hour.

Measured in in-process moto on the demo data (scripts/demo/bac.py): the AWS calls of one
warm request for the session (``?year=``: it must be exactly one DynamoDB GetItem; without
it, the newest session, one Query of limit 1 at the same cost), the capacity DynamoDB reports for
it, the result item's size, and the handler's own time (token check included) over many
warm requests. The plan is computed from those figures and the stated assumptions below;
change an assumption and the plan follows.
"""

from __future__ import annotations

import math
import statistics
import time
from typing import Any

from bench.calls import _local_stack

Figures = dict[str, Any]

SAMPLES = 300  # warm requests timed
# Assumptions of the plan (not measured here: say so when quoting the plan)
CANDIDATES = 500_000
READS_PER_CANDIDATE = 3  # a first look, a refresh, a look with family: a candidate reloads
PEAK_FACTOR = 10  # the peak second against the hour's average: most read in the first minutes
DYNAMODB_GET_MS = 6.0  # a GetItem's round trip inside an AWS region (moto's is in-process)
PROD_MEMORY_MB = 1769  # .chalice/config.json, stage prod (one full vCPU)
LOCAL_CPU_SPEED = 1.0  # this machine's speed against a Lambda vCPU (1.0: as fast)
# List prices (USD), AWS pricing pages, eu-west-3 (Paris); check them before quoting a budget.
PRICE_RRU_PER_MILLION = 0.1485  # DynamoDB on-demand read request units
PRICE_RCU_HOUR = 0.000147  # DynamoDB provisioned read capacity unit-hour
PRICE_LAMBDA_REQUEST_PER_MILLION = 0.20
PRICE_LAMBDA_GB_SECOND = 0.0000166667
PRICE_API_REQUEST_PER_MILLION = 3.50  # REST API (what Chalice deploys)


def measure() -> Figures:
    with _local_stack() as key_dir:
        from datetime import UTC, datetime

        from chalice.test import Client

        from app import app
        from chalicelib.observability import logger
        from scripts.demo.bac import DEMO_CNIE
        from scripts.devtokens import mint
        from tests.support.aws_calls import RECORDER

        logger.setLevel("WARNING")
        token = mint("citizen", acr="cnie", cnie=DEMO_CNIE, sub="bench-bac", directory=key_dir)
        headers = {"Authorization": f"Bearer {token}"}
        year = datetime.now(UTC).year  # the demo session
        path = f"/bac/me/results?year={year}"
        with Client(app, stage_name="local") as client:
            first = client.http.get(path, headers=headers)
            RECORDER.clear()
            warm = client.http.get(path, headers=headers)
            calls = list(RECORDER.calls)
            timings = []
            for _ in range(SAMPLES):
                started = time.perf_counter()
                client.http.get(path, headers=headers)
                timings.append((time.perf_counter() - started) * 1000)
        item_bytes = _result_item_bytes(DEMO_CNIE, year)
    dynamodb = [c for c in calls if c.service == "dynamodb"]
    timings.sort()
    return {
        "bac.results.status": warm.status_code,
        "bac.results.published": bool(warm.json_body.get("published")) and first.status_code == 200,
        "bac.results.aws_calls": len(calls),
        "bac.results.dynamodb_ops": ", ".join(c.operation for c in dynamodb),
        "bac.results.capacity": sum(c.consumed_capacity for c in dynamodb),
        "bac.results.item_bytes": item_bytes,
        "bac.results.handler_ms_p50": round(statistics.median(timings), 2),
        "bac.results.handler_ms_p95": round(timings[int(len(timings) * 0.95) - 1], 2),
    }


def _result_item_bytes(cnie: str, year: int) -> int:
    """The item's size as DynamoDB counts it (names plus values), for its read units."""
    import boto3

    from chalicelib.settings import get_settings

    item = boto3.client("dynamodb").get_item(
        TableName=get_settings().reference_table,
        Key={"pk": {"S": f"BACR#{cnie}"}, "sk": {"S": f"RESULT#{year:04d}"}},
    )["Item"]
    return sum(len(name) + len(str(value)) for name, value in item.items())


def plan(figures: dict[str, object]) -> dict[str, float]:
    """The capacity plan from the measured figures and the assumptions above."""
    reads = CANDIDATES * READS_PER_CANDIDATE
    average_rps = reads / 3600
    peak_rps = average_rps * PEAK_FACTOR
    handler_ms = float(str(figures["bac.results.handler_ms_p95"])) / LOCAL_CPU_SPEED
    duration_ms = handler_ms + DYNAMODB_GET_MS
    concurrency = math.ceil(peak_rps * duration_ms / 1000)
    # Eventually consistent reads cost half a unit per 4 KB; measured capacity when reported.
    units = float(str(figures["bac.results.capacity"])) or 0.5 * math.ceil(
        int(str(figures["bac.results.item_bytes"])) / 4096
    )
    peak_rcu = math.ceil(peak_rps * units)
    gb_seconds = reads * (math.ceil(duration_ms) / 1000) * PROD_MEMORY_MB / 1024
    return {
        "reads": reads,
        "average_rps": average_rps,
        "peak_rps": peak_rps,
        "duration_ms": duration_ms,
        "concurrency": concurrency,
        "reserved_concurrency": max(100, math.ceil(concurrency * 2)),
        "units_per_read": units,
        "peak_rcu": peak_rcu,
        "on_demand_usd": reads * units / 1e6 * PRICE_RRU_PER_MILLION,
        "provisioned_usd": peak_rcu * PRICE_RCU_HOUR,
        "lambda_usd": reads / 1e6 * PRICE_LAMBDA_REQUEST_PER_MILLION
        + gb_seconds * PRICE_LAMBDA_GB_SECOND,
        "api_usd": reads / 1e6 * PRICE_API_REQUEST_PER_MILLION,
    }


def report(figures: dict[str, object]) -> list[str]:
    p = plan(figures)
    return [
        f"{'GET /bac/me/results':<32}[{figures['bac.results.status']}] AWS calls after the token "
        f"check: {figures['bac.results.aws_calls']} ({figures['bac.results.dynamodb_ops']}), "
        f"capacity {figures['bac.results.capacity']}, item {figures['bac.results.item_bytes']} B",
        f"{'':<32}handler (token check + GetItem in moto) p50 "
        f"{figures['bac.results.handler_ms_p50']} ms, "
        f"p95 {figures['bac.results.handler_ms_p95']} ms",
        f"{'results-day plan':<32}{CANDIDATES:,} candidates x {READS_PER_CANDIDATE} reads in the "
        f"first hour = {p['reads']:,.0f} reads; average {p['average_rps']:.0f}/s, peak "
        f"(x{PEAK_FACTOR}) {p['peak_rps']:.0f}/s",
        f"{'':<32}Lambda: {p['duration_ms']:.1f} ms a request (p95 here + {DYNAMODB_GET_MS} ms "
        f"GetItem in AWS) -> {p['concurrency']} concurrent executions at the peak; set reserved "
        f"concurrency {p['reserved_concurrency']} on the API function and provisioned "
        f"concurrency {p['concurrency']} from 15 minutes before the publication moment to an "
        f"hour after (no cold start in the spike)",
        f"{'':<32}DynamoDB: {p['units_per_read']} read unit a GetItem (item under 4 KB, eventually "
        f"consistent) -> {p['peak_rcu']} RCU at the peak; keys spread over one partition key per "
        f"CNIe, so no hot partition",
        f"{'':<32}on-demand: {p['reads'] * p['units_per_read'] / 1e6:.2f} M read units = "
        f"${p['on_demand_usd']:.2f}; provisioned for the hour at the peak: "
        f"${p['provisioned_usd']:.2f}"
        f" -> keep the reference table on-demand and pre-warm it (warm throughput >= "
        f"{p['peak_rcu']} reads/s) a day before",
        f"{'':<32}Lambda ${p['lambda_usd']:.2f} + API Gateway ${p['api_usd']:.2f} for the hour "
        f"(list prices, {PROD_MEMORY_MB} MB); raise the account's concurrency quota if "
        f"{p['reserved_concurrency']} does not fit beside the other functions",
    ]
