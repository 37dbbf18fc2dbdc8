"""Secrets Manager values the app needs, read once per cold start."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.aws import client
from chalicelib.settings import get_settings


@lru_cache(maxsize=1)
def cursor_key() -> bytes:
    secret = client("secretsmanager").get_secret_value(SecretId=get_settings().cursor_secret_arn)
    return str(secret["SecretString"]).encode()
