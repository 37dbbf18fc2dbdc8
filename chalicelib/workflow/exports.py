"""The export adapter: a hand-over to another system (Massar ...) decided by a transition is
written with it as an EXPORT# item; the cases stream brings it here and it goes on the
target's queue. The queue's consumer (the target's adapter) must be idempotent: a stream
record may be delivered more than once."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chalicelib.aws import client
from chalicelib.settings import Settings, get_settings

# target -> the setting holding its queue's URL
QUEUES: dict[str, Callable[[Settings], str]] = {"massar": lambda s: s.massar_queue_url}


class UnknownTarget(Exception):
    pass


def message_of(image: dict[str, Any]) -> dict[str, str]:
    """The queue message for an EXPORT# item's stream image."""
    return {
        "case_id": image["case_id"]["S"],
        "reference": image["reference"]["S"],
        "case_type": image["case_type"]["S"],
        "target": image["target"]["S"],
        "export_id": f"{image['pk']['S']}|{image['sk']['S']}",
    }


def dispatch(image: dict[str, Any]) -> None:
    message = message_of(image)
    queue = QUEUES.get(message["target"])
    if queue is None:
        raise UnknownTarget(message["target"])
    client("sqs").send_message(QueueUrl=queue(get_settings()), MessageBody=json.dumps(message))
