"""The HTML page of a public verification link (a bac certificate, an eTimbre stamp).

Whoever scans a QR code lands here with a phone's browser: one small, self-contained page
(no script, no external font or stylesheet, so nothing to load and nothing to track), in
Arabic, right to left, then in French. The JSON answer stays the default; a route offers
this page when the caller prefers HTML (``wants_html``) and answers with ``reply(render(...))``.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING

from chalicelib.api.negotiation import choose

if TYPE_CHECKING:
    from chalicelib.api.routing import Call, Reply

HTML = "text/html; charset=utf-8"
LANGUAGES = ("ar", "fr")
# status -> (background, text): each pair is readable (contrast above 4.5:1)
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "valid": ("#1b6e3a", "#ffffff"),
    "expired": ("#8a5a00", "#ffffff"),
    "revoked": ("#b3261e", "#ffffff"),
    "replaced": ("#00607a", "#ffffff"),
    "used": ("#3d4f7a", "#ffffff"),
    "refunded": ("#6b3fa0", "#ffffff"),
    "unknown": ("#555555", "#ffffff"),
}

_STYLE = """
body{margin:0;background:#f4f5f7;color:#1d1d1f;font:1.05rem/1.6 system-ui,-apple-system,
"Segoe UI",Roboto,"Noto Naskh Arabic","Geeza Pro",Tahoma,sans-serif}
main{max-width:40rem;margin:0 auto;padding:1rem}
section{background:#fff;border-radius:.75rem;padding:1.25rem 1.5rem;margin:1rem 0;
box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.35rem;margin:0 0 .75rem}
.status{display:inline-block;padding:.3rem .9rem;border-radius:999px;font-weight:700}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem;margin:1rem 0 0}
dt{color:#555;font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
.note{margin:1rem 0 0;color:#444;font-size:.95rem}
""".replace("\n", "")


def _text(mapping: Mapping[str, str], language: str, what: str) -> str:
    if language not in mapping:
        raise ValueError(f"{what} has no {language!r} text")
    return escape(mapping[language])


def _section(
    language: str,
    title: Mapping[str, str],
    status: str,
    status_label: Mapping[str, str],
    rows: Sequence[tuple[Mapping[str, str], str]],
    note: Mapping[str, str] | None,
) -> str:
    direction = "rtl" if language == "ar" else "ltr"
    lines = [
        f'<section lang="{language}" dir="{direction}">',
        f"<h1>{_text(title, language, 'title')}</h1>",
        f'<p><span class="status status-{status}">'
        f"{_text(status_label, language, 'status_label')}</span></p>",
    ]
    if rows:
        lines.append("<dl>")
        for label, value in rows:
            # <bdi>: a Latin reference or a date keeps its own direction inside Arabic text
            lines.append(
                f"<dt>{_text(label, language, 'row label')}</dt><dd><bdi>{escape(value)}</bdi></dd>"
            )
        lines.append("</dl>")
    if note is not None:
        lines.append(f'<p class="note">{_text(note, language, "note")}</p>')
    lines.append("</section>")
    return "\n".join(lines)


@lru_cache(maxsize=1)
def _stylesheet() -> str:
    colours = "".join(
        f".status-{name}{{background:{bg};color:{fg}}}" for name, (bg, fg) in STATUS_COLOURS.items()
    )
    return _STYLE + colours


def content_security_policy() -> str:
    """Nothing but this page's own stylesheet may load or run."""
    digest = base64.b64encode(hashlib.sha256(_stylesheet().encode()).digest()).decode()
    return f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"


def render(
    *,
    title: Mapping[str, str],
    status: str,
    status_label: Mapping[str, str],
    rows: Sequence[tuple[Mapping[str, str], str]],
    note: Mapping[str, str] | None = None,
) -> str:
    """The page. Every mapping is keyed "ar" and "fr"; ``status`` is one of
    ``STATUS_COLOURS`` (its colour); each row is (label by language, value). All text
    is HTML-escaped."""
    if status not in STATUS_COLOURS:
        raise ValueError(f"unknown status {status!r}; one of {sorted(STATUS_COLOURS)}")
    sections = "\n".join(
        _section(language, title, status, status_label, rows, note) for language in LANGUAGES
    )
    page_title = f"{_text(title, 'ar', 'title')} · {_text(title, 'fr', 'title')}"
    return (
        '<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex, nofollow">\n'
        f"<title>{page_title}</title>\n<style>{_stylesheet()}</style>\n</head>\n"
        f"<body>\n<main>\n{sections}\n</main>\n</body>\n</html>\n"
    )


def wants_html(call: Call) -> bool:
    """True when the caller prefers an HTML page to JSON: a browser following the link
    (its default Accept ranks text/html first). No Accept, or */*, keeps JSON."""
    return choose(call.header("accept"), ("application/json", "text/html")) == "text/html"


def reply(html: str, status: int = 200) -> Reply:
    """The page as a route's answer, with headers that keep it private and inert."""
    from chalicelib.api.routing import Reply

    headers = {
        "Content-Security-Policy": content_security_policy(),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
        "Vary": "Accept",
    }
    return Reply(html, status, headers, HTML)
