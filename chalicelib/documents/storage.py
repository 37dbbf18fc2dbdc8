"""The documents bucket (presigned uploads and downloads arrive with the case engine)."""

from __future__ import annotations

from chalicelib.aws import client
from chalicelib.settings import get_settings


def bucket_reachable() -> bool:
    client("s3").head_bucket(Bucket=get_settings().documents_bucket)
    return True
