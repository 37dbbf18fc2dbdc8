"""Files that open but are not safe to open at the office: PDFs with active content, and
files that are two formats at once. Each hostile file is built here; the honest ones (a
printed PDF, a photo with EXIF data, our own fpdf2 letters) still pass."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from chalicelib.documents import checks
from chalicelib.documents.content_safety import pdf_active_content, polyglot
from chalicelib.workflow.case import Document
from chalicelib.workflow.machine import JPEG, PDF, PNG
from tests.support.route_samples.uploads import a_pdf, a_png, an_active_pdf


def _pdf(tamper: Callable[[PdfWriter], None]) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    tamper(writer)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _action(kind: str, **entries: Any) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    action.update({NameObject(f"/{k}"): v for k, v in entries.items()})
    return action


def _page_aa(writer: PdfWriter) -> None:
    launch = _action("/Launch", F=TextStringObject("cmd.exe"))
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): launch})


def _launch_link(writer: PdfWriter) -> None:
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/A"): _action("/Launch", F=TextStringObject("calc.exe")),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])


def _attachment(writer: PdfWriter) -> None:
    writer.add_attachment("payload.exe", b"MZ...")


def _xfa(writer: PdfWriter) -> None:
    form = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject(),
            NameObject("/XFA"): TextStringObject("<xdp:xdp/>"),
        }
    )
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(form)


@pytest.mark.parametrize(
    "tamper", [_page_aa, _launch_link, _attachment, _xfa], ids=lambda f: f.__name__
)
def test_a_pdf_with_active_content_is_refused(tamper: Callable[[PdfWriter], None]) -> None:
    content = _pdf(tamper)
    assert pdf_active_content(PdfReader(BytesIO(content)))
    assert _verdict(content, PDF) == "active_content"


def test_a_pdf_running_a_script_on_opening_is_refused() -> None:
    content = an_active_pdf()
    assert pdf_active_content(PdfReader(BytesIO(content)))
    assert _verdict(content, PDF) == "active_content"


def test_a_name_written_in_hex_escapes_is_seen_as_the_reader_sees_it() -> None:
    content = an_active_pdf().replace(b"/JavaScript", b"/J#61vaScript")
    assert _verdict(content, PDF) == "active_content"


def test_plain_pdfs_pass_ours_included() -> None:
    from fpdf import FPDF

    letter = FPDF()
    letter.add_page()  # fpdf2 opens on a page destination: an /OpenAction that is no action
    letter.set_font("helvetica")
    letter.cell(text="Attestation")
    for content in (a_pdf(), bytes(letter.output())):
        assert _verdict(content, PDF) == ""


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>\n",
        b"%PDF-1.4\n%<!DOCTYPE html>",
    ],
)
def test_a_pdf_with_a_web_page_head_is_refused(content: bytes) -> None:
    assert polyglot(content, PDF)


def test_an_hta_application_anywhere_is_refused() -> None:
    content = a_pdf()
    padding = b"%" + b"x" * 5000 + b"\n"  # past the bytes a browser sniffs
    hostile = content[:-200] + padding + b"<HTA:APPLICATION id=x>" + content[-200:]
    assert polyglot(hostile, PDF) == "an HTA application"


@pytest.mark.parametrize("appended", [b"PK\x03\x04" + b"\x00" * 30, b"MZ\x90\x00", b"<html>"])
def test_an_image_carrying_another_file_is_refused(appended: bytes) -> None:
    assert _verdict(a_png() + appended, PNG) == "polyglot"
    assert _verdict(_jpeg() + appended, JPEG) == "polyglot"


def test_an_image_with_a_pdf_header_is_refused() -> None:
    png = a_png()
    assert polyglot(png[:33] + b"%PDF-1.4" + png[33:], PNG)


def test_photos_with_exif_and_trailing_padding_pass() -> None:
    assert _verdict(_jpeg(exif=True), JPEG) == ""
    assert polyglot(_jpeg(exif=True) + b"\x00" * 16, JPEG) == ""
    assert _verdict(a_png(), PNG) == ""


def _jpeg(exif: bool = False) -> bytes:
    from PIL import Image

    out = BytesIO()
    image = Image.new("RGB", (64, 48), (120, 30, 200))
    if exif:
        tags = Image.Exif()
        tags[0x010F] = "Camera"  # Make
        image.save(out, "JPEG", exif=tags.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def _verdict(content: bytes, content_type: str) -> str:
    document = Document(
        "d1", "diploma", content_type, len(content), "x", "u", "citizen", datetime.now(UTC), "k"
    )
    return checks.inspect(content, document, len(content)).reason
