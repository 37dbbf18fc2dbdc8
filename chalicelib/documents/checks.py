"""What arrived in the documents bucket, checked before anyone may download it.

The presigned POST's policy bounds an upload, but a file can still lie about its type, and
moto enforces no policy at all. So the ObjectCreated handler reads the object (never more
than the declared size allows), checks magic bytes, size and that a PDF or image really
opens, then marks the document verified (and keeps the checked bytes under a key no upload
can reach) or rejected. Deliveries are at least once: a decided document is left alone.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from io import BytesIO
from typing import Any
from urllib.parse import unquote_plus

from chalicelib.aws import client
from chalicelib.documents import content_safety, malware
from chalicelib.documents.uploads import KMS, parse_upload_key, verified_key
from chalicelib.observability import logger
from chalicelib.refusals import LostRace
from chalicelib.settings import get_settings
from chalicelib.workflow import lifecycle, registry
from chalicelib.workflow.case import Case, Document
from chalicelib.workflow.engine import Actor
from chalicelib.workflow.machine import JPEG, PDF, PNG

AWAITING, VERIFIED, REJECTED = "awaiting_upload", "verified", "rejected"
UPLOADS = Actor.system("uploads")
CONFLICT_RETRIES = 5
MAX_PIXELS = 50_000_000  # a 50 MP photo decodes to 150 MB: more is a decompression bomb
MAGIC = {PDF: b"%PDF-", JPEG: b"\xff\xd8\xff", PNG: b"\x89PNG\r\n\x1a\n"}
PIL_FORMATS = {JPEG: "JPEG", PNG: "PNG"}

# Why a file was rejected: the code is kept on the document, the text goes to the history.
REASONS = {
    "empty": "The file is empty.",
    "too_large": "The file is larger than declared, or than its kind allows.",
    "size_mismatch": "The file's size is not the size declared.",
    "type_mismatch": "The file's content is not of the declared type.",
    "unreadable": "The file is damaged or cannot be opened.",
    "encrypted": "The PDF is protected by a password.",
    "no_pages": "The PDF has no page.",
    "too_many_pixels": "The image is too large in pixels.",
    "active_content": "The PDF holds active content (scripts, actions, embedded files or "
    "forms): send a plain scan or a printed PDF.",
    "polyglot": "The file is also another kind of file (a web page or another document).",
    "malware": "The malware scan found a threat in the file.",
    "not_scanned": "The malware scan could not check the file: send it again.",
}


@dataclass(frozen=True)
class Verdict:
    reason: str = ""  # a key of REASONS, or "" when the file passed
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason


@dataclass(frozen=True)
class Outcome:
    status: str  # verified, rejected, unchanged (already decided) or ignored (not ours)
    case_id: str = ""
    document_id: str = ""
    reason: str = ""


def sniff(content: bytes) -> str | None:
    """The type the first bytes announce, among those the checklists accept."""
    return next((t for t, magic in MAGIC.items() if content.startswith(magic)), None)


def inspect(content: bytes, document: Document, limit: int) -> Verdict:
    """Whether ``content`` is the file ``document`` declares, no bigger than ``limit``."""
    if not content:
        return Verdict("empty")
    if len(content) > limit:
        return Verdict("too_large")
    if len(content) != document.size:
        return Verdict("size_mismatch")
    if sniff(content) != document.content_type:
        return Verdict("type_mismatch")
    if content_safety.polyglot(content, document.content_type):
        return Verdict("polyglot")
    if document.content_type == PDF:
        problem = _pdf_problem(content)
    else:
        problem = _image_problem(content, PIL_FORMATS[document.content_type])
    if problem:
        return Verdict(problem)
    return Verdict(sha256=hashlib.sha256(content).hexdigest())


def _pdf_problem(content: bytes) -> str:
    # A PDF ends with %%EOF; pypdf would forgive a cut file, a reader at the office may not.
    if b"%%EOF" not in content[-1024:]:
        return "unreadable"
    from pypdf import PdfReader  # deferred: about 100 ms of imports, for uploads only

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are the file's faults
    try:
        reader = PdfReader(BytesIO(content), strict=False)
        if reader.is_encrypted:
            return "encrypted"
        if len(reader.pages) == 0:
            return "no_pages"
        reader.pages[0].mediabox  # noqa: B018 - resolves the first page's objects
        active = content_safety.pdf_active_content(reader)
    except Exception as error:  # pypdf raises many kinds on a damaged file
        logger.info("unreadable PDF", extra={"error": type(error).__name__})
        return "unreadable"
    return "active_content" if active else ""


def _image_problem(content: bytes, expected_format: str) -> str:
    from PIL import Image  # deferred: Pillow is needed only here

    # Only the declared format's decoder sees the file, none of Pillow's many others.
    try:
        with Image.open(BytesIO(content), formats=[expected_format]) as image:
            if image.width * image.height > MAX_PIXELS:
                return "too_many_pixels"
            image.verify()  # structure and checksums, without decoding
        with Image.open(BytesIO(content), formats=[expected_format]) as image:
            image.load()  # decodes every pixel: a truncated image fails here
    except Exception as error:  # Pillow raises OSError, SyntaxError, ValueError ...
        logger.info("unreadable image", extra={"error": type(error).__name__})
        return "unreadable"
    return ""


def check_uploaded(bucket: str, key: str) -> Outcome:
    """The ObjectCreated handler's work for one object."""
    ids = parse_upload_key(key)
    if bucket != get_settings().documents_bucket or ids is None:
        return Outcome("ignored")  # a checked copy, or not an upload at all
    case = lifecycle.find(ids[0])
    document = _document(case, ids[1])
    if case is None or document is None:
        logger.warning("upload of an unknown document", extra={"key": key})
        return Outcome("ignored", ids[0], ids[1])
    if document.status != AWAITING:
        return Outcome("unchanged", case.id, document.id, document.reason)
    limit = _limit(case, document)
    fetched = _fetch(bucket, key, document, limit)
    if fetched is None:
        return Outcome("ignored", case.id, document.id)
    verdict = fetched if isinstance(fetched, Verdict) else _scanned(bucket, key, fetched)
    if verdict.ok and isinstance(fetched, bytes):
        verdict = inspect(fetched, document, limit)
    if verdict.ok and isinstance(fetched, bytes):
        document = document._replace(key=_keep(case.id, document, fetched, verdict.sha256))
    return _decide(case, document, verdict)


def _scanned(bucket: str, key: str, content: bytes) -> Verdict:
    """The malware scan first: a threat is refused whatever else the file is. Raises
    ``malware.ScanPending`` while the scan has not answered (the event comes again)."""
    result = malware.verdict(bucket, key, content)
    if result == malware.CLEAN:
        return Verdict()
    return Verdict("malware" if result == malware.THREATS else "not_scanned")


def _document(case: Case | None, document_id: str) -> Document | None:
    return None if case is None else next((d for d in case.documents if d.id == document_id), None)


def _limit(case: Case, document: Document) -> int:
    """The declared size, capped by the checklist's rule (the grant checked both)."""
    try:
        rule = registry.machine_for(case.case_type).document_rule(document.kind)
    except KeyError:
        rule = None
    return min(document.size, rule.max_bytes) if rule else document.size


def _fetch(bucket: str, key: str, document: Document, limit: int) -> bytes | Verdict | None:
    """The object's bytes (at most ``limit`` + 1 of them), a verdict without reading them,
    or None when the object is gone."""
    s3 = client("s3")
    try:
        answer = s3.get_object(Bucket=bucket, Key=key)
    except s3.exceptions.NoSuchKey:
        return None
    with answer["Body"] as body:
        if int(answer["ContentLength"]) > limit:
            return Verdict("too_large")
        if answer.get("ContentType") != document.content_type:
            return Verdict("type_mismatch")  # stored under another type than the policy fixed
        content: bytes = body.read(limit + 1)
        return content


def _keep(case_id: str, document: Document, content: bytes, sha256: str) -> str:
    """Store the very bytes just checked under the key they are served from. (Copying the
    upload instead would copy whatever a second POST under the same policy put there.)"""
    target = verified_key(case_id, document.id, sha256)
    client("s3").put_object(
        Bucket=get_settings().documents_bucket,
        Key=target,
        Body=content,
        ContentType=document.content_type,
        ServerSideEncryption=KMS,
        SSEKMSKeyId=get_settings().data_key_id,
        ChecksumSHA256=base64.b64encode(bytes.fromhex(sha256)).decode(),
    )
    return target


def _decide(case: Case, document: Document, verdict: Verdict) -> Outcome:
    """Record the verdict; on a lost race re-read the case and try again, unless someone
    (another delivery of the same event) decided meanwhile."""
    status = VERIFIED if verdict.ok else REJECTED
    decided = document._replace(status=status, reason=verdict.reason, sha256=verdict.sha256)
    data = {"document_id": document.id, "kind": document.kind}
    if verdict.ok:
        data["sha256"] = verdict.sha256
    else:
        data |= {"reason": verdict.reason, "detail": REASONS[verdict.reason]}
    for _ in range(CONFLICT_RETRIES):
        try:
            lifecycle.record(case, f"document_{status}", UPLOADS, data, documents=(decided,))
        except LostRace:
            fresh = lifecycle.find(case.id)
            current = _document(fresh, document.id)
            if fresh is None or current is None or current.status != AWAITING:
                return Outcome("unchanged", case.id, document.id)
            case = fresh
            continue
        logger.info("document checked", extra={"case_id": case.id, "status": status})
        return Outcome(status, case.id, document.id, verdict.reason)
    raise LostRace(f"case {case.id} kept changing: the queue will deliver the event again")


def handle_s3_event_records(records: Iterable[Mapping[str, Any]]) -> list[Outcome]:
    """Check each object an S3 ObjectCreated record names (keys come URL-encoded)."""
    outcomes = []
    for record in records:
        if not str(record.get("eventName", "ObjectCreated:")).startswith("ObjectCreated:"):
            continue
        s3 = record.get("s3", {})
        key = unquote_plus(str(s3.get("object", {}).get("key", "")))
        outcomes.append(check_uploaded(str(s3.get("bucket", {}).get("name", "")), key))
    return outcomes


def records_of_message(body: str) -> list[dict[str, Any]]:
    """The S3 records of an SQS message body. S3's ``s3:TestEvent`` (sent when the
    notification is configured) and anything unreadable have none."""
    try:
        message = json.loads(body)
    except ValueError:
        logger.warning("an uploads message that is not JSON was dropped")
        return []
    records = message.get("Records", []) if isinstance(message, dict) else []
    return [r for r in records if isinstance(r, dict)]
