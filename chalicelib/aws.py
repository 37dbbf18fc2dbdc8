"""boto3 clients, built on first use (never at import) and shared by the adapters."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalicelib.settings import get_settings


@lru_cache(maxsize=16)
def client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10
    )
    return boto3.client(service, region_name=get_settings().region, config=config)
