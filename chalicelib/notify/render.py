"""Rendering a message: the template's paragraphs filled with the message's data, as an
e-mail (subject, plain text, HTML) or an SMS, in the recipient's language.

Data is never trusted: in HTML every value is escaped and isolated (``<bdi>``) so that a
Latin name or reference reads right inside Arabic text; in every form whitespace and
control characters are collapsed, so nothing can add a header line or a paragraph.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from string import Formatter
from typing import Any

from chalicelib.notify import catalogue, dates, sms
from chalicelib.notify.catalogue import Alternatives

_APPEAL_WORDS = ("appeal", "review", "recours", "reexam")
_MAX_VALUE = 600  # a reason longer than this belongs in the letter, not in a notification
# Fields a message may carry ready to show under ``data["fields"]`` (see templates/README.md).
# ``ground``: a decision's ground as a category in words, never the free-text ``reason``.
SERVICE_FIELDS = (
    *("appointment", "address", "bring", "consulate", "service", "ground"),
    "massar_code",  # a pupil's code in Massar, once Massar registered the pupil
    "documents",  # the documents an office asks for, by their titles
    *("code", "minutes"),  # a contact's one-time code and how long it lives
)
# Links under ``data["links"]``, made absolute by the outbox before rendering (links.py).
LINK_FIELDS = ("check",)
_ABSOLUTE = ("https://", "http://")


@dataclass(frozen=True)
class Email:
    template: str
    language: str
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Sms:
    template: str
    language: str
    text: str


def render_email(template: str, language: str, data: Mapping[str, Any]) -> Email:
    name, lang, values = _prepare(template, language, data)
    entry, frame = catalogue.entry(name, lang), catalogue.layout(lang)
    subject = _fill(catalogue.alternatives(entry["subject"]), values) or ""
    parts = [frame["greeting"], *entry["body"]]
    text_parts = [p for p in (_fill(catalogue.alternatives(a), values) for a in parts) if p]
    html_parts = [p for p in (_fill_html(catalogue.alternatives(a), values) for a in parts) if p]
    footer = [frame["notice"], frame["signature"]]
    text = "\n\n".join(text_parts) + "\n\n-- \n" + "\n".join(footer) + "\n"
    return Email(name, lang, subject, text, _page(lang, subject, html_parts, footer))


def render_sms(template: str, language: str, data: Mapping[str, Any]) -> Sms:
    """The first SMS alternative that can be filled and fits one segment (else the first that
    can be filled: a long SMS is better than none)."""
    name, lang, values = _prepare(template, language, data)
    filled = [t for t in (_fill((a,), values) for a in _sms_alternatives(name, lang)) if t]
    if lang not in catalogue.RTL:
        filled = [sms.fold_to_gsm(t) for t in filled]
    fitting = [t for t in filled if sms.segments(t) == 1]
    return Sms(name, lang, (fitting or filled or [""])[0])


def _sms_alternatives(name: str, language: str) -> Alternatives:
    return catalogue.alternatives(catalogue.entry(name, language)["sms"])


def _prepare(template: str, language: str, data: Mapping[str, Any]) -> tuple[str, str, Any]:
    name = catalogue.resolve(template, data)
    lang = catalogue.language_of(name, language)
    return name, lang, fields(data, lang)


def fields(data: Mapping[str, Any], language: str) -> dict[str, str]:
    """The values a template may use, as display text (empty when unknown)."""
    values = {k: _clean(data.get(k)) for k in ("reference", "name", "reason", "document", "reader")}
    # Display values a service prepared itself (an appointment's time in its consulate's zone).
    shown = data.get("fields")
    if isinstance(shown, Mapping):
        values.update({k: _clean(shown.get(k)) for k in SERVICE_FIELDS})
    links = data.get("links")
    if isinstance(links, Mapping):
        values.update({k: _link(links.get(k)) for k in LINK_FIELDS})
    deadlines = data.get("deadlines")
    named = (
        {str(k): dates.parse(v) for k, v in (deadlines or {}).items()}
        if isinstance(deadlines, Mapping)
        else {}
    )
    appeal = dates.parse(data.get("appeal_until")) or _first(
        t for n, t in named.items() if any(w in n.lower() for w in _APPEAL_WORDS)
    )
    due = dates.parse(data.get("deadline")) or _first(
        t for n, t in named.items() if not any(w in n.lower() for w in _APPEAL_WORDS)
    )
    read_at = dates.parse(data.get("read_at"))
    for key, moment in (("deadline", due), ("appeal_until", appeal), ("read_at", read_at)):
        if moment is not None:
            values[key] = dates.time_in_letters(moment, language)
            values[f"{key}_date"] = dates.date_in_letters(moment, language)
    return values


def _first(moments: Any) -> Any:
    present = sorted(m for m in moments if m is not None)
    return present[0] if present else None


def _clean(value: Any) -> str:
    text = "" if value is None or isinstance(value, dict | list) else str(value)
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _link(value: Any) -> str:
    """An absolute link, or nothing: a bare API path opens nothing in a mail client, so
    its paragraph is left out rather than sent (the outbox resolves paths before this)."""
    text = value if isinstance(value, str) else ""
    usable = text.startswith(_ABSOLUTE) and len(text) <= _MAX_VALUE
    return text if usable and all(c.isprintable() and not c.isspace() for c in text) else ""


def _pieces(alternatives: Alternatives, values: Mapping[str, str]) -> list[tuple[str, str]]:
    """(literal, field) pairs of the first alternative whose fields all have a value."""
    for alternative in alternatives:
        pieces = [(lit, fld or "") for lit, fld, _, _ in Formatter().parse(alternative)]
        if all(values.get(f) for _, f in pieces if f):
            return pieces
    return []


def _fill(alternatives: Alternatives, values: Mapping[str, str]) -> str:
    return "".join(lit + (values[f] if f else "") for lit, f in _pieces(alternatives, values))


def _fill_html(alternatives: Alternatives, values: Mapping[str, str]) -> str:
    return "".join(
        html.escape(lit) + _html_value(f, values) for lit, f in _pieces(alternatives, values)
    )


def _html_value(name: str, values: Mapping[str, str]) -> str:
    if not name:
        return ""
    shown = f"<bdi>{html.escape(values[name])}</bdi>"
    return f'<a href="{html.escape(values[name])}">{shown}</a>' if name in LINK_FIELDS else shown


def _page(language: str, subject: str, paragraphs: list[str], footer: list[str]) -> str:
    direction = "rtl" if language in catalogue.RTL else "ltr"
    align = "right" if direction == "rtl" else "left"
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    small = "\n".join(f'<p style="color:#555;font-size:13px">{html.escape(f)}</p>' for f in footer)
    return (
        f'<!DOCTYPE html>\n<html lang="{language}" dir="{direction}">\n<head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{html.escape(subject)}</title></head>\n"
        f'<body style="font-family:Arial,Tahoma,sans-serif;line-height:1.6;color:#1a1a1a;'
        f'text-align:{align};max-width:640px;margin:0 auto;padding:24px">\n'
        f'{body}\n<hr style="border:none;border-top:1px solid #ddd">\n{small}\n</body>\n</html>\n'
    )
