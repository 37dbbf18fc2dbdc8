"""Khidmat: the Chalice application. It registers the blueprints, the HTTP middleware and the
event handlers; everything else lives in chalicelib/."""

import json

from chalice import Chalice  # type: ignore[attr-defined]
from chalice.app import DynamoDBEvent, SQSEvent

import chalicelib.services  # noqa: F401  (registers every service's case types)
from chalicelib.api.http_app import assemble
from chalicelib.documents.routes import documents
from chalicelib.platform.routes import platform
from chalicelib.settings import get_settings
from chalicelib.workflow.routes import cases

BLUEPRINTS = (platform, cases, documents)
# Powertools' Logger owns logging; Chalice's own handler would print every line twice.
app = assemble(Chalice(app_name="khidmat", configure_logs=False), *BLUEPRINTS)

_settings = get_settings()
_prefix = f"khidmat-{_settings.stage}"


@app.on_dynamodb_record(stream_arn=_settings.cases_stream_arn or "arn:aws:dynamodb:::stream")
def cases_stream(event: DynamoDBEvent) -> None:
    """Timer requests and outbox messages committed with transitions."""
    from chalicelib.workflow import stream

    stream.handle_records(event.to_dict()["Records"])


@app.on_sqs_message(queue=f"{_prefix}-timers", batch_size=10)
def timer_callbacks(event: SQSEvent) -> None:
    """A Step Functions timer fell due."""
    from chalicelib.workflow.callbacks import timer_fired

    for record in event:
        timer_fired(json.loads(record.body))


@app.on_sqs_message(queue=f"{_prefix}-uploads", batch_size=10)
def document_uploads(event: SQSEvent) -> None:
    """S3 ObjectCreated notifications: check what arrived."""
    from chalicelib.documents.checks import handle_s3_event_records, records_of_message

    for record in event:
        handle_s3_event_records(records_of_message(record.body))


@app.on_sqs_message(queue=f"{_prefix}-outbox-retry", batch_size=10)
def outbox_retries(event: SQSEvent) -> None:
    """Notifications whose provider failed, tried again."""
    from chalicelib.notify.outbox import handle_retry_messages

    handle_retry_messages([json.loads(record.body) for record in event])
