"""What a request costs on AWS, from the calls it made: DynamoDB on-demand request units,
Lambda requests and GB-seconds, API Gateway requests.

moto reports flat capacity figures (1.0 a query, nothing for a transaction), so the request
units are estimated here from what each call sent and got back, by DynamoDB's published
rules: a read unit per 4 KB read (half when eventually consistent), a write unit per 1 KB
written, twice both in a transaction. An UpdateItem's item is not sent back, so it counts
one unit per KB of what the call sent (the key and the new values): a floor when the item is
bigger. The item size follows DynamoDB's rule (names plus values), near enough for units.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

# List prices, eu-west-3 (Paris), on-demand, USD, as published when written (DynamoDB after
# its November 2024 cut). LIST PRICES TO BE CHECKED on the AWS pricing pages before anyone
# budgets with them; no free tier, no savings plan.
USD_PER_MILLION_READ_UNITS = 0.15  # DynamoDB on-demand read request unit
USD_PER_MILLION_WRITE_UNITS = 0.74  # DynamoDB on-demand write request unit
USD_PER_MILLION_LAMBDA_REQUESTS = 0.20
USD_PER_LAMBDA_GB_SECOND = 0.0000166667  # x86
USD_PER_MILLION_API_REQUESTS = 3.50  # API Gateway REST API (Chalice's), first 333 M a month

READS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"})
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})


@dataclass(frozen=True)
class Units:
    read: float = 0.0
    write: float = 0.0

    def __add__(self, other: Units) -> Units:
        return Units(self.read + other.read, self.write + other.write)


def value_size(value: dict[str, Any]) -> int:
    """Bytes of one attribute value in DynamoDB's wire shape ({"S": ...}, {"M": {...}})."""
    kind, inner = next(iter(value.items()))
    if kind == "S":
        return len(str(inner).encode())
    if kind == "N":
        return len(str(inner).lstrip("-").replace(".", "")) // 2 + 2
    if kind == "B":
        return len(inner) if isinstance(inner, bytes | bytearray) else len(str(inner)) * 3 // 4
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in inner)
    if kind == "M":
        return 3 + item_size(inner) + len(inner)
    if kind in ("SS", "NS", "BS"):
        return sum(value_size({kind[0]: v}) for v in inner)
    return 0


def item_size(item: dict[str, Any] | None) -> int:
    return sum(len(name.encode()) + value_size(v) for name, v in (item or {}).items())


def _read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / 4096))
    return float(units) if consistent else units / 2


def _write_units(size: int) -> float:
    return float(max(1, math.ceil(size / 1024)))


def _update_size(params: dict[str, Any]) -> int:
    return item_size(params.get("Key")) + item_size(params.get("ExpressionAttributeValues"))


def _get(params: dict[str, Any], answer: dict[str, Any]) -> Units:
    return Units(
        read=_read_units(item_size(answer.get("Item")), bool(params.get("ConsistentRead")))
    )


def _query(params: dict[str, Any], answer: dict[str, Any]) -> Units:
    size = sum(item_size(i) for i in answer.get("Items", []))
    return Units(read=_read_units(size, bool(params.get("ConsistentRead"))))


def _batch_get(params: dict[str, Any], answer: dict[str, Any]) -> Units:
    asked = params.get("RequestItems", {})
    total = 0.0
    for table, items in answer.get("Responses", {}).items():
        strong = bool(asked.get(table, {}).get("ConsistentRead"))
        total += sum(_read_units(item_size(i), strong) for i in items)
    return Units(read=total)


def _transact_get(params: dict[str, Any], answer: dict[str, Any]) -> Units:
    got = answer.get("Responses", [])
    return Units(read=sum(2 * _read_units(item_size(r.get("Item")), True) for r in got))


def _batch_write(params: dict[str, Any], answer: dict[str, Any]) -> Units:
    total = 0.0
    for requests in params.get("RequestItems", {}).values():
        for request in requests:
            put = request.get("PutRequest")
            total += _write_units(item_size(put["Item"])) if put else 1.0
    return Units(write=total)


def _transact_write(params: dict[str, Any], answer: dict[str, Any]) -> Units:
    total = 0.0
    for entry in params.get("TransactItems", []):
        kind, body = next(iter(entry.items()))
        size = item_size(body.get("Item")) if kind == "Put" else _update_size(body)
        total += 2 * _write_units(size)
    return Units(write=total)


_RULES: dict[str, Callable[[dict[str, Any], dict[str, Any]], Units]] = {
    "GetItem": _get,
    "Query": _query,
    "Scan": _query,
    "BatchGetItem": _batch_get,
    "TransactGetItems": _transact_get,
    "PutItem": lambda params, _: Units(write=_write_units(item_size(params.get("Item")))),
    "UpdateItem": lambda params, _: Units(write=_write_units(_update_size(params))),
    "DeleteItem": lambda params, _: Units(write=1.0),
    "BatchWriteItem": _batch_write,
    "TransactWriteItems": _transact_write,
}


def units(operation: str, params: dict[str, Any], result: Any) -> Units:
    """The request units of one DynamoDB call (none for calls that read or write no item)."""
    rule = _RULES.get(operation)
    return rule(params, result if isinstance(result, dict) else {}) if rule else Units()


class UnitMeter:
    """Request units of every DynamoDB call since the last clear(), across threads."""

    def __init__(self) -> None:
        self.total = Units()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self.total = Units()

    def add(self, more: Units) -> None:
        with self._lock:
            self.total = self.total + more


METER = UnitMeter()


@contextmanager
def metered() -> Iterator[UnitMeter]:
    """Every DynamoDB call counted into METER. Install before the call recorder, so that
    the recorder sees the ReturnConsumedCapacity this asks for (the answer is otherwise
    the same)."""
    from botocore.client import BaseClient

    original = BaseClient._make_api_call

    def metering(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        dynamodb = client.meta.service_model.service_name == "dynamodb"
        if dynamodb and (operation in READS or operation in WRITES):
            params.setdefault("ReturnConsumedCapacity", "TOTAL")
        result = original(client, operation, params)
        if dynamodb:
            METER.add(units(operation, params, result))
        return result

    BaseClient._make_api_call = metering  # type: ignore[method-assign]
    try:
        yield METER
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]


def memory_mb(stage: str = "prod") -> int:
    """The stage's Lambda memory in .chalice/config.json (the stage's, else the app's)."""
    import json
    from pathlib import Path

    config = json.loads(
        (Path(__file__).resolve().parent.parent / ".chalice/config.json").read_text()
    )
    stage_memory = config.get("stages", {}).get(stage, {}).get("lambda_memory_size")
    return int(stage_memory or config.get("lambda_memory_size", 128))


def usd_per_million(used: Units, duration_ms: float, memory: int) -> dict[str, float]:
    """USD per million requests like this one, by service and in total. Lambda bills each
    millisecond; the duration measured here (in-process, against moto) stands in for it."""
    dynamodb = used.read * USD_PER_MILLION_READ_UNITS + used.write * USD_PER_MILLION_WRITE_UNITS
    gb_seconds = memory / 1024 * max(1.0, duration_ms) / 1000
    lambda_ = USD_PER_MILLION_LAMBDA_REQUESTS + gb_seconds * USD_PER_LAMBDA_GB_SECOND * 1e6
    api = USD_PER_MILLION_API_REQUESTS
    return {
        "dynamodb": dynamodb,
        "lambda": lambda_,
        "api": api,
        "total": dynamodb + lambda_ + api,
    }


def rounded(usd: float) -> str:
    """Two significant figures: the prices and the durations are not better than that."""
    return "0" if usd == 0 else f"{float(f'{usd:.2g}'):g}"
