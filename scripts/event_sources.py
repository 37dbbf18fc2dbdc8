"""After ``chalice deploy``: the stage's event source mappings report batch item failures.

The app's stream and queue handlers answer Lambda's partial batch response
(``chalicelib/batch.py``), but Lambda reads it only from a mapping whose
``FunctionResponseTypes`` holds ``ReportBatchItemFailures``; otherwise it takes the answer
for a success and the failed records are lost. Chalice 1.34 creates the mappings
(``create_event_source_mapping`` with the batch size and window only) and cannot set that
field, so ``make deploy`` runs this step right after ``chalice deploy`` (docs/decisions.md
64): ``python -m scripts.event_sources --stage dev`` reads the stage's functions and the
mappings Chalice recorded in ``.chalice/deployed/<stage>.json``, lists every mapping of
those functions, and adds ``ReportBatchItemFailures`` where it is missing
(``lambda.update_event_source_mapping``). Run twice, the second run changes nothing; a
later ``chalice deploy`` updates a mapping's batch size and window only, so the setting
stays.

A stream mapping (DynamoDB, Kinesis) also gets a limit: Lambda retries a stream batch from
its first failed record until it expires (a day, for DynamoDB), holding its shard all that
time, so one record no handler can take would stop every later case's notifications. Here
a failing batch is split to find the record (``BisectBatchOnFunctionError``), retried
``STREAM_RETRIES`` times, then described in the stage's ``stream-failures`` queue (the shard
and sequence numbers; the records stay readable from the stream for a day) and the shard
moves on (decision 79). SQS mappings need none of it: their queues' redrive policies move a
message that keeps failing to a dead-letter queue.

On the package path (``scripts.deploy --package``) ``in_template`` writes the same settings
into the SAM template's SQS and DynamoDB events instead.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REPORT = "ReportBatchItemFailures"
BATCH_SOURCES = ("sqs", "dynamodb", "kinesis")  # the sources whose mappings take REPORT
EVENT_RECORDS = ("sqs_event", "dynamodb_event", "kinesis_event")  # Chalice's record types
SAM_EVENTS = ("SQS", "DynamoDB", "Kinesis")
STREAM_SOURCES = ("dynamodb", "kinesis")
SAM_STREAM_EVENTS = ("DynamoDB", "Kinesis")
STREAM_RETRIES = 10  # a handler's bug or a poison record, not a blip: the blips pass in fewer
ATTEMPTS = 6  # a mapping Chalice just created or updated answers "in use" for a few seconds


class NotDeployed(Exception):
    """No deploy of the stage to read; the message says why."""


def deployed(stage: str, project_dir: Path = ROOT) -> tuple[list[str], list[str]]:
    """The function ARNs and the event source mapping UUIDs ``chalice deploy`` recorded."""
    record = project_dir / ".chalice" / "deployed" / f"{stage}.json"
    if not record.exists():
        raise NotDeployed(f"{record} is missing: run `chalice deploy --stage {stage}` first")
    resources = json.loads(record.read_text()).get("resources", [])
    functions = [
        str(r["lambda_arn"]) for r in resources if r.get("resource_type") == "lambda_function"
    ]
    mappings = [str(r["event_uuid"]) for r in resources if r.get("resource_type") in EVENT_RECORDS]
    return functions, mappings


def _mappings_of(lambda_client: Any, functions: Iterable[str]) -> list[str]:
    found = []
    for function in functions:
        pages = lambda_client.get_paginator("list_event_source_mappings")
        for page in pages.paginate(FunctionName=function):
            found += [m["UUID"] for m in page.get("EventSourceMappings", [])]
    return found


def _source(mapping: dict[str, Any]) -> str:
    """The service of the mapping's source: ``arn:aws:sqs:...`` is ``sqs``."""
    parts = str(mapping.get("EventSourceArn", "")).split(":")
    return parts[2] if len(parts) > 2 else ""


def failures_queue(stage: str, region: str = "", account: str = "") -> str:
    """The ARN of the stage's stream failures queue (``infra/template.yaml`` names it)."""
    return f"arn:aws:sqs:{region}:{account}:khidmat-{stage}-stream-failures"


def _missing(mapping: dict[str, Any], stage: str) -> dict[str, Any]:
    """What ``update_event_source_mapping`` must set on ``mapping`` (nothing: it is right)."""
    source = _source(mapping)
    if source not in BATCH_SOURCES:
        return {}
    missing: dict[str, Any] = {}
    types = list(mapping.get("FunctionResponseTypes") or [])
    if REPORT not in types:
        missing["FunctionResponseTypes"] = [*types, REPORT]
    if source not in STREAM_SOURCES:
        return missing
    region, account = str(mapping["EventSourceArn"]).split(":")[3:5]
    destination = {"OnFailure": {"Destination": failures_queue(stage, region, account)}}
    if mapping.get("MaximumRetryAttempts") != STREAM_RETRIES:
        missing["MaximumRetryAttempts"] = STREAM_RETRIES
    if mapping.get("BisectBatchOnFunctionError") is not True:
        missing["BisectBatchOnFunctionError"] = True
    if (mapping.get("DestinationConfig") or {}).get("OnFailure") != destination["OnFailure"]:
        missing["DestinationConfig"] = destination
    return missing


def apply(
    lambda_client: Any,
    functions: Iterable[str],
    recorded: Iterable[str] = (),
    sleep: Callable[[float], None] = time.sleep,
    *,
    stage: str,
) -> list[str]:
    """Add ``ReportBatchItemFailures`` to every SQS, DynamoDB or Kinesis mapping of
    ``functions`` (and those ``recorded``), and the stream mappings' limit, where missing;
    return the UUIDs changed."""
    uuids = list(dict.fromkeys([*_mappings_of(lambda_client, functions), *recorded]))
    changed = []
    for uuid in uuids:
        missing = _missing(lambda_client.get_event_source_mapping(UUID=uuid), stage)
        if missing:
            _update(lambda_client, uuid, missing, sleep)
            changed.append(uuid)
    return changed


def _update(
    lambda_client: Any, uuid: str, fields: dict[str, Any], sleep: Callable[[float], None]
) -> None:
    for attempt in range(ATTEMPTS):
        try:
            lambda_client.update_event_source_mapping(UUID=uuid, **fields)
            return
        except lambda_client.exceptions.ResourceInUseException:
            if attempt == ATTEMPTS - 1:
                raise
            sleep(2.0**attempt)


def in_template(template: dict[str, Any], stage: str) -> list[str]:
    """The package path: ``ReportBatchItemFailures`` on every SQS, DynamoDB and Kinesis
    event of the SAM template's functions, and the stream events' limit (SAM makes each an
    event source mapping with them); return the events changed."""
    queue = failures_queue(stage, "${AWS::Region}", "${AWS::AccountId}")
    stream = {
        "MaximumRetryAttempts": STREAM_RETRIES,
        "BisectBatchOnFunctionError": True,
        "DestinationConfig": {"OnFailure": {"Type": "SQS", "Destination": {"Fn::Sub": queue}}},
    }
    changed = []
    for name, resource in template.get("Resources", {}).items():
        events = resource.get("Properties", {}).get("Events", {})
        for event_name, event in events.items():
            if event.get("Type") not in SAM_EVENTS:
                continue
            properties = event.setdefault("Properties", {})
            before = dict(properties)
            types = list(properties.get("FunctionResponseTypes", []))
            if REPORT not in types:
                properties["FunctionResponseTypes"] = [*types, REPORT]
            if event["Type"] in SAM_STREAM_EVENTS:
                properties.update(stream)
            if properties != before:
                changed.append(f"{name}.{event_name}")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else "")
    parser.add_argument("--stage", required=True, choices=["dev", "prod"])
    args = parser.parse_args(argv)
    import boto3

    try:
        functions, recorded = deployed(args.stage)
    except NotDeployed as error:
        print(f"event sources: {error}", file=sys.stderr)
        return 2
    changed = apply(boto3.client("lambda"), functions, recorded, stage=args.stage)
    if changed:
        print(f"event sources: {REPORT} and the streams' limit set on {', '.join(changed)}")
    else:
        print("event sources: every mapping of the stage's functions is already set")
    return 0


if __name__ == "__main__":
    sys.exit(main())
