"""Where the decisions index lives: the SQLite file in the documents bucket and the pointer
to the current one in the reference table.

- ``s3://<documents>/library/equivalence/index/<version>.sqlite``: one immutable object per
  build (a new import writes a new object; a container still reading the old one is fine).
- reference table ``EQLIB#INDEX`` / ``CURRENT``: the version and key of the index in force.
  Swapped on condition that it still names the version the import started from, so two
  imports at once cannot silently lose one another's rows (the second answers 409).
- import files are read from the same bucket, under ``imports/equivalence/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from botocore.exceptions import ClientError
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.models import Model

from chalicelib import clock
from chalicelib.aws import client
from chalicelib.settings import get_settings
from chalicelib.store.binding import bound

INDEX_PREFIX = "library/equivalence/index/"
IMPORT_PREFIX = "imports/equivalence/"
REFERENCE_PREFIX = "library/equivalence/references/"
MAX_IMPORT_BYTES = 64 * 1024 * 1024


class IndexPointerItem(Model):
    class Meta:
        table_name = "reference"
        settings_key = "reference_table"

    pk = UnicodeAttribute(hash_key=True, default="EQLIB#INDEX")
    sk = UnicodeAttribute(range_key=True, default="CURRENT")
    version = UnicodeAttribute()
    key = UnicodeAttribute()
    decisions = NumberAttribute()
    size = NumberAttribute()
    built_at = UTCDateTimeAttribute()


@dataclass(frozen=True)
class Pointer:
    version: str
    key: str
    decisions: int
    size: int
    built_at: datetime


class Superseded(Exception):
    """Another import replaced the index while this one was building."""


class ImportFileMissing(Exception):
    pass


class ImportFileTooLarge(Exception):
    pass


def current() -> Pointer | None:
    """The index in force, or None before the first import (one GetItem)."""
    try:
        item = bound(IndexPointerItem).get("EQLIB#INDEX", "CURRENT")
    except DoesNotExist:
        return None
    return Pointer(item.version, item.key, int(item.decisions), int(item.size), item.built_at)


def download(pointer: Pointer, destination: Path) -> None:
    """The index file of ``pointer`` into ``destination`` (written aside, then renamed)."""
    partial = destination.with_suffix(".part")
    client("s3").download_file(get_settings().documents_bucket, pointer.key, str(partial))
    partial.replace(destination)


def publish(path: Path, version: str, decisions: int, previous: str | None) -> Pointer:
    """Upload a built index and make it current, if ``previous`` is still the current one."""
    key = f"{INDEX_PREFIX}{version}.sqlite"
    client("s3").upload_file(str(path), get_settings().documents_bucket, key)
    size = path.stat().st_size
    item = bound(IndexPointerItem)(
        version=version, key=key, decisions=decisions, size=size, built_at=clock.now()
    )
    condition = (
        IndexPointerItem.pk.does_not_exist()
        if previous is None
        else IndexPointerItem.version == previous
    )
    try:
        item.save(condition=condition)
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise Superseded(version) from error
        raise
    return Pointer(version, key, decisions, size, item.built_at)


def check_import(key: str) -> int:
    """The size of an import file, if it is there and not too large (one HeadObject).
    Raises ImportFileMissing or ImportFileTooLarge."""
    try:
        head = client("s3").head_object(Bucket=get_settings().documents_bucket, Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            raise ImportFileMissing(key) from error
        raise
    size = int(head["ContentLength"])
    if size > MAX_IMPORT_BYTES:
        raise ImportFileTooLarge(key)
    return size


def read_import(key: str) -> bytes:
    """The content of an import file the admin uploaded under ``imports/equivalence/``."""
    check_import(key)
    bucket = get_settings().documents_bucket
    body: bytes = client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    return body


def put_object(key: str, content: bytes, content_type: str) -> None:
    """Used by the demo seed and tests to place import files and reference texts."""
    client("s3").put_object(
        Bucket=get_settings().documents_bucket, Key=key, Body=content, ContentType=content_type
    )


def delete_object(key: str) -> None:
    """Used by tests: a file removed after its import was queued."""
    client("s3").delete_object(Bucket=get_settings().documents_bucket, Key=key)


def download_link(key: str, seconds: int = 3600) -> str:
    """A presigned GET for a public file of the library (signed locally: no AWS call)."""
    url: str = client("s3").generate_presigned_url(
        "get_object",
        Params={"Bucket": get_settings().documents_bucket, "Key": key},
        ExpiresIn=seconds,
    )
    return url
