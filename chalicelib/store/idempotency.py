"""The DynamoDB table behind ``Idempotency-Key``: one Powertools persistence layer."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalicelib.aws import client
from chalicelib.settings import get_settings


@lru_cache(maxsize=1)
def persistence_layer() -> Any:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(
        table_name=get_settings().idempotency_table, boto3_client=client("dynamodb")
    )
