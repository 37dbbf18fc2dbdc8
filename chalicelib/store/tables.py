"""The tables the app uses, and their reachability for ``GET /health``."""

from __future__ import annotations

from chalicelib.aws import client
from chalicelib.settings import Settings


def table_names(settings: Settings) -> dict[str, str]:
    return {
        "cases": settings.cases_table,
        "reference": settings.reference_table,
        "slots": settings.slots_table,
        "stamps": settings.stamps_table,
        "idempotency": settings.idempotency_table,
        "audit": settings.audit_table,
    }


def table_status(name: str) -> str:
    return str(client("dynamodb").describe_table(TableName=name)["Table"]["TableStatus"])
