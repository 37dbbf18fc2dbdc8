"""Reading the cases table's real (moto) stream, as the Lambda would receive it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.aws import client
from chalicelib.settings import get_settings


def stream_records(case_ids: Iterable[str]) -> list[dict[str, Any]]:
    """Every stream record of those cases, from the start of each shard."""
    streams, arn = client("dynamodbstreams"), get_settings().cases_stream_arn
    keys = {f"CASE#{case_id}" for case_id in case_ids}
    records: list[dict[str, Any]] = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            answer = streams.get_records(ShardIterator=iterator, Limit=1000)
            records += answer["Records"]
            iterator = answer.get("NextShardIterator") if answer["Records"] else None
    return [r for r in records if r["dynamodb"]["Keys"]["pk"]["S"] in keys]
