"""Reading the cases table's real (moto) stream, as the Lambda would receive it."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.aws import client
from chalicelib.settings import get_settings


@dataclass
class _Shard:
    """What this process has read of one shard: every record in order, where each case's
    records are in that list, and where to read on."""

    next_iterator: str | None = None
    records: list[dict[str, Any]] = field(default_factory=list)
    positions: dict[str, list[int]] = field(default_factory=dict)


# The stream of one stack keeps every record of the session: read from its start each time,
# a test late in a run waited on tens of thousands of records (decision 66). Each shard is
# read once, on from where the last reader stopped; keyed by stream ARN (a new stack starts
# afresh). A shard only grows (the records a failed transaction streamed are taken out before
# the request ends), so what was read stays what a read from the start would give.
_READ: dict[tuple[str, str], _Shard] = {}
_LOCK = threading.Lock()


def stream_records(case_ids: Iterable[str]) -> list[dict[str, Any]]:
    """Every stream record of those cases, from the start of each shard, in stream order."""
    streams, arn = client("dynamodbstreams"), get_settings().cases_stream_arn
    keys = {f"CASE#{case_id}" for case_id in case_ids}
    records: list[dict[str, Any]] = []
    with _LOCK:
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            read = _READ.setdefault((arn, shard["ShardId"]), _Shard())
            _read_on(streams, arn, shard["ShardId"], read)
            wanted = sorted(i for key in keys for i in read.positions.get(key, []))
            records += [copy.deepcopy(read.records[i]) for i in wanted]
    return records


def _read_on(streams: Any, arn: str, shard_id: str, read: _Shard) -> None:
    iterator = (
        read.next_iterator
        or streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
    )
    while True:
        answer = streams.get_records(ShardIterator=iterator, Limit=1000)
        for record in answer["Records"]:
            key = record["dynamodb"]["Keys"]["pk"]["S"]
            read.positions.setdefault(key, []).append(len(read.records))
            read.records.append(record)
        iterator = answer.get("NextShardIterator") or iterator
        if not answer["Records"]:
            break
    read.next_iterator = iterator
