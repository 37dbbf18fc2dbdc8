"""Khidmat: the Chalice application. It registers the blueprints, the HTTP middleware and the
event handlers; everything else lives in chalicelib/."""

import json
from typing import Any

from chalice import Chalice, Cron  # type: ignore[attr-defined]
from chalice.app import CloudWatchEvent, DynamoDBEvent, SQSEvent

from chalicelib import batch, services
from chalicelib.api.http_app import assemble
from chalicelib.api.routes.cases import cases
from chalicelib.api.routes.contacts import contacts
from chalicelib.api.routes.documents import documents
from chalicelib.api.routes.platform import platform
from chalicelib.api.routes.receipts import receipts
from chalicelib.audit.routes import audit_trail
from chalicelib.credentials.routes import credentials
from chalicelib.services.bac.certificate_routes import bac_certificate
from chalicelib.services.bac.office_routes import bac_office
from chalicelib.services.bac.routes import bac
from chalicelib.services.consular.agent_routes import consular_agent
from chalicelib.services.consular.catalogue_routes import consular_catalogue
from chalicelib.services.consular.release_routes import consular_releases
from chalicelib.services.consular.routes import consular
from chalicelib.services.enrollment.routes import enrollment
from chalicelib.services.equivalence.committee_routes import equivalence_committees
from chalicelib.services.equivalence.library_routes import equivalence_library
from chalicelib.services.equivalence.order_routes import equivalence_credentials
from chalicelib.services.equivalence.routes import equivalence
from chalicelib.services.etimbre.routes import etimbre
from chalicelib.settings import get_settings
from chalicelib.stats.routes import stats

services.install()  # the case types, each service's machines loaded when first needed
BLUEPRINTS = (
    *(platform, cases, contacts, documents, receipts, audit_trail, stats),
    *(equivalence_library, equivalence, equivalence_committees, equivalence_credentials),
    *(enrollment, bac_office, bac, bac_certificate),
    *(consular_catalogue, consular, consular_agent, consular_releases, etimbre),
    credentials,
)
# Powertools' Logger owns logging; Chalice's own handler would print every line twice.
app = assemble(Chalice(app_name="khidmat", configure_logs=False), *BLUEPRINTS)
# Receipts (and later letters) are PDFs: Chalice base64-encodes a body for API Gateway only
# when its media type is binary, and API Gateway decodes it for a client that accepts it.
app.api.binary_types.append("application/pdf")

_settings = get_settings()
_prefix = f"khidmat-{_settings.stage}"

# Stream and queue handlers hand each record to its own small function and return Lambda's
# partial batch response: a record that raises is delivered again alone (chalicelib/batch.py,
# docs/decisions.md 63). Chalice returns a handler's value to Lambda as it is.


@app.on_dynamodb_record(stream_arn=_settings.cases_stream_arn or "arn:aws:dynamodb:::stream")
def cases_stream(event: DynamoDBEvent) -> dict[str, Any]:
    """Timer requests and outbox messages committed with transitions."""
    return batch.process("dynamodb", event.to_dict(), _cases_record)


def _cases_record(record: dict[str, Any]) -> None:
    from chalicelib.workflow import stream

    stream.handle_record(record)


@app.on_sqs_message(queue=f"{_prefix}-timers", batch_size=10)
def timer_callbacks(event: SQSEvent) -> dict[str, Any]:
    """A Step Functions timer fell due."""
    return batch.process("sqs", event.to_dict(), _timer_message)


def _timer_message(body: str) -> None:
    from chalicelib.workflow.callbacks import timer_fired

    timer_fired(json.loads(body))


@app.on_sqs_message(queue=f"{_prefix}-uploads", batch_size=10)
def document_uploads(event: SQSEvent) -> dict[str, Any]:
    """S3 ObjectCreated notifications: check what arrived."""
    return batch.process("sqs", event.to_dict(), _upload_message)


def _upload_message(body: str) -> None:
    from chalicelib.documents.checks import handle_s3_event_records, records_of_message

    handle_s3_event_records(records_of_message(body))


@app.on_sqs_message(queue=f"{_prefix}-outbox-retry", batch_size=10)
def outbox_retries(event: SQSEvent) -> dict[str, Any]:
    """Notifications whose provider failed, tried again."""
    return batch.process("sqs", event.to_dict(), _outbox_retry_message)


def _outbox_retry_message(body: str) -> None:
    from chalicelib.notify.outbox import handle_retry_messages

    handle_retry_messages([json.loads(body)])


@app.on_sqs_message(queue=f"{_prefix}-massar", batch_size=1)
def massar_exports(event: SQSEvent) -> dict[str, Any]:
    """Approved pre-registrations handed to Massar; a failure leaves the message on the queue
    to be retried, and a pupil already registered is never sent again."""
    return batch.process("sqs", event.to_dict(), _massar_message)


def _massar_message(body: str) -> None:
    from chalicelib.services.enrollment.export import export_to_massar

    export_to_massar(json.loads(body))


# Lambda timeout 900 s (.chalice/config.json lambda_functions); the queue's visibility
# timeout (infra/template.yaml) is six times that.
@app.on_sqs_message(queue=f"{_prefix}-jobs", batch_size=1)
def background_jobs(event: SQSEvent) -> dict[str, Any]:
    """Work queued by a request because it outlasts API Gateway's 29 s (a decision import,
    a candidate list, a results publication): run by the handler of the job's kind, which
    the service's routes registered (chalicelib/jobs)."""
    return batch.process("sqs", event.to_dict(), _job_message)


def _job_message(body: str) -> None:
    from chalicelib.jobs.runner import handle_messages

    handle_messages([body])


@app.schedule(Cron(5, 0, "*", "*", "?", "*"))
def audit_digest(event: CloudWatchEvent) -> None:
    """Yesterday's audit digest (UTC): signed with the KMS key, locked in the audit bucket.
    Chalice creates the EventBridge rule: only its stack knows the function's ARN."""
    from chalicelib.audit.digest import publish_digest, yesterday

    publish_digest(yesterday())
