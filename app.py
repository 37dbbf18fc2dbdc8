"""Khidmat: the Chalice application. It registers the blueprints, the HTTP middleware and the
event handlers; everything else lives in chalicelib/."""

import json

from chalice import Chalice, Cron  # type: ignore[attr-defined]
from chalice.app import CloudWatchEvent, DynamoDBEvent, SQSEvent

from chalicelib.api.http_app import assemble
from chalicelib.audit.routes import audit_digests
from chalicelib.credentials.routes import credentials
from chalicelib.documents.receipt_routes import receipts
from chalicelib.documents.routes import documents
from chalicelib.notify.routes import contacts
from chalicelib.platform.routes import platform
from chalicelib.services.bac.certificate_routes import bac_certificate
from chalicelib.services.bac.office_routes import bac_office
from chalicelib.services.bac.routes import bac
from chalicelib.services.consular.agent_routes import consular_agent
from chalicelib.services.consular.catalogue_routes import consular_catalogue
from chalicelib.services.consular.routes import consular
from chalicelib.services.enrollment.routes import enrollment
from chalicelib.services.equivalence.committee_routes import equivalence_committees
from chalicelib.services.equivalence.library_routes import equivalence_library
from chalicelib.services.equivalence.routes import equivalence
from chalicelib.services.etimbre.routes import etimbre
from chalicelib.settings import get_settings
from chalicelib.stats.routes import stats
from chalicelib.workflow.routes import cases

BLUEPRINTS = (
    *(platform, cases, contacts, documents, receipts, audit_digests, stats),
    *(equivalence_library, equivalence, equivalence_committees),
    *(enrollment, bac_office, bac, bac_certificate),
    *(consular_catalogue, consular, consular_agent, etimbre),
    credentials,
)
# Powertools' Logger owns logging; Chalice's own handler would print every line twice.
app = assemble(Chalice(app_name="khidmat", configure_logs=False), *BLUEPRINTS)
# Receipts (and later letters) are PDFs: Chalice base64-encodes a body for API Gateway only
# when its media type is binary, and API Gateway decodes it for a client that accepts it.
app.api.binary_types.append("application/pdf")

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


@app.on_sqs_message(queue=f"{_prefix}-massar", batch_size=1)
def massar_exports(event: SQSEvent) -> None:
    """Approved pre-registrations handed to Massar; a failure leaves the message on the queue
    to be retried, and a pupil already registered is never sent again."""
    from chalicelib.services.enrollment.export import export_to_massar

    for record in event:
        export_to_massar(json.loads(record.body))


# Lambda timeout 900 s (.chalice/config.json lambda_functions); the queue's visibility
# timeout (infra/template.yaml) is six times that.
@app.on_sqs_message(queue=f"{_prefix}-jobs", batch_size=1)
def background_jobs(event: SQSEvent) -> None:
    """Work queued by a request because it outlasts API Gateway's 29 s (a decision import,
    a candidate list, a results publication): run by the handler of the job's kind, which
    the service's routes registered (chalicelib/jobs)."""
    from chalicelib.jobs.runner import handle_messages

    handle_messages([record.body for record in event])


@app.schedule(Cron(5, 0, "*", "*", "?", "*"))
def audit_digest(event: CloudWatchEvent) -> None:
    """Yesterday's audit digest (UTC): signed with the KMS key, locked in the audit bucket.
    Chalice creates the EventBridge rule: only its stack knows the function's ARN."""
    from chalicelib.audit.digest import publish_digest, yesterday

    publish_digest(yesterday())
