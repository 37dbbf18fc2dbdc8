"""Stream and queue batches, one record at a time (docs/decisions.md 63).

Every DynamoDB-stream and SQS handler of the app hands its Lambda event to ``process`` with
the work for one record. Powertools' ``BatchProcessor`` runs that work on each record, logs
the ones that raised (with their traceback) and answers Lambda's partial batch response,
``{"batchItemFailures": [{"itemIdentifier": ...}]}``: the SQS message id, or the stream
record's sequence number. The event source mappings carry ``ReportBatchItemFailures``
(``scripts/event_sources.py`` after ``chalice deploy``, the SAM template on the package
path), so only those records come back: from a queue, the failed messages alone; from a
stream, the shard resumes at the first failed record, so the records before it are never
delivered again and order per shard is kept.

A batch where every record failed raises instead (Powertools' default): Lambda retries it
whole either way, and an invocation error is what the function's Errors metric and alarms
count.

Powertools is imported on first use: the API's Lambda, which shares ``app.py``, never pays
for it at cold start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Literal, cast

Source = Literal["sqs", "dynamodb"]


def process(
    source: Source, event: Mapping[str, Any], work: Callable[[Any], object]
) -> dict[str, Any]:
    """Run ``work`` on each record of ``event`` (the raw Lambda event); return the partial
    batch response. ``work`` gets an SQS message's body (text), or a stream record as the
    Lambda event holds it (a dict, DynamoDB JSON images); it raises to have the record
    delivered again."""
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    from chalicelib.observability import logger

    def sqs_record(record: Any) -> object:
        return work(record.body)

    def stream_record(record: Any) -> object:
        return work(record.raw_event)

    # The app's Logger (JSON, redacted) logs each failed record with its traceback; it has
    # the `warning(..., exc_info=...)` the processor calls, not the `logging.Logger` type.
    log = cast(logging.Logger, logger)
    if source == "sqs":
        processor, handler = BatchProcessor(EventType.SQS, logger=log), sqs_record
    else:
        processor, handler = BatchProcessor(EventType.DynamoDBStreams, logger=log), stream_record
    # A processor per call: it holds the batch's state, and `chalice local` or the local
    # pump may run two handlers at once.
    response = process_partial_response(dict(event), handler, processor)
    return dict(response)
