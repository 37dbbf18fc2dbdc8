"""Choosing a response's media type from the Accept header (RFC 9110 section 12.5.1)."""

from __future__ import annotations


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media_range, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        if media_range:
            ranges.append((media_range.lower(), quality))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    """The quality of the most specific range that matches ``offer`` (0 if none does)."""
    kind = offer.split("/")[0] + "/*"
    for candidate in (offer, kind, "*/*"):
        matches = [q for r, q in ranges if r == candidate]
        if matches:
            return max(matches)
    return 0.0


def choose(accept: str | None, offered: tuple[str, ...]) -> str | None:
    """The offered type the client prefers, ties going to the first offered; the first one
    when there is no Accept header; None when the client accepts none of them (a 406)."""
    if not accept or not accept.strip():
        return offered[0]
    ranges = _ranges(accept)
    best, best_quality = None, 0.0
    for offer in offered:
        quality = _quality(offer, ranges)
        if quality > best_quality:
            best, best_quality = offer, quality
    return best
