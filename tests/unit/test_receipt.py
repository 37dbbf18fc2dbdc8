"""The filing receipt: its content from a case (pure), and the PDF drawn from that content."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from chalicelib.api import negotiation
from chalicelib.documents import receipt
from chalicelib.documents.pdf import fonts, qr
from chalicelib.workflow import clocks, legal
from chalicelib.workflow.case import Case, Document, HistoryEntry
from chalicelib.workflow.machine import DocumentRule
from tests.support.demo_case import DECISION, DEMO

ROOT = Path(__file__).resolve().parents[2]
MACHINE = replace(
    DEMO,
    documents=(
        DocumentRule("diploma", titles={"ar": "الشهادة", "fr": "Diplôme", "en": "Diploma"}),
    ),
)
OPENED = datetime(2026, 5, 12, 9, 0, tzinfo=UTC)
FILED = datetime(2026, 5, 12, 13, 30, tzinfo=UTC)  # 14 h 30 in Casablanca (UTC+1 in May)


def document(kind: str, status: str, name: str, sha: str = "") -> Document:
    return Document(
        f"doc-{kind}-{status}", kind, "application/pdf", 1000, status, "owner", "citizen",
        OPENED, f"k/{kind}", sha, "", name,
    )  # fmt: skip


DOCUMENTS = (
    document("diploma", "verified", "master.pdf", "ab" * 32),
    document("photo", "rejected", "photo.png", "cd" * 32),
    document("transcript", "awaiting_upload", "notes.pdf"),
)


def entry(seq: int, event: str, source: str, target: str, at: datetime) -> HistoryEntry:
    return HistoryEntry(seq, event, source, target, "owner", "citizen", "", at)


HISTORY = [
    entry(1, "created", "", "draft", OPENED),
    entry(2, "submit", "draft", "submitted", FILED),
    entry(3, "request_complement", "submitted", "complement_requested", FILED + timedelta(days=3)),
]


def case(**changes: Any) -> Case:
    base = Case(
        "c0ffee", "DM-2026-000042", "demo", "owner", "MEN", "submitted", 3, OPENED, FILED,
        documents=DOCUMENTS,
    )  # fmt: skip
    return replace(base, **changes)


def test_the_receipt_names_the_case_and_when_it_was_filed() -> None:
    content = receipt.build(case(), MACHINE, HISTORY)
    assert (content.reference, content.title, content.office) == (
        "DM-2026-000042",
        "Demo request (tests only)",
        "MEN",
    )
    assert content.filed_at == FILED  # the submission, not the opening of the draft
    assert content.filed_at_local.fr == "mardi 12 mai 2026 à 14 h 30 (heure du Maroc)"
    assert content.filed_at_local.ar == "الثلاثاء 12 ماي 2026 على الساعة 14:30 (بتوقيت المغرب)"
    assert content.model_dump(mode="json")["filed_at"] == "2026-05-12T13:30:00Z"


def test_the_documents_received_are_listed_and_those_still_awaited_are_not() -> None:
    listed = receipt.build(case(), MACHINE, HISTORY).documents
    assert [(d.kind, d.file_name, d.status, d.sha256) for d in listed] == [
        ("diploma", "master.pdf", "verified", "ab" * 32),
        ("photo", "photo.png", "rejected", "cd" * 32),
    ]
    assert (listed[0].title.fr, listed[0].title.ar) == ("Diplôme", "الشهادة")
    assert listed[1].title.fr == "photo"  # a kind the case type does not name shows as is


def test_a_case_type_without_clocks_shows_no_deadline() -> None:
    """No flat 60 days: a deadline comes only from a clock the case type declares."""
    without = replace(MACHINE, clocks=())
    assert receipt.build(case(), without, HISTORY).deadlines == []
    assert receipt.build(case(), MACHINE, HISTORY).deadlines == []  # not started yet


def test_the_declared_clocks_show_decision_first_and_are_read_defensively() -> None:
    clocks = {
        "review": "not a mapping",
        "decision": {"due_at": "2026-07-21T13:30:00+00:00", "state": "running", "extra": 1},
        "complement": {"state": "paused"},  # a clock the type does not declare: not shown
    }
    deadlines = receipt.build(case(clocks=clocks), MACHINE, HISTORY).deadlines
    assert [(d.name, d.due_at, d.state, d.length, d.unit) for d in deadlines] == [
        ("decision", datetime(2026, 7, 21, 13, 30, tzinfo=UTC), "running", 60, "working_days"),
        ("review", None, "", 60, "calendar_days"),
    ]
    assert deadlines[0].source == DECISION.source == "unverified"
    assert deadlines[0].days_used is None and deadlines[0].paused_since is None  # running
    broken = {"decision": {"due_at": "next week", "state": 3}}
    [shown] = receipt.build(case(clocks=broken), MACHINE, HISTORY).deadlines
    assert (shown.due_at, shown.state, shown.days_used) == (None, "", None)


def test_a_paused_clock_shows_since_when_no_due_date_and_the_days_used() -> None:
    paused_at = FILED + timedelta(days=3)
    started = clocks.ClockState(FILED, clocks.add_days(FILED, 60, True, set()))
    paused = replace(started, state=clocks.PAUSED, due_at=None, paused=((paused_at, None),))
    content = receipt.build(case(clocks={"decision": paused.to_json()}), MACHINE, HISTORY)
    [decision] = content.deadlines
    assert (decision.state, decision.due_at, decision.due_date) == ("paused", None, None)
    assert decision.paused_since == paused_at
    # Tuesday 12 May to Friday 15 May 2026: three working days (the clock counts those)
    assert decision.days_used == 3
    assert receipt.build(case(clocks={"decision": paused.to_json()}), MACHINE, HISTORY) == content


def test_the_pdf_shows_a_paused_clock_with_its_source_and_days_used() -> None:
    from chalicelib.documents import receipt_pdf

    paused_at = FILED + timedelta(days=3)
    started = clocks.ClockState(FILED, clocks.add_days(FILED, 60, True, set()))
    paused = replace(started, state=clocks.PAUSED, due_at=None, paused=((paused_at, None),))
    content = receipt.build(case(clocks={"decision": paused.to_json()}), MACHINE, HISTORY)
    text = PdfReader(BytesIO(receipt_pdf.render(content))).pages[0].extract_text()
    for fact in ("suspendu depuis le 15 mai 2026", "3 jours ouvrables déjà écoulés", "unverified"):
        assert fact in text, text
    without = receipt.build(case(), replace(MACHINE, clocks=()), HISTORY)
    assert (
        "n'ouvre pas de délai"
        in PdfReader(BytesIO(receipt_pdf.render(without))).pages[0].extract_text()
    )


def test_a_case_born_filed_was_filed_at_its_creation() -> None:
    born = replace(
        MACHINE, clocks=(legal.decision_clock(start=(legal.CREATED,), stop=("accept",)),)
    )
    history = [entry(1, "created", "", "draft", OPENED)]
    assert receipt.build(case(), born, history).filed_at == OPENED


def test_a_draft_or_a_draft_withdrawn_was_never_filed() -> None:
    with pytest.raises(receipt.NotFiled):
        receipt.build(case(state="draft"), MACHINE, HISTORY[:1])
    withdrawn = [*HISTORY[:1], entry(2, "withdraw", "draft", "withdrawn", FILED)]
    with pytest.raises(receipt.NotFiled):
        receipt.build(case(state="withdrawn"), MACHINE, withdrawn)


def test_the_digest_is_that_of_the_json_content_and_depends_only_on_the_case() -> None:
    content = receipt.build(case(), MACHINE, HISTORY)
    body = content.model_dump(mode="json")
    del body["verification"]
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert content.verification.sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    assert content.verification.code.startswith("KHIDMAT:DM-2026-000042:SHA256:")
    assert receipt.build(case(), MACHINE, HISTORY) == content  # asked again: the same
    fewer = receipt.build(case(documents=DOCUMENTS[:1]), MACHINE, HISTORY)
    assert fewer.verification.sha256 != content.verification.sha256


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    from chalicelib.documents import receipt_pdf

    return receipt_pdf.render(receipt.build(case(), MACHINE, HISTORY))


def test_the_pdf_is_one_page_that_states_the_reference_and_the_digest(pdf_bytes: bytes) -> None:
    assert pdf_bytes.startswith(b"%PDF-")
    reader = PdfReader(BytesIO(pdf_bytes))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    content = receipt.build(case(), MACHINE, HISTORY)
    for fact in ("DM-2026-000042", content.verification.sha256, "Récépissé de dépôt"):
        assert fact in text
    resources: Any = reader.pages[0]["/Resources"]
    fonts_used = resources.get_object()["/Font"]
    embedded = [f.get_object()["/BaseFont"] for f in fonts_used.values()]
    assert sorted(str(name).split("+")[-1] for name in embedded) == ["Amiri", "AmiriBold"]


def test_french_is_on_the_left_half_and_arabic_on_the_right(pdf_bytes: bytes) -> None:
    page = PdfReader(BytesIO(pdf_bytes)).pages[0]
    middle = float(page.mediabox.width) / 2
    where: dict[str, list[float]] = {"arabic": [], "latin": []}

    def visit(text: str, _cm: Any, tm: Any, _font: Any, _size: Any) -> None:
        if any("\u0600" <= c <= "\u06ff" for c in text):
            where["arabic"].append(float(tm[4]))
        elif "Pièces reçues" in text or "Démarche" in text:
            where["latin"].append(float(tm[4]))

    page.extract_text(visitor_text=visit)
    assert where["latin"] and max(where["latin"]) < middle
    # the Arabic headings and rows start right of the middle; the table's centred cells and
    # the closing lines may not, so most of it, not all of it
    right = [x for x in where["arabic"] if x > middle]
    assert len(right) > len(where["arabic"]) / 2


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_the_pdf_renders_to_an_image(pdf_bytes: bytes, tmp_path: Path) -> None:
    """A real renderer opens it (pdftoppm, as a person would look at it)."""
    source = tmp_path / "receipt.pdf"
    source.write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(source), str(tmp_path / "p")], check=True)
    [image] = tmp_path.glob("p*.png")
    assert image.read_bytes().startswith(b"\x89PNG") and image.stat().st_size > 5_000


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("zbarimg") is None,
    reason="poppler-utils or zbar-tools is not installed",
)
def test_the_printed_qr_code_scans_to_the_verification_code(
    pdf_bytes: bytes, tmp_path: Path
) -> None:
    source = tmp_path / "receipt.pdf"
    source.write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(source), str(tmp_path / "p")], check=True)
    [image] = tmp_path.glob("p*.png")
    scanned = subprocess.run(
        ["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, check=True
    )
    assert scanned.stdout.strip() == receipt.build(case(), MACHINE, HISTORY).verification.code


def test_a_qr_code_has_its_finder_patterns() -> None:
    grid = qr.modules("KHIDMAT:DM-2026-000042:SHA256:" + "ab" * 32)
    size = len(grid)
    assert all(len(row) == size for row in grid) and (size - 17) % 4 == 0  # a QR version
    finder = [row[:7] for row in grid[:7]]
    assert finder[0] == [True] * 7 and finder[1] == [True, *[False] * 5, True]


def test_the_fonts_are_packaged_with_their_licence() -> None:
    for file_name in fonts.FACES.values():
        assert (fonts.FONT_DIR / file_name).stat().st_size > 100_000
    assert "SIL OPEN FONT LICENSE Version 1.1" in (fonts.FONT_DIR / "OFL.txt").read_text()


def test_importing_the_app_and_the_route_loads_no_pdf_library() -> None:
    probe = (
        "import sys, app, chalicelib.api.routes.receipts; "
        "print(sorted(m for m in ('fpdf', 'uharfbuzz', 'segno', 'fontTools') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),  # a tie goes to the first offered
        ("application/*", "application/json"),
        ("application/pdf", "application/pdf"),
        ("application/json;q=0.5, application/pdf", "application/pdf"),
        ("*/*;q=0.1, application/pdf", "application/pdf"),
        ("application/pdf;q=0, */*", "application/json"),
        ("text/csv", None),
        ("application/pdf;q=0", None),
        ("application/pdf;q=high", None),  # a malformed weight counts as 0
    ],
)
def test_accept_negotiation(accept: str | None, chosen: str | None) -> None:
    assert negotiation.choose(accept, ("application/json", "application/pdf")) == chosen
