"""A document attached to a case, uploaded and checked (verified), as the upload route, the
browser's POST and the uploads handler do it: for samples whose route needs the checklist."""

from __future__ import annotations

from io import BytesIO

PDF, PNG = "application/pdf", "image/png"


def a_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def a_png() -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (30, 40), (200, 180, 160)).save(out, "PNG")
    return out.getvalue()


def verified(case_id: str, kind: str, content_type: str = PDF) -> None:
    """Attach a ``kind`` document for the case's owner, put the file where the presigned POST
    puts it, and run the check the ObjectCreated event triggers."""
    from chalicelib.aws import client
    from chalicelib.documents import uploads
    from chalicelib.documents.checks import check_uploaded
    from chalicelib.settings import get_settings
    from chalicelib.workflow import lifecycle, registry
    from chalicelib.workflow.engine import Actor

    content = a_png() if content_type == PNG else a_pdf()
    case = lifecycle.load(case_id)
    owner = Actor(case.owner, frozenset({"citizen"}))
    machine = registry.machine_for(case.case_type)
    document, _ = uploads.attach(machine, case, owner, kind, content_type, len(content))
    settings = get_settings()
    client("s3").put_object(
        Bucket=settings.documents_bucket,
        Key=document.key,
        Body=content,
        ContentType=content_type,
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=settings.data_key_id,
    )
    outcome = check_uploaded(settings.documents_bucket, document.key)
    assert outcome.status == "verified", outcome


def an_active_pdf() -> bytes:
    """A PDF that runs JavaScript when opened: it opens, but must never reach an officer."""
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(script)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
