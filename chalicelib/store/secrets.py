"""Secrets Manager values the app needs, read once per cold start."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.aws import client
from chalicelib.settings import get_settings


@lru_cache(maxsize=1)
def cursor_key() -> bytes:
    secret = client("secretsmanager").get_secret_value(SecretId=get_settings().cursor_secret_arn)
    return str(secret["SecretString"]).encode()


def payment_gateway_secret() -> str:
    """The card gateway's shared secret; "" when the stage names none (refused by the caller)."""
    arn = get_settings().payment_gateway_secret_arn
    return _secret_string(arn) if arn else ""


def massar_credentials() -> str:
    """The bearer token Massar gave this stage; "" when the stage names none (refused)."""
    arn = get_settings().massar_credentials_secret_arn
    return _secret_string(arn) if arn else ""


@lru_cache(maxsize=4)
def _secret_string(arn: str) -> str:
    return str(client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"])
