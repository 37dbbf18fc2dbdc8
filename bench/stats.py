"""What ``GET /public/stats/processing-times`` costs: DynamoDB calls and read units per
request, and a cost per million requests from list prices that are ASSUMPTIONS (eu-west-3,
on-demand, to be checked against the current AWS price list before quoting them).

The aggregates are filled to their worst case (every one of the 122 day buckets present in
each of the four months read). The stream side is measured too: what counting one decision
costs, through the repository the stream handler uses.
"""

from __future__ import annotations

import math
import statistics
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.calls import _local_stack

Figures = dict[str, Any]

# List prices, eu-west-3 (Paris): ASSUMPTIONS, not fetched; check before quoting.
USD_PER_MILLION_RRU = 0.25  # DynamoDB on-demand read request units
USD_PER_MILLION_WRU = 1.25  # DynamoDB on-demand write request units
USD_PER_MILLION_LAMBDA_REQUESTS = 0.20
USD_PER_GB_SECOND = 0.0000166667  # Lambda x86
USD_PER_MILLION_REST_API_CALLS = 3.50  # API Gateway REST API, first 333 million a month
LAMBDA_GB = 1.0  # lambda_memory_size 1024 in .chalice/config.json (dev; prod has 1769)
# A warm request: one DynamoDB Query (a few ms) and the app's own work. ASSUMED, since the
# in-process time measured here is moto's and this machine's, not Lambda's.
LAMBDA_BILLED_MS = 20
REQUESTS = 20
OFFICE = "BENCH-1"


def _item_bytes(raw: dict[str, Any]) -> int:
    """DynamoDB's size of an item: names plus values (strings in UTF-8, numbers about one
    byte per two significant digits plus one)."""
    size = 0
    for name, value in raw.items():
        size += len(name.encode())
        if "S" in value:
            size += len(value["S"].encode())
        elif "N" in value:
            size += (len(value["N"].lstrip("-0").replace(".", "")) + 1) // 2 + 1
    return size


def _fill(service: str, months: tuple[str, ...]) -> None:
    """Month items at their largest: every bucket present, counts of four digits. Written
    directly (the stream side's writes are measured in _stream_side)."""
    from chalicelib.aws import client
    from chalicelib.settings import get_settings
    from chalicelib.stats import histogram
    from chalicelib.store import stats as store

    for office in (OFFICE, store.ALL_OFFICES):
        for month in months:
            item = {
                "pk": {"S": store.month_key(service, office)},
                "sk": {"S": month},
                "service": {"S": service},
                "office": {"S": office},
                "decided": {"N": str(1000 * (histogram.OVERFLOW + 1))},
                "within": {"N": str(1000 * 61)},
            }
            for bucket in range(histogram.OVERFLOW + 1):
                item[histogram.attribute(bucket)] = {"N": "1000"}
            client("dynamodb").put_item(TableName=get_settings().reference_table, Item=item)


def _request(client: Any, url: str) -> tuple[list[Any], float, int]:
    from tests.support.aws_calls import RECORDER

    RECORDER.clear()
    started = time.perf_counter()
    answer = client.http.get(url)
    elapsed_ms = (time.perf_counter() - started) * 1000
    return [c for c in RECORDER.calls if c.service == "dynamodb"], elapsed_ms, answer.status_code


def _read_side(service: str) -> Figures:
    from chalice import Chalice  # type: ignore[attr-defined]
    from chalice.test import Client

    from chalicelib.api.http_app import assemble
    from chalicelib.stats import rules
    from chalicelib.stats.routes import stats

    window = rules.window(rules.local_day(datetime.now(UTC)))
    _fill(service, window.months)
    figures: Figures = {}
    app = assemble(Chalice(app_name="stats-bench", configure_logs=False), stats)
    path = "/public/stats/processing-times"
    with Client(app, stage_name="local") as client:
        for name, url in (
            ("office", f"{path}?service={service}&office={OFFICE}"),
            ("all", f"{path}?service={service}"),
        ):
            calls, _, status = _request(client, url)  # the first one warms the route
            timings = []
            for _ in range(REQUESTS):
                calls, elapsed_ms, status = _request(client, url)
                timings.append(elapsed_ms)
            ops = Counter(c.operation for c in calls)
            figures[f"stats.{name}.status"] = status
            figures[f"stats.{name}.dynamodb_calls"] = len(calls)
            figures[f"stats.{name}.operations"] = ", ".join(f"{o} x{n}" for o, n in ops.items())
            figures[f"stats.{name}.capacity_reported"] = sum(c.consumed_capacity for c in calls)
            figures[f"stats.{name}.warm_ms_median"] = round(statistics.median(timings), 2)
    return figures


def _sizes(service: str) -> tuple[int, int]:
    """Bytes the office Query returns (four full months) and how many items."""
    from chalicelib.aws import client
    from chalicelib.settings import get_settings
    from chalicelib.stats import rules

    window = rules.window(rules.local_day(datetime.now(UTC)))
    items = client("dynamodb").query(
        TableName=get_settings().reference_table,
        KeyConditionExpression="pk = :pk AND sk BETWEEN :a AND :b",
        ExpressionAttributeValues={
            ":pk": {"S": f"STATS#{service}#{OFFICE}"},
            ":a": {"S": window.months[0]},
            ":b": {"S": window.months[-1]},
        },
    )["Items"]
    return sum(_item_bytes(i) for i in items), len(items)


def _stream_side() -> Figures:
    from chalicelib.stats.stream import handle_case_records
    from chalicelib.store import case_mapping
    from chalicelib.workflow import lifecycle
    from chalicelib.workflow.case import Contact
    from chalicelib.workflow.engine import Actor
    from tests.support.aws_calls import RECORDER
    from tests.support.demo_case import DEMO

    owner = Actor("bench-stats", frozenset({"citizen"}))
    staff = Actor("bench-officer", frozenset({"equivalence_officer"}), OFFICE)
    at = datetime.now(UTC) - timedelta(days=20)
    case = lifecycle.open_case(DEMO, owner.subject, OFFICE, Contact(), {"summary": "b"}, owner, at)
    lifecycle.act(DEMO, case, "submit", owner, {}, at=at)
    before = lifecycle.load(case.id)
    lifecycle.act(DEMO, before, "accept", staff, {}, at=at + timedelta(days=9))
    after = lifecycle.load(case.id)
    record = {
        "eventID": "bench",
        "eventName": "MODIFY",
        "dynamodb": {
            "OldImage": case_mapping.to_item(before).serialize(),
            "NewImage": case_mapping.to_item(after).serialize(),
        },
    }
    RECORDER.clear()
    handle_case_records([record])
    calls = [c for c in RECORDER.calls if c.service == "dynamodb"]
    ops = Counter(c.operation for c in calls)
    return {
        "stats.stream.dynamodb_calls_per_decision": len(calls),
        "stats.stream.operations": ", ".join(f"{o} x{n}" for o, n in ops.items()),
        # a transaction costs two write units per item of up to 1 KB: the marker, two months
        "stats.stream.write_units_per_decision": 2 * 3,
    }


def measure() -> Figures:
    with _local_stack():
        from chalicelib.observability import logger
        from chalicelib.workflow import registry
        from tests.support.demo_case import DEMO

        logger.setLevel("WARNING")
        registry.register(DEMO)
        figures = _read_side(DEMO.case_type)
        size, items = _sizes(DEMO.case_type)
        figures.update(_stream_side())
    # A Query is billed on the summed size of what it returns, rounded up to 4 KB; an
    # eventually consistent read is half a unit per 4 KB.
    rru = 0.5 * max(1, math.ceil(size / 4096))
    dynamodb = rru * USD_PER_MILLION_RRU
    gb_seconds = 1e6 * LAMBDA_GB * LAMBDA_BILLED_MS / 1000
    lam = USD_PER_MILLION_LAMBDA_REQUESTS + gb_seconds * USD_PER_GB_SECOND
    figures.update(
        {
            "stats.query_bytes_worst_case": size,
            "stats.query_items": items,
            "stats.read_units_per_request": rru,
            "stats.usd_per_million.dynamodb": round(dynamodb, 4),
            "stats.usd_per_million.lambda": round(lam, 2),
            "stats.usd_per_million.api_gateway": USD_PER_MILLION_REST_API_CALLS,
            "stats.usd_per_million.total": round(
                dynamodb + lam + USD_PER_MILLION_REST_API_CALLS, 2
            ),
            "stats.usd_per_million_decisions.dynamodb_writes": round(
                int(figures["stats.stream.write_units_per_decision"]) * USD_PER_MILLION_WRU, 2
            ),
        }
    )
    return figures


def report(figures: dict[str, object]) -> list[str]:
    f = figures
    lines = []
    for name, label in (("office", "one office"), ("all", "all offices")):
        lines.append(
            f"{'GET processing-times, ' + label:<40}[{f[f'stats.{name}.status']}] dynamodb calls: "
            f"{f[f'stats.{name}.dynamodb_calls']} ({f[f'stats.{name}.operations']}), "
            f"warm {f[f'stats.{name}.warm_ms_median']} ms in-process (moto)"
        )
    lines += [
        f"{'  read units per request':<40}{f['stats.read_units_per_request']} "
        f"({f['stats.query_items']} month items, {f['stats.query_bytes_worst_case']} bytes at "
        "worst: every bucket filled; eventually consistent)",
        f"{'  USD per million requests':<40}DynamoDB {f['stats.usd_per_million.dynamodb']}, "
        f"Lambda {f['stats.usd_per_million.lambda']} (1 GB, {LAMBDA_BILLED_MS} ms ASSUMED), "
        f"API Gateway REST {f['stats.usd_per_million.api_gateway']}: "
        f"total {f['stats.usd_per_million.total']}",
        f"{'  ':<40}ASSUMED eu-west-3 list prices: ${USD_PER_MILLION_RRU}/M RRU, "
        f"${USD_PER_MILLION_REST_API_CALLS}/M REST calls, ${USD_PER_MILLION_LAMBDA_REQUESTS}/M "
        f"Lambda requests + ${USD_PER_GB_SECOND}/GB-s; a CDN honouring max-age=300 cuts them",
        f"{'counting one decision (stream)':<40}dynamodb calls: "
        f"{f['stats.stream.dynamodb_calls_per_decision']} ({f['stats.stream.operations']}), "
        f"{f['stats.stream.write_units_per_decision']} write units: "
        f"USD {f['stats.usd_per_million_decisions.dynamodb_writes']} per million decisions "
        f"(ASSUMED ${USD_PER_MILLION_WRU}/M WRU)",
    ]
    return lines
