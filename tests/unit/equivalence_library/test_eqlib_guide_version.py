"""The guide's version: a digest of the data it is rendered from and of the code and fonts
that draw it, computed without rendering and without fpdf2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import MappingProxyType

import pytest

from chalicelib.services.equivalence import requirements as req
from chalicelib.services.equivalence.library import guide
from chalicelib.services.equivalence.library.references import REFERENCES

ROOT = Path(__file__).resolve().parents[3]


def current_key() -> str:
    return guide.key_of(guide.version_of(guide.contents()))


def test_the_same_data_gives_the_same_version_and_key() -> None:
    assert guide.version_of(guide.contents()) == guide.version_of(guide.contents())
    key = current_key()
    assert key.startswith("public/equivalence/guide-") and key.endswith(".pdf")


def test_a_changed_legal_text_changes_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = current_key()
    texts = [dict(ref) for ref in REFERENCES]
    texts[0]["bo"] = {"number": "9999", "date": "2030-01-01"}
    monkeypatch.setattr(guide, "REFERENCES", tuple(texts))
    assert current_key() != before


def test_a_changed_level_title_changes_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = current_key()
    levels = dict(req.LEVELS)
    levels["licence"] = {**levels["licence"], "titles": {"fr": "Licence (bis)", "ar": "الإجازة"}}
    monkeypatch.setattr(req, "LEVELS", MappingProxyType(levels))
    assert current_key() != before


def test_a_new_renderer_version_changes_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = current_key()
    monkeypatch.setattr(guide, "RENDERER_VERSION", guide.RENDERER_VERSION + "+1")
    assert current_key() != before


def test_the_renderer_version_follows_the_code_and_fonts_that_draw_the_guide(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No number to bump by hand: a changed font (or layout code) is a new version."""
    assert guide._renderer_digest() == guide.RENDERER_VERSION
    read = Path.read_bytes

    def font_changed(path: Path) -> bytes:
        return read(path) + (b"\x00" if path.name == "Amiri-Regular.ttf" else b"")

    monkeypatch.setattr(Path, "read_bytes", font_changed)
    assert guide._renderer_digest() != guide.RENDERER_VERSION


def test_the_contents_are_what_the_guide_shows() -> None:
    data = guide.contents()
    json.dumps(data)  # plain data: what the digest covers is what the renderer reads
    higher = next(t for t in data["tracks"] if t["code"] == "higher")
    medicine = next(lv for lv in higher["levels"] if lv["titles"]["fr"] == "Doctorat en médecine")
    assert medicine["documents"] and all(d["titles"]["ar"] for d in medicine["documents"])
    assert data["references"][0]["number"] == "2.13.165"


def test_the_version_is_computed_without_fpdf2_or_boto3() -> None:
    probe = (
        "import sys\n"
        "from chalicelib.services.equivalence.library import guide\n"
        "print(guide.version_of(guide.contents()))\n"
        "print(sorted(m for m in ('fpdf', 'boto3', 'uharfbuzz') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    version, loaded = done.stdout.strip().splitlines()
    assert version == guide.version_of(guide.contents())
    assert loaded == "[]"
