"""The DynamoDB table behind ``Idempotency-Key``: one Powertools persistence layer."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalicelib.settings import get_settings


@lru_cache(maxsize=1)
def persistence_layer() -> Any:
    import boto3
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    settings = get_settings()
    return DynamoDBPersistenceLayer(
        table_name=settings.idempotency_table,
        boto3_client=boto3.client("dynamodb", region_name=settings.region),
    )
