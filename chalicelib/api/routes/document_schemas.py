"""What the document routes take and give."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from chalicelib.api.schemas import Input, Output
from chalicelib.documents.checklist import ChecklistItem

# The types the upload handler can check by their magic bytes; a checklist narrows them.
ContentType = Literal["application/pdf", "image/jpeg", "image/png"]


class UploadRequest(Input):
    kind: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="A kind of the case's checklist, e.g. diploma.",
    )
    content_type: ContentType = Field(description="The file's type; it must match its content.")
    size: int = Field(ge=1, le=100 * 1024 * 1024, description="The file's exact size in bytes.")
    # A name, not a path: it ends up in a Content-Disposition header. (Blank after the
    # stripping of whitespace is allowed: the download then gets a name of its own.)
    file_name: str | None = Field(
        default=None,
        max_length=200,
        pattern=r"^[^/\\\x00-\x1f\x7f-\x9f]*$",
        description="The name shown on download: no slashes or control characters.",
    )


class UploadGrant(Output):
    document_id: str
    method: Literal["POST"] = "POST"
    url: str = Field(description="Send a multipart/form-data POST here.")
    fields: dict[str, str] = Field(
        description="Form fields to send as they are, before the file (named 'file', last)."
    )
    expires_at: datetime = Field(description="S3 refuses the upload after this time.")
    max_bytes: int = Field(description="The file must have exactly the declared size.")


class DocumentLink(Output):
    document_id: str
    kind: str
    content_type: str
    size: int
    sha256: str = Field(description="SHA-256 of the file, hex, computed when it was checked.")
    file_name: str
    url: str = Field(description="A presigned GET, valid a few minutes.")
    expires_at: datetime


class ChecklistEntry(Output):
    kind: str
    required: bool
    titles: dict[str, str] = Field(description="The kind's name in ar, fr and en.")
    status: Literal["missing", "awaiting_upload", "verified", "rejected"]
    document_ids: list[str]
    reason: str | None = Field(description="Why the latest file was rejected (a code).")

    @classmethod
    def of(cls, item: ChecklistItem) -> ChecklistEntry:
        return cls(
            kind=item.kind,
            required=item.required,
            titles=dict(item.titles),
            status=item.status,  # type: ignore[arg-type]
            document_ids=list(item.document_ids),
            reason=item.reason or None,
        )
