"""The bilingual public verification page and the Accept test that offers it."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from chalicelib.api import public_page

TITLE = {"ar": "شهادة البكالوريا", "fr": "Certificat du baccalauréat"}
VALID = {"ar": "صالحة", "fr": "Valide"}


def page(**overrides: Any) -> str:
    arguments: dict[str, Any] = {
        "title": TITLE,
        "status": "valid",
        "status_label": VALID,
        "rows": [({"ar": "الرقم", "fr": "Numéro"}, "BAC-2026-000123")],
        "note": {"ar": "تحقق من الهوية", "fr": "Vérifiez l'identité"},
    }
    return public_page.render(**(arguments | overrides))


class Sections(HTMLParser):
    """The lang and dir of every element that has them, and the text under each section."""

    def __init__(self) -> None:
        super().__init__()
        self.attributes: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, str] = {}
        self._language: str | None = None
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.attributes.append((tag, found))
        if tag == "section":
            self._language = found.get("lang")
        self.sources += [v or "" for k, v in attrs if k in ("src", "href")]

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._language = None

    def handle_data(self, data: str) -> None:
        if self._language:
            self.text[self._language] = self.text.get(self._language, "") + data


def parsed(html: str) -> Sections:
    sections = Sections()
    sections.feed(html)
    return sections


def test_the_page_is_arabic_right_to_left_with_a_french_left_to_right_section() -> None:
    sections = parsed(page())
    assert ("html", {"lang": "ar", "dir": "rtl"}) in sections.attributes
    assert ("section", {"lang": "ar", "dir": "rtl"}) in sections.attributes
    assert ("section", {"lang": "fr", "dir": "ltr"}) in sections.attributes
    assert "شهادة البكالوريا" in sections.text["ar"] and "صالحة" in sections.text["ar"]
    assert "Certificat du baccalauréat" in sections.text["fr"] and "Valide" in sections.text["fr"]
    assert "الرقم" in sections.text["ar"] and "Numéro" in sections.text["fr"]
    # the value appears in both languages, isolated from the surrounding direction
    assert page().count("<bdi>BAC-2026-000123</bdi>") == 2
    assert "Vérifiez l&#x27;identité" in page()


def test_the_page_loads_nothing_from_elsewhere_and_runs_no_script() -> None:
    html = page()
    assert not parsed(html).sources
    assert "<script" not in html and "http" not in html.replace("http-equiv", "")
    assert '<meta charset="utf-8">' in html


def test_everything_given_is_escaped() -> None:
    hostile = "<script>alert('x')</script>"
    html = page(
        title={"ar": hostile, "fr": hostile},
        status_label={"ar": "<b>", "fr": "&"},
        rows=[({"ar": "<i>", "fr": '"q"'}, hostile)],
        note={"ar": hostile, "fr": hostile},
    )
    assert "<script" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&amp;" in html and "&quot;q&quot;" in html


@pytest.mark.parametrize("status", sorted(public_page.STATUS_COLOURS))
def test_each_status_has_its_own_colour(status: str) -> None:
    html = page(status=status)
    background, _ = public_page.STATUS_COLOURS[status]
    assert f'class="status status-{status}"' in html
    assert f".status-{status}{{background:{background}" in html
    assert len({bg for bg, _ in public_page.STATUS_COLOURS.values()}) == len(
        public_page.STATUS_COLOURS
    )


def test_a_status_or_a_language_that_is_missing_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="status"):
        page(status="maybe")
    with pytest.raises(ValueError, match="'fr'"):
        page(title={"ar": "شهادة"})


def test_rows_and_note_are_optional() -> None:
    html = page(rows=[], note=None)
    assert "<dl>" not in html and 'class="note"' not in html


def test_the_security_policy_allows_exactly_the_inline_stylesheet() -> None:
    html = page()
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    policy = public_page.content_security_policy()
    assert f"style-src 'sha256-{digest}'" in policy and "default-src 'none'" in policy


def test_reply_is_html_with_private_inert_headers() -> None:
    answer = public_page.reply(page())
    assert answer.media_type == "text/html; charset=utf-8" and answer.status == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Vary"] == "Accept"


class FakeCall:
    def __init__(self, accept: str | None) -> None:
        self.accept = accept

    def header(self, name: str) -> str | None:
        assert name.lower() == "accept"
        return self.accept


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (BROWSER, True),
        ("text/html", True),
        ("application/json;q=0.5, text/html", True),
        (None, False),
        ("", False),
        ("*/*", False),
        ("application/json", False),
        ("application/json, text/html;q=0.9", False),
        ("text/html;q=0.5, application/json", False),
        ("image/png", False),
    ],
)
def test_wants_html_when_the_caller_prefers_it(accept: str | None, html: bool) -> None:
    assert public_page.wants_html(FakeCall(accept)) is html  # type: ignore[arg-type]
