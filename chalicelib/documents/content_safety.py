"""Whether a file that opens is also safe to open at the office.

Two refusals beyond "is it the declared type and does it open" (``checks.inspect``):

- **Active content in a PDF**: JavaScript, an action run on opening (``/OpenAction`` naming an
  action) or on an event (``/AA``), a launch of a program, embedded files, XFA forms, rich
  media. An officer's reader would run them; a scanned diploma never needs them. Found by
  walking the PDF's object graph from its trailer (what a reader can reach), so names
  written in hex escapes or hidden in compressed object streams are seen as the reader
  sees them.
- **Two formats at once** (a polyglot): markup a browser or ``mshta`` would run (an HTML or
  HTA head) in the first bytes that content sniffing reads, an HTA application anywhere, a
  PDF header inside an image's first kilobyte (readers look for it there), or another
  format's file appended after an image's last marker.
"""

from __future__ import annotations

import re
from typing import Any

# A PDF of a few pages has a few hundred objects; a graph far larger is refused, not walked.
MAX_PDF_OBJECTS = 50_000
ACTIVE_KEYS = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/AA",
        "/Launch",
        "/EmbeddedFiles",
        "/EmbeddedFile",
        "/XFA",
        "/RichMedia",
        "/RichMediaContent",
    }
)
ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute", "/Rendition"}
)
_MARKUP = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta|hta:application)\b",
    re.IGNORECASE,
)
_HTA = re.compile(rb"<\s*hta:application\b", re.IGNORECASE)
SNIFFED_BYTES = 4096  # what browsers read to guess a type (WHATWG MIME sniffing: 1445)
# What another file looks like when it is appended to an image.
_APPENDED = (b"PK\x03\x04", b"%PDF-", b"Rar!", b"7z\xbc\xaf", b"<html", b"<script", b"<?php")


def pdf_active_content(reader: Any) -> str:
    """The first active element of a pypdf ``PdfReader``'s reachable objects, or ""."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    walked = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        walked += 1
        if walked > MAX_PDF_OBJECTS:
            return "too many objects"
        if isinstance(node, DictionaryObject):
            found = _active_entry(node)
            if found:
                return found
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return ""


def _active_entry(node: Any) -> str:
    from pypdf.generic import DictionaryObject

    for key, value in node.items():
        if key in ACTIVE_KEYS:
            return str(key)
        if key == "/S" and value in ACTIVE_ACTIONS:
            return str(value)
        # An opening destination ([page /Fit]) is harmless; an opening action is not.
        if key == "/OpenAction" and isinstance(value.get_object(), DictionaryObject):
            return "/OpenAction"
    return ""


def polyglot(content: bytes, content_type: str) -> str:
    """Why ``content`` is also another format than ``content_type``, or ""."""
    if _MARKUP.search(content[:SNIFFED_BYTES]):
        return "markup in the first bytes"
    if _HTA.search(content):
        return "an HTA application"
    if content_type not in ("image/png", "image/jpeg"):
        return ""
    if b"%PDF-" in content[:1024]:
        return "a PDF header inside an image"
    end = _png_end(content) if content_type == "image/png" else _jpeg_end(content)
    trailing = content[end:].lower()
    if trailing.startswith(b"mz") or any(s.lower() in trailing for s in _APPENDED):
        return "another file appended after the image"
    return ""


def _png_end(content: bytes) -> int:
    """Where the PNG's IEND chunk ends (its chunks are length-prefixed)."""
    position = 8
    while position + 8 <= len(content):
        length = int.from_bytes(content[position : position + 4], "big")
        kind = content[position + 4 : position + 8]
        position += 12 + length
        if kind == b"IEND":
            return position
    return len(content)


def _jpeg_end(content: bytes) -> int:
    """Where the JPEG's end-of-image marker ends: segments are skipped by their length (an
    EXIF thumbnail inside one ends with its own marker), and entropy-coded data ends at the
    first marker that is neither a stuffed 0xFF00 nor a restart marker."""
    position = 2
    while position + 4 <= len(content):
        if content[position] != 0xFF:
            return len(content)
        marker = content[position + 1]
        if marker == 0xD9:
            return position + 2
        if marker in (0xFF, *range(0xD0, 0xD8)):  # fill byte or restart: no length
            position += 1 if marker == 0xFF else 2
            continue
        position += 2 + int.from_bytes(content[position + 2 : position + 4], "big")
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            position = _after_scan(content, position)
    return len(content)


def _after_scan(content: bytes, position: int) -> int:
    while True:
        position = content.find(b"\xff", position)
        if position < 0 or position + 1 >= len(content):
            return len(content)
        following = content[position + 1]
        if following != 0x00 and not 0xD0 <= following <= 0xD7:
            return position
        position += 2
