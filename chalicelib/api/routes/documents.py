"""Attaching a document to a case (a presigned upload) and downloading a checked one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib.api.access import allow
from chalicelib.api.routing import Call, route
from chalicelib.identity import CASE_STAFF_ROLES, CITIZEN, Principal
from chalicelib.refusals import FieldError, Refusal

if TYPE_CHECKING:
    from chalicelib.api.routes.document_schemas import DocumentLink, UploadGrant, UploadRequest
    from chalicelib.workflow.case import Case
    from chalicelib.workflow.machine import Machine

# Models are named, and the case engine imported, on a route's first call: a cold start that
# serves /health or a public page pays for neither.
SCHEMAS = "chalicelib.api.routes.document_schemas"
documents = Blueprint(__name__)
TAGS = ("cases",)


@route(
    documents,
    "POST",
    "/cases/{case_id}/documents",
    summary="Attach a document: a presigned POST to upload it to",
    access=allow(CITIZEN, *CASE_STAFF_ROLES),
    tags=TAGS,
    body=f"{SCHEMAS}:UploadRequest",
    response=f"{SCHEMAS}:UploadGrant",
    status=201,
    idempotent=True,
    errors=(409,),
)
def attach_document(call: Call, case_id: str) -> UploadGrant:
    from chalicelib.documents import uploads
    from chalicelib.refusals import LostRace
    from chalicelib.workflow import registry
    from chalicelib.workflow.access import actor_of, visible_case

    principal, request = call.user, call.body
    case = visible_case(principal, case_id, "attach a document", call.correlation_id)
    if not _may_attach(principal, case):
        raise Refusal("forbidden", "Only the applicant or the case's office attach documents.")
    machine = registry.machine_for(case.case_type)
    _check_against_rules(machine, case, request)

    try:
        document, post = uploads.attach(
            machine,
            case,
            actor_of(principal),
            request.kind,
            request.content_type,
            request.size,
            request.file_name or "",
        )
    except uploads.Refused as refused:
        raise Refusal("conflict", str(refused)) from refused
    except LostRace as error:
        raise Refusal("conflict", "The case changed meanwhile: try again.") from error
    from chalicelib.api.routes.document_schemas import UploadGrant

    return UploadGrant(
        document_id=document.id,
        url=post.url,
        fields=post.fields,
        expires_at=post.expires_at,
        max_bytes=document.size,
    )


@route(
    documents,
    "GET",
    "/cases/{case_id}/documents/{document_id}",
    summary="A short-lived link to download a checked document",
    access=allow(CITIZEN, *CASE_STAFF_ROLES),
    tags=TAGS,
    response=f"{SCHEMAS}:DocumentLink",
    errors=(409,),
)
def download_document(call: Call, case_id: str, document_id: str) -> DocumentLink:
    from chalicelib.api.routes.document_schemas import DocumentLink
    from chalicelib.documents import uploads
    from chalicelib.workflow.access import visible_case

    purpose = f"download document {document_id[:64]}"
    case = visible_case(call.user, case_id, purpose, call.correlation_id)
    document = next((d for d in case.documents if d.id == document_id), None)
    if document is None:
        raise Refusal("not-found")
    if document.status != "verified":
        # Never serve a file nobody checked, nor one that failed its checks.
        why = "was rejected" if document.status == "rejected" else "has not been checked yet"
        raise Refusal("conflict", f"The document is not available: it {why}.")
    url, expires_at = uploads.download_url(document)
    return DocumentLink(
        document_id=document.id,
        kind=document.kind,
        content_type=document.content_type,
        size=document.size,
        sha256=document.sha256,
        file_name=document.file_name,
        url=url,
        expires_at=expires_at,
    )


def _may_attach(principal: Principal, case: Case) -> bool:
    """The owner, or staff of the case's office (an admin elsewhere may read, not attach)."""
    if principal.is_citizen:
        return principal.subject == case.owner
    return principal.office == case.office


def _check_against_rules(machine: Machine, case: Case, request: UploadRequest) -> None:
    rules = machine.documents_of(case)
    rule = next((r for r in rules if r.kind == request.kind), None)
    if rule is None:
        kinds = ", ".join(d.kind for d in rules) or "none"
        error = FieldError("body.kind", f"this case takes: {kinds}", "unknown_kind")
        raise Refusal("validation-failed", errors=[error])
    errors = []
    if request.content_type not in rule.content_types:
        allowed = ", ".join(rule.content_types)
        errors.append(FieldError("body.content_type", f"one of: {allowed}", "type_not_allowed"))
    if request.size > rule.max_bytes:
        errors.append(FieldError("body.size", f"at most {rule.max_bytes} bytes", "too_large"))
    if errors:
        raise Refusal("validation-failed", errors=errors)
