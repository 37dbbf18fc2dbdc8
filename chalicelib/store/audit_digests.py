"""The audit bucket's digests (S3, Object Lock in compliance mode): written once, read back,
their versions listed. ``chalicelib/audit/digest.py`` decides what a digest says."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.aws import client
from chalicelib.settings import get_settings


def put_once(key: str, body: bytes) -> bool:
    """Write ``key`` only if it does not exist; False if it does. The bucket's default
    retention locks the version written; the checksum is what S3 asks of locked writes."""
    from botocore.exceptions import ClientError

    try:
        client("s3").put_object(
            Bucket=get_settings().audit_bucket,
            Key=key,
            Body=body,
            ContentType="application/json",
            ChecksumAlgorithm="SHA256",
            IfNoneMatch="*",
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412"):
            return False
        raise
    return True


def read(key: str, version_id: str = "") -> dict[str, Any] | None:
    """The JSON object at ``key`` (or one version of it), or None: one GetObject."""
    s3 = client("s3")
    where = {"Bucket": get_settings().audit_bucket, "Key": key}
    try:
        answer = s3.get_object(**where, **({"VersionId": version_id} if version_id else {}))
    except s3.exceptions.NoSuchKey:
        return None
    value = json.loads(answer["Body"].read())
    return value if isinstance(value, dict) else None


def versions(key: str) -> tuple[list[str], bool]:
    """The object's versions, newest first, and whether a delete marker hides them (Object
    Lock keeps every version; a delete marker only hides it from a plain GET)."""
    answer = client("s3").list_object_versions(Bucket=get_settings().audit_bucket, Prefix=key)
    mine = [v for v in answer.get("Versions", []) if v["Key"] == key]
    markers = [m for m in answer.get("DeleteMarkers", []) if m["Key"] == key]
    ordered = sorted(mine, key=lambda v: v["LastModified"], reverse=True)
    return [str(v["VersionId"]) for v in ordered], any(m.get("IsLatest") for m in markers)
