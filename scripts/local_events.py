"""The local event pump: what AWS would deliver to the app's event handlers, delivered by
polling moto. It reads the cases table's stream and the timer, uploads and outbox-retry
queues, and calls the app's own handlers with Lambda-shaped events.

``make run`` runs it in a thread; tests call ``drain()`` to deliver everything pending.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

import boto3

QUEUES = {  # setting holding the queue URL -> the app's handler for it
    "TIMER_QUEUE_URL": "timer_callbacks",
    "UPLOADS_QUEUE_URL": "document_uploads",
    "OUTBOX_RETRY_QUEUE_URL": "outbox_retries",
    "MASSAR_QUEUE_URL": "massar_exports",
    "JOBS_QUEUE_URL": "background_jobs",
}


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
        records: list[dict[str, Any]] = []
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
            records += answer["Records"]
        if records:
            self.app.cases_stream({"Records": records}, FakeContext())
        return len(records)

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
        getattr(self.app, QUEUES[setting])(event, FakeContext())
        for message in messages:  # as Lambda does once the handler returned
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)
