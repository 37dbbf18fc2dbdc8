"""Presigned uploads and downloads of case documents.

Browsers send files straight to S3 with a presigned POST whose policy fixes the key, the
content type, the exact size and KMS encryption, so no file passes through the Lambda. S3
under moto enforces none of these conditions, so ``post_terms`` is pure and tested as data,
and the upload handler (``checks``) checks again what really arrived.
"""

from __future__ import annotations

import base64
import json
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from chalicelib import clock
from chalicelib.aws import client
from chalicelib.refusals import LostRace
from chalicelib.settings import get_settings
from chalicelib.workflow import lifecycle
from chalicelib.workflow.case import Case, Document
from chalicelib.workflow.engine import Actor
from chalicelib.workflow.machine import Machine, StateKind

UPLOAD_SECONDS = 600  # a browser starts its upload right after asking for it
DOWNLOAD_SECONDS = 300  # a link that leaks is dead within minutes
KMS = "aws:kms"
MAX_DOCUMENTS = 50  # per case: each is an item read with the case, and a history entry
ATTACH_TRIES = 5  # concurrent attachments to one case: each round, at least one succeeds
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
_ALIASES = {".jpg": (".jpeg",)}
_EXTENSION = re.compile(r"^[A-Za-z0-9]{1,5}$")
_KEY = re.compile(r"cases/([A-Za-z0-9]{1,64})/([A-Za-z0-9]{1,64})")


@dataclass(frozen=True)
class PresignedPost:
    url: str
    fields: dict[str, str]
    expires_at: datetime


class Refused(Exception):
    """The case takes no more documents (closed, or full)."""


def refusal(machine: Machine, case: Case) -> str:
    """Why ``case`` takes no more documents, or ""."""
    if machine.state(case.state).kind is StateKind.TERMINAL:
        return "The case is closed: it takes no more documents."
    if len(case.documents) >= MAX_DOCUMENTS:
        return f"A case takes at most {MAX_DOCUMENTS} documents."
    return ""


def attach(
    machine: Machine,
    case: Case,
    actor: Actor,
    kind: str,
    content_type: str,
    size: int,
    file_name: str = "",
) -> tuple[Document, PresignedPost]:
    """Declare a document (awaiting its upload) in the case's history, with who attached it,
    and sign its upload.

    A browser asks for several files at once, and each write is conditioned on the case's
    version: a lost race is retried on the fresh case. Raises Refused, or LostRace
    when the case kept changing.
    """
    for attempt in range(1, ATTACH_TRIES + 1):
        why_not = refusal(machine, case)
        if why_not:
            raise Refused(why_not)
        document = _declared(case, actor, kind, content_type, size, file_name)
        data = {"document_id": document.id, "kind": kind, "role": document.uploaded_role}
        try:
            lifecycle.record(
                case, "document_attached", actor, data, (document,), document.created_at
            )
        except LostRace:
            if attempt == ATTACH_TRIES:
                raise
            case = lifecycle.load(case.id)
            continue
        return document, presigned_post(document)
    raise AssertionError("unreachable")


def new_document_id() -> str:
    return uuid.uuid4().hex


def _declared(
    case: Case, actor: Actor, kind: str, content_type: str, size: int, file_name: str
) -> Document:
    document_id = new_document_id()
    return Document(
        id=document_id,
        kind=kind,
        content_type=content_type,
        size=size,
        status="awaiting_upload",
        uploaded_by=actor.subject,
        uploaded_role=sorted(actor.roles)[0],
        created_at=clock.now(),
        key=upload_key(case.id, document_id),
        file_name=clean_file_name(file_name),
    )


def upload_key(case_id: str, document_id: str) -> str:
    """Where the browser uploads: reachable by the presigned POST until it expires."""
    return f"cases/{case_id}/{document_id}"


def parse_upload_key(key: str) -> tuple[str, str] | None:
    """(case id, document id) of an upload key; None for any other object."""
    match = _KEY.fullmatch(key)
    return (match.group(1), match.group(2)) if match else None


def verified_key(case_id: str, document_id: str, sha256: str) -> str:
    """Where a checked file is kept and served from. No presigned POST reaches it, so an
    upload that overwrites the checked one under the same policy is never served."""
    return f"verified/{case_id}/{document_id}/{sha256}"


def post_terms(document: Document, key_id: str) -> tuple[dict[str, str], list[Any]]:
    """The form fields and the policy conditions of an upload (besides bucket and key, which
    boto3 adds as exact matches)."""
    fields = {
        "Content-Type": document.content_type,
        "x-amz-server-side-encryption": KMS,
        "x-amz-server-side-encryption-aws-kms-key-id": key_id,
    }
    conditions: list[Any] = [
        {"Content-Type": document.content_type},  # an exact match, not starts-with
        # The browser knows the file's exact size; anything else is not the declared file.
        ["content-length-range", document.size, document.size],
        # The bucket policy refuses puts without it; in the policy, the form must carry it.
        {"x-amz-server-side-encryption": KMS},
        {"x-amz-server-side-encryption-aws-kms-key-id": key_id},
    ]
    return fields, conditions


def sign_post(s3: Any, bucket: str, key_id: str, document: Document) -> PresignedPost:
    fields, conditions = post_terms(document, key_id)
    answer = s3.generate_presigned_post(
        bucket, document.key, Fields=fields, Conditions=conditions, ExpiresIn=UPLOAD_SECONDS
    )
    signed = {str(k): str(v) for k, v in answer["fields"].items()}
    return PresignedPost(str(answer["url"]), signed, policy_expiry(signed["policy"]))


def presigned_post(document: Document) -> PresignedPost:
    settings = get_settings()
    return sign_post(client("s3"), settings.documents_bucket, settings.data_key_id, document)


def decode_policy(policy: str) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.b64decode(policy))
    return decoded


def policy_expiry(policy: str) -> datetime:
    """When S3 stops accepting the upload, as the signed policy says (not our own clock)."""
    return datetime.fromisoformat(decode_policy(policy)["expiration"]).astimezone(UTC)


def download_url(document: Document, now: datetime | None = None) -> tuple[str, datetime]:
    """A presigned GET of the checked copy, as an attachment with the declared type."""
    now = now or clock.now()
    params = {
        "Bucket": get_settings().documents_bucket,
        "Key": document.key,
        "ResponseContentType": document.content_type,
        "ResponseContentDisposition": content_disposition(document),
    }
    url = client("s3").generate_presigned_url(
        "get_object", Params=params, ExpiresIn=DOWNLOAD_SECONDS
    )
    return str(url), now + timedelta(seconds=DOWNLOAD_SECONDS)


def content_disposition(document: Document) -> str:
    """``attachment`` so a browser saves the file rather than rendering it in our origin's
    name; an ASCII fallback and the UTF-8 name (Arabic names are common)."""
    name = shown_name(document)
    fallback = "".join(c if _plain(c) else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def shown_name(document: Document) -> str:
    """The name a download is saved under: the declared one without invisible formatting
    characters (a right-to-left override makes "cod.exe" read "exe.doc"), ending with the
    extension of what the file was checked to be (photo.html of a PNG saves as photo.png)."""
    extension = EXTENSIONS.get(document.content_type, "")
    name = clean_file_name(document.file_name) or document.kind
    stem, dot, suffix = name.rpartition(".")
    if dot and f".{suffix.lower()}" in (extension, *_ALIASES.get(extension, ())):
        return name
    if dot and stem and _EXTENSION.match(suffix):
        name = stem
    return f"{name}{extension}"


def clean_file_name(name: str) -> str:
    """``name`` without Unicode format characters (bidirectional controls, zero widths)."""
    return "".join(c for c in name if unicodedata.category(c) != "Cf").strip()


def _plain(character: str) -> bool:
    return character.isascii() and character.isprintable() and character not in '"\\'
