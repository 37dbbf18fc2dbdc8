"""Public links: an API path made absolute with the configured public base URL.

A notice is read away from the API, in a mail client or on a phone, and a QR code printed on
a receipt is scanned by a phone: a bare path such as ``/etimbre/stamps/123`` opens nothing,
and a host taken from the request's own Host header could be anyone's. So links are made
here, from the setting only. PDFs call ``url`` when they print one. A service never writes
a host into a message:
it puts API paths (made with ``path``) under ``data["links"]``, and the outbox makes them
absolute (``resolve``) just before rendering. The base URL is then the one configured when
the message is sent, and a message written before a domain change still gets a working link.

``PUBLIC_BASE_URL`` (settings) is where citizens reach the API: the stack parameter
``PublicBaseUrl`` given to ``make deploy``, ``http://127.0.0.1:<PORT>`` under ``make run``.
Off the local stage it must be https: anything else fails the first message that needs a
link (``NotConfigured``; the outbox marks it failed for an operator to redrive), so a broken
link is never sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from chalicelib.settings import Settings, get_settings


class LinkError(ValueError):
    """Not an API path: a path starts with one ``/``, never with a scheme or a host."""


class NotConfigured(RuntimeError):
    """No usable PUBLIC_BASE_URL for this stage: a deployment error, never a broken link."""


def path(*segments: str) -> str:
    """An API path from its segments, each quoted: ``path("etimbre", "stamps", n)``."""
    if not segments or not all(segments):
        raise LinkError(f"an API path needs non-empty segments, got {segments!r}")
    return "/" + "/".join(quote(s, safe="") for s in segments)


def join(base: str, api_path: str) -> str:
    """``base`` (scheme, host and perhaps a stage prefix) followed by ``api_path``."""
    if not api_path.startswith("/") or "//" in api_path:
        raise LinkError(f"not an API path (one leading slash, no host): {api_path!r}")
    if any(c.isspace() or not c.isprintable() for c in api_path):
        raise LinkError(f"an API path has no spaces or control characters: {api_path!r}")
    return base.rstrip("/") + api_path


def base_url(settings: Settings | None = None) -> str:
    """The configured public base URL, checked: https with a host (plain http only on the
    local stage), no query or fragment."""
    settings = settings or get_settings()
    raw, stage = settings.public_base_url.strip(), settings.stage
    schemes = ("https", "http") if stage == "local" else ("https",)
    if not _usable(raw, schemes):
        raise NotConfigured(
            f"PUBLIC_BASE_URL is {raw!r} on stage {stage!r}: links in notices need "
            f"{' or '.join(schemes)}://<host>[/prefix] (make deploy PUBLIC_BASE_URL=https://...)"
        )
    return raw.rstrip("/")


def _usable(raw: str, schemes: tuple[str, ...]) -> bool:
    if any(c.isspace() or not c.isprintable() for c in raw):
        return False
    try:
        parts = urlsplit(raw)
        host = parts.hostname
    except ValueError:  # a malformed IPv6 host
        return False
    clean = "//" not in parts.path and not parts.query and not parts.fragment
    return parts.scheme in schemes and bool(host) and clean


def url(api_path: str, settings: Settings | None = None) -> str:
    """The absolute URL a citizen can open for ``api_path``."""
    return join(base_url(settings), api_path)


def resolve(data: Mapping[str, Any], settings: Settings | None = None) -> dict[str, Any]:
    """A message's data with each path under ``links`` made absolute (raises ``LinkError``
    for a value that is not an API path, ``NotConfigured`` without a base URL)."""
    given = data.get("links")
    if not isinstance(given, Mapping) or not given:
        return dict(data)
    return {**data, "links": {str(k): url(str(v), settings) for k, v in given.items()}}
