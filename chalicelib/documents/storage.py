"""The documents bucket (presigned uploads and downloads arrive with the case engine), and
the files an office puts there to be read whole by a job (a candidate list): their size
and their bytes, None when there is no such file."""

from __future__ import annotations

from chalicelib.aws import client
from chalicelib.settings import get_settings

MISSING = ("NoSuchKey", "404", "NotFound")  # what S3 answers for a key with no object


def bucket_reachable() -> bool:
    client("s3").head_bucket(Bucket=get_settings().documents_bucket)
    return True


def size(key: str) -> int | None:
    """One HeadObject."""
    from botocore.exceptions import ClientError

    try:
        head = client("s3").head_object(Bucket=get_settings().documents_bucket, Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code", "") in MISSING:
            return None
        raise
    return int(head["ContentLength"])


def read(key: str) -> bytes | None:
    """One GetObject, the body read whole."""
    from botocore.exceptions import ClientError

    try:
        raw: bytes = (
            client("s3").get_object(Bucket=get_settings().documents_bucket, Key=key)["Body"].read()
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code", "") in MISSING:
            return None
        raise
    return raw
