"""Fixed-window request counters for the rate limiter (``chalicelib/api/ratelimit.py``).

They live in the idempotency table: like its records they are short-lived request
bookkeeping, not data (no point-in-time recovery, no retention), the table already expires
items through its TTL attribute ``expiration``, and the role may already update it. A
counter's id starts with ``ratelimit#``, which no Powertools record id does (theirs start
with the function's dotted name), so the two kinds never meet.

When the counters cannot be used (the table, or the secret their keys are hashed under, does
not answer) every function here raises ``CountersUnavailable``: the limiter decides what
that means (closed for public routes, open for signed-in callers) without knowing botocore.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from chalicelib.aws import client
from chalicelib.settings import get_settings

PREFIX = "ratelimit#"
# A counter stays one spare window after its own ends: DynamoDB deletes expired items
# lazily, and the limiter never reads an old window anyway (the window is in the id).
KEEP_AFTER_WINDOW_SECONDS = 60


class CountersUnavailable(Exception):
    """The counters could not be read or written: AWS did not answer, or refused."""


@contextmanager
def _unavailable_if_aws_fails() -> Iterator[None]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (BotoCoreError, ClientError) as error:
        raise CountersUnavailable(str(error)) from error


def hashing_key() -> bytes:
    """The app's secret key (Secrets Manager, read once per cold start) that client and
    identity keys are hashed under before they reach the table."""
    from chalicelib.store.secrets import cursor_key

    with _unavailable_if_aws_fails():
        return cursor_key()


def counter_id(bucket: str, client_key: str, window_start: int) -> str:
    return f"{PREFIX}{bucket}#{window_start}#{client_key}"


def take(bucket: str, client_key: str, window_start: int, window_end: int, limit: int) -> bool:
    """Counts one call in the window, in one conditional UpdateItem; False (and nothing
    written) when the window already holds ``limit`` calls."""
    from botocore.exceptions import ClientError

    with _unavailable_if_aws_fails():
        try:
            _add(bucket, client_key, window_start, window_end, limit)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
    return True


def add(bucket: str, client_key: str, window_start: int, window_end: int) -> None:
    """Counts one use in the window, whatever it already holds (a use that happened)."""
    with _unavailable_if_aws_fails():
        _add(bucket, client_key, window_start, window_end, None)


def _add(bucket: str, client_key: str, start: int, end: int, limit: int | None) -> None:
    values = {":one": {"N": "1"}, ":expiration": {"N": str(end + KEEP_AFTER_WINDOW_SECONDS)}}
    condition = {}
    if limit is not None:
        values[":limit"] = {"N": str(limit)}
        condition = {"ConditionExpression": "attribute_not_exists(#calls) OR #calls < :limit"}
    client("dynamodb").update_item(
        TableName=get_settings().idempotency_table,
        Key={"id": {"S": counter_id(bucket, client_key, start)}},
        UpdateExpression="ADD #calls :one SET #expiration = :expiration",
        ExpressionAttributeNames={"#calls": "calls", "#expiration": "expiration"},
        ExpressionAttributeValues=values,
        **condition,
    )


def used(bucket: str, client_key: str, window_start: int) -> int:
    """How many calls the window has counted (0 for a window never written)."""
    with _unavailable_if_aws_fails():
        answer = client("dynamodb").get_item(
            TableName=get_settings().idempotency_table,
            Key={"id": {"S": counter_id(bucket, client_key, window_start)}},
            ProjectionExpression="#calls",
            ExpressionAttributeNames={"#calls": "calls"},
        )
    return int(answer.get("Item", {}).get("calls", {}).get("N", "0"))
