"""The gateway's settlement files, dropped as CSV into the documents bucket (an adapter)."""

from __future__ import annotations

from chalicelib.aws import client
from chalicelib.settings import get_settings

PREFIX = "etimbre/settlements/"


def key_for(day: str) -> str:
    return f"{PREFIX}{day}.csv"


def read(key: str) -> str | None:
    s3 = client("s3")
    try:
        answer = s3.get_object(Bucket=get_settings().documents_bucket, Key=key)
    except s3.exceptions.NoSuchKey:
        return None
    return str(answer["Body"].read().decode("utf-8"))


def write(key: str, text: str) -> None:
    """Used by the demo data and the tests, as the gateway's drop would."""
    client("s3").put_object(
        Bucket=get_settings().documents_bucket, Key=key, Body=text.encode(), ContentType="text/csv"
    )
