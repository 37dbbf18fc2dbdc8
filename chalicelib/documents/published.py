"""Public files the app makes from its own data (the equivalence guide), kept in the documents
bucket under ``public/``.

Each version of a file is its own immutable object: written once (a conditional PUT, so two
builders at once cannot both write), never overwritten, KMS-encrypted like every object of
the bucket. A container still serving an older version keeps finding it while a newer one is
built. Only this module touches those objects; the services say which key and which bytes.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

from chalicelib.aws import client
from chalicelib.settings import get_settings

KMS = "aws:kms"  # as the case documents (documents/uploads.py): the stack's data key
_MISSING = ("404", "NoSuchKey", "NotFound")
# Another writer got there first (412), or is writing the same key right now (409).
_TAKEN = ("PreconditionFailed", "ConditionalRequestConflict")


@dataclass(frozen=True)
class Bucket:
    """Where public files go: the documents bucket, its KMS key and an S3 client. The app
    uses its own (``here()``); the deploy and the build command name a stack's."""

    name: str
    key_id: str
    s3: Any


def here() -> Bucket:
    settings = get_settings()
    return Bucket(settings.documents_bucket, settings.data_key_id, client("s3"))


def _code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def read(key: str, bucket: Bucket | None = None) -> bytes | None:
    """The object's bytes (one GetObject), or None if no one built it yet."""
    where = bucket or here()
    try:
        answer = where.s3.get_object(Bucket=where.name, Key=key)
    except where.s3.exceptions.ClientError as error:
        if _code(error) in _MISSING:
            return None
        raise
    with answer["Body"] as body:
        content: bytes = body.read()
    return content


def exists(key: str, bucket: Bucket | None = None) -> bool:
    """Whether the object is there (one HeadObject, nothing downloaded)."""
    where = bucket or here()
    try:
        where.s3.head_object(Bucket=where.name, Key=key)
    except where.s3.exceptions.ClientError as error:
        if _code(error) in _MISSING:
            return False
        raise
    return True


def put_once(key: str, content: bytes, content_type: str, bucket: Bucket | None = None) -> bool:
    """Write the object unless it exists (``If-None-Match: *``): True if this call wrote it,
    False if another writer had (or is writing) that key."""
    where = bucket or here()
    digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
    try:
        where.s3.put_object(
            Bucket=where.name,
            Key=key,
            Body=content,
            ContentType=content_type,
            ServerSideEncryption=KMS,
            SSEKMSKeyId=where.key_id,
            ChecksumSHA256=digest,
            IfNoneMatch="*",
        )
    except where.s3.exceptions.ClientError as error:
        if _code(error) in _TAKEN:
            return False
        raise
    return True
