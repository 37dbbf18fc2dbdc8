"""Every setting of the app, read once from environment variables.

Nothing else in the code base reads ``os.environ``: the Lambda's environment is written by
the deploy step from the CloudFormation outputs, and tests set it from the stack they deploy
into moto.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache


@dataclass(frozen=True)
class Issuer:
    """A token issuer the API trusts: the citizen identity provider or the staff directory."""

    name: str  # "citizen" or "staff"
    issuer: str
    audience: str
    jwks_url: str = ""
    jwks_file: str = ""


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    cases_table: str
    reference_table: str
    slots_table: str
    stamps_table: str
    idempotency_table: str
    audit_table: str
    documents_bucket: str
    audit_bucket: str
    data_key_id: str
    signing_key_id: str
    notifications_topic_arn: str
    timer_queue_url: str
    uploads_queue_url: str
    massar_queue_url: str
    timer_state_machine_arn: str
    cursor_secret_arn: str
    cases_stream_arn: str = ""
    outbox_retry_queue_url: str = ""
    outbox_dlq_url: str = ""
    # background jobs of every service (chalicelib/jobs), run by the queue's handler
    jobs_queue_url: str = ""
    sender_email: str = ""
    # eTimbre's card payment gateway: its base URL (empty: the in-process stand-in, local
    # stage only) and the secret shared for HMAC signatures.
    payment_gateway_url: str = ""
    payment_gateway_secret_arn: str = ""  # Secrets Manager, read at first use
    massar_credentials_secret_arn: str = ""  # Secrets Manager, read at first use
    # Massar's pupil-registration API; empty: the in-process stand-in (make run, tests)
    massar_endpoint: str = ""
    # Where citizens reach this API (scheme, host, perhaps a stage prefix): links in notices
    # are made from it (chalicelib/links.py). https off the local stage.
    public_base_url: str = ""
    issuers: tuple[Issuer, ...] = field(default_factory=tuple)
    max_body_bytes: int = 1_048_576
    log_level: str = "INFO"
    tracing_enabled: bool = False
    metrics_enabled: bool = True

    def issuer_named(self, name: str) -> Issuer | None:
        return next((i for i in self.issuers if i.name == name), None)


def _issuers(raw: str) -> tuple[Issuer, ...]:
    return tuple(Issuer(**item) for item in json.loads(raw or "[]"))


class MissingSetting(RuntimeError):
    """A setting without which the function must not start (it would guess, and open)."""


STAGES = ("local", "dev", "prod")


def settings_from(env: dict[str, str]) -> Settings:
    def get(name: str, default: str = "") -> str:
        return env.get(name, default)

    # No default stage: a function deployed without one would take itself for the local
    # stage, whose stand-ins and development issuers it must never trust.
    stage = get("KHIDMAT_STAGE")
    if stage not in STAGES:
        raise MissingSetting(f"KHIDMAT_STAGE must be one of {', '.join(STAGES)}, not {stage!r}")
    return Settings(
        stage=stage,
        region=get("AWS_REGION", get("AWS_DEFAULT_REGION", "eu-west-3")),
        cases_table=get("CASES_TABLE"),
        reference_table=get("REFERENCE_TABLE"),
        slots_table=get("SLOTS_TABLE"),
        stamps_table=get("STAMPS_TABLE"),
        idempotency_table=get("IDEMPOTENCY_TABLE"),
        audit_table=get("AUDIT_TABLE"),
        documents_bucket=get("DOCUMENTS_BUCKET"),
        audit_bucket=get("AUDIT_BUCKET"),
        data_key_id=get("DATA_KEY_ID"),
        signing_key_id=get("SIGNING_KEY_ID"),
        notifications_topic_arn=get("NOTIFICATIONS_TOPIC_ARN"),
        timer_queue_url=get("TIMER_QUEUE_URL"),
        uploads_queue_url=get("UPLOADS_QUEUE_URL"),
        massar_queue_url=get("MASSAR_QUEUE_URL"),
        timer_state_machine_arn=get("TIMER_STATE_MACHINE_ARN"),
        cursor_secret_arn=get("CURSOR_SECRET_ARN"),
        cases_stream_arn=get("CASES_STREAM_ARN"),
        outbox_retry_queue_url=get("OUTBOX_RETRY_QUEUE_URL"),
        outbox_dlq_url=get("OUTBOX_DLQ_URL"),
        jobs_queue_url=get("JOBS_QUEUE_URL"),
        sender_email=get("SENDER_EMAIL"),
        payment_gateway_url=get("PAYMENT_GATEWAY_URL"),
        payment_gateway_secret_arn=get("PAYMENT_GATEWAY_SECRET_ARN"),
        massar_credentials_secret_arn=get("MASSAR_CREDENTIALS_SECRET_ARN"),
        massar_endpoint=get("MASSAR_ENDPOINT"),
        public_base_url=get("PUBLIC_BASE_URL"),
        issuers=_issuers(get("AUTH_ISSUERS")),
        max_body_bytes=int(get("MAX_BODY_BYTES", "1048576")),
        log_level=get("LOG_LEVEL", "INFO"),
        tracing_enabled=get("POWERTOOLS_TRACE_DISABLED", "true").lower() != "true",
        metrics_enabled=get("POWERTOOLS_METRICS_DISABLED", "false").lower() != "true",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return settings_from(dict(os.environ))
