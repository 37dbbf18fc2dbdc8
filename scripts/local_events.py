"""The local event pump: what AWS would deliver to the app's event handlers, delivered by
polling moto. It reads the cases table's stream and the timer, uploads, outbox-retry,
Massar and jobs queues, and calls the app's own handlers with Lambda-shaped events.

It honours the handlers' partial batch responses (``batchItemFailures``) as Lambda does
with ``ReportBatchItemFailures`` (docs/decisions.md 63): a queue's messages are deleted but
the failed ones, which come back once the queue's visibility timeout has passed (and go to
its dead-letter queue after its ``maxReceiveCount``); a stream shard resumes at its first
failed record, delivering it and the records after it again. A handler that raises fails
its whole batch. As Lambda does after the stream mapping's retries (``scripts/event_sources.py``,
decision 79), the pump gives a stream record up, after ``STREAM_ATTEMPTS`` deliveries here,
and says so, so that a local stack never stalls.

``make run`` runs it in a thread; tests call ``drain()`` to deliver everything pending.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, ClassVar

import boto3

QUEUES = {  # setting holding the queue URL -> the app's handler for it
    "TIMER_QUEUE_URL": "timer_callbacks",
    "UPLOADS_QUEUE_URL": "document_uploads",
    "OUTBOX_RETRY_QUEUE_URL": "outbox_retries",
    "MASSAR_QUEUE_URL": "massar_exports",
    "JOBS_QUEUE_URL": "background_jobs",
}
STREAM_ATTEMPTS = 3  # deliveries of a failing stream record before the pump skips it


@dataclass(frozen=True)
class Failure:
    """A record a handler reported as failed (or all of a batch whose handler raised)."""

    handler: str
    identifier: str  # the SQS message id, or the stream record's sequence number
    given_up: bool = False  # a stream record skipped after STREAM_ATTEMPTS


class FakeContext:
    function_name = "local-event-pump"
    aws_request_id = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


class Pump:
    # How far any pump of the process has read each stream shard: a new pump starts there,
    # not at the stream's start (from the start, a long session's backlog outgrew a drain's
    # rounds and a test's own records were never reached). Each pump then reads on with its
    # own iterator, so a pump running in another thread never takes a record from this one.
    # Keyed by stream ARN: a new stack starts afresh.
    _reached: ClassVar[dict[tuple[str, str], str]] = {}

    def __init__(self, app_module: Any, env: dict[str, str]) -> None:
        self.app = app_module
        self.env = env
        self.streams = boto3.client("dynamodbstreams")
        self.sqs = boto3.client("sqs")
        self._iterators: dict[str, str] = {}
        self._retry: dict[str, list[dict[str, Any]]] = {}  # shard -> from its first failure
        self._attempts: dict[str, int] = {}  # sequence number -> deliveries that failed
        self.failures: list[Failure] = []  # every failure reported, for tests and the log

    def drain(self, rounds: int = 20) -> int:
        """Deliver until nothing is pending (or ``rounds`` passes); returns events delivered."""
        delivered = 0
        for _ in range(rounds):
            moved = self._stream_once() + sum(self._queue_once(q) for q in QUEUES)
            delivered += moved
            if not moved:
                break
        return delivered

    def run_forever(self, stop: threading.Event, interval: float = 1.0) -> None:
        while not stop.is_set():
            try:
                self.drain()
            except Exception as error:  # keep pumping; the app's handlers log their failures
                print(f"event pump: {type(error).__name__}: {error}", flush=True)
            stop.wait(interval)

    def _stream_once(self) -> int:
        arn = self.env["CASES_STREAM_ARN"]
        shards = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        delivered = 0
        for shard in shards:
            shard_id = shard["ShardId"]
            iterator = (
                self._iterators.get(shard_id)
                or Pump._reached.get((arn, shard_id))
                or self.streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            )
            answer = self.streams.get_records(ShardIterator=iterator, Limit=100)
            self._iterators[shard_id] = answer["NextShardIterator"]
            Pump._reached[(arn, shard_id)] = answer["NextShardIterator"]
            records = self._retry.pop(shard_id, []) + answer["Records"]
            if records:  # one invocation per shard, as Lambda does
                self._retry[shard_id] = self._stream_batch(records)
                delivered += len(records)
        return delivered

    def _stream_batch(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Deliver a shard's records; return those to deliver again: from the first failed
        one on (the shard's checkpoint), that one dropped once it failed STREAM_ATTEMPTS
        times."""
        numbers = [str(r["dynamodb"]["SequenceNumber"]) for r in records]
        failed = self._failed("cases_stream", {"Records": records}, numbers)
        if not failed:
            return []
        first = min(i for i, number in enumerate(numbers) if number in failed)
        number = numbers[first]
        self._attempts[number] = self._attempts.get(number, 0) + 1
        if self._attempts[number] < STREAM_ATTEMPTS:
            return records[first:]
        del self._attempts[number]
        self.failures.append(Failure("cases_stream", number, given_up=True))
        print(
            f"event pump: stream record {number} failed {STREAM_ATTEMPTS} times, skipped "
            "(on AWS, after its retries, the stage's stream failures queue describes it)",
            flush=True,
        )
        return records[first + 1 :]

    def _queue_once(self, setting: str) -> int:
        url = self.env[setting]
        messages = self.sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0
        ).get("Messages", [])
        if not messages:
            return 0
        event = {
            "Records": [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": {},
                    "messageAttributes": {},
                    "eventSource": "aws:sqs",
                    "eventSourceARN": f"arn:aws:sqs:local:000000000000:{url.rsplit('/', 1)[-1]}",
                }
                for m in messages
            ]
        }
        ids = [m["MessageId"] for m in messages]
        failed = self._failed(QUEUES[setting], event, ids)
        for message in messages:  # as Lambda does once the handler returned: all but the failed
            if message["MessageId"] not in failed:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def _failed(self, handler: str, event: dict[str, Any], identifiers: list[str]) -> set[str]:
        """Call the app's handler; the identifiers of the records it reported as failed, all of
        them if it raised."""
        try:
            response = getattr(self.app, handler)(event, FakeContext())
        except Exception as error:
            print(f"event pump: {handler} raised {type(error).__name__}: {error}", flush=True)
            failed = set(identifiers)
        else:
            reported = response.get("batchItemFailures") if isinstance(response, dict) else None
            failed = {str(item["itemIdentifier"]) for item in reported or []}
        self.failures += [Failure(handler, i) for i in identifiers if i in failed]
        return failed
