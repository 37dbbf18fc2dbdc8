"""``make outbox``: what the notifications of ``make run`` did, read from its moto server.

Lists the e-mails SES accepted and the SMS SNS accepted (moto's ``/moto-api/data.json``),
each with the time it was sent, its template and language from the outbox, then the
outbox's pending and failed items and the depth of the retry and dead-letter queues.

    python -m scripts.outbox              # the list
    python -m scripts.outbox --deliver    # first deliver pending items (no event pump running)
    python -m scripts.outbox --redrive    # give dead letters a second chance, then the list

A local tool: it reads the whole table with a Scan, which no request path may do.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
from collections import Counter
from datetime import datetime
from typing import Any

from scripts.local_stack import FAKE_CREDENTIALS


def connect(stage: str) -> str:
    """Point boto3 and the app's settings at the moto server of ``make run``."""
    endpoint = f"http://127.0.0.1:{os.environ.get('MOTO_PORT', '5010')}"
    os.environ.update(FAKE_CREDENTIALS)
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    # this prints a report: the app's log lines and metrics would only clutter it
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    import boto3

    from infra import stack

    outputs = stack.outputs(boto3.client("cloudformation"), stage)
    os.environ.update(stack.environment(outputs, stage))
    return endpoint


def moto_data(endpoint: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=10) as answer:  # noqa: S310 (local)
        data: dict[str, Any] = json.load(answer)
    return data


def outbox_items(table: str) -> list[dict[str, Any]]:
    import boto3
    from boto3.dynamodb.types import TypeDeserializer

    plain, items = TypeDeserializer(), []
    pages = (
        boto3.client("dynamodb")
        .get_paginator("scan")
        .paginate(
            TableName=table,
            FilterExpression="begins_with(sk, :outbox)",
            ExpressionAttributeValues={":outbox": {"S": "OUTBOX#"}},
        )
    )
    for page in pages:
        items += [{k: plain.deserialize(v) for k, v in raw.items()} for raw in page["Items"]]
    return items


def waiting(queue_url: str) -> int:
    import boto3

    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed"]
    attributes = boto3.client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=names)[
        "Attributes"
    ]
    return sum(int(attributes.get(n, 0)) for n in names)


def deliver_pending(items: list[dict[str, Any]]) -> Counter[str]:
    from chalicelib.notify import outbox

    return Counter(outbox.deliver(i["pk"], i["sk"]) for i in items if i["status"] == "pending")


def redrive_dead_letters(dlq_url: str) -> Counter[str]:
    import boto3

    from chalicelib.notify import outbox

    sqs, outcomes = boto3.client("sqs"), Counter[str]()
    while messages := sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10).get(
        "Messages", []
    ):
        for message in messages:
            body = json.loads(message["Body"])
            outcomes[outbox.redrive(body["pk"], body["sk"])] += 1
            sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
    return outcomes


def when(item: dict[str, Any] | None) -> str:
    if not item or not item.get("sent_at"):
        return "-" * 19
    from chalicelib.notify.dates import ZONE

    moment = datetime.strptime(item["sent_at"], "%Y-%m-%dT%H:%M:%S.%f%z")
    return moment.astimezone(ZONE).strftime("%Y-%m-%d %H:%M:%S")


def report(data: dict[str, Any], items: list[dict[str, Any]]) -> list[str]:
    by_provider = {i["provider_id"]: i for i in items if i.get("provider_id")}
    mail = data.get("ses", {}).get("Message", [])
    sms = data.get("sns", {}).get("SMS", [])
    lines = [f"E-mail accepted by SES: {len(mail)}   (times in Africa/Casablanca)"]
    rows = []
    for m in mail:
        item = by_provider.get(m["id"])
        to = ", ".join(a for v in m.get("destinations", {}).values() for a in v)
        rows.append((when(item), f"{to:<28} {_label(item)} {m.get('subject', '')}"))
    lines += [f"  {t}  {text}" for t, text in sorted(rows)]
    lines.append(f"SMS accepted by SNS: {len(sms)}")
    rows = []
    for s in sms:
        item = by_provider.get(s["message_id"])
        first = s.get("message", "").splitlines()[0] if s.get("message") else ""
        rows.append((when(item), f"{s.get('phone_number', ''):<16} {_label(item)} {first}"))
    lines += [f"  {t}  {text}" for t, text in sorted(rows)]
    return lines


def _label(item: dict[str, Any] | None) -> str:
    return f"[{item['language']}] {item['template']:<21}" if item else "[??] (not from the outbox)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--stage", default="local")
    parser.add_argument("--deliver", action="store_true", help="deliver pending items first")
    parser.add_argument("--redrive", action="store_true", help="redrive the dead-letter queue")
    args = parser.parse_args(argv)
    try:
        endpoint = connect(args.stage)
    except Exception as error:  # no server, or no stack in it: say what to do
        print(f"no Khidmat stack on the moto server ({error}); start it with `make run`")
        return 1
    from chalicelib.settings import get_settings

    settings = get_settings()
    if args.deliver:
        print(f"delivered: {dict(deliver_pending(outbox_items(settings.cases_table)))}")
    if args.redrive:
        print(f"redriven: {dict(redrive_dead_letters(settings.outbox_dlq_url))}")
    items = outbox_items(settings.cases_table)
    print(f"Notifications on the moto server at {endpoint}\n")
    print("\n".join(report(moto_data(endpoint), items)))
    status = Counter(i["status"] for i in items)
    print(
        f"\nOutbox: {len(items)} items: {status['sent']} sent, {status['pending']} pending, "
        f"{status['failed']} failed. Retry queue: {waiting(settings.outbox_retry_queue_url)} "
        f"waiting; dead-letter queue: {waiting(settings.outbox_dlq_url)}."
    )
    for item in (i for i in items if i["status"] != "sent"):
        print(f"  {item['status']:<8} {item['sk']}  {item['channel']:<5} {item['template']}  "
              f"attempts {item['attempts']}  {item.get('last_error') or ''}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
