"""Precedents shown to an applicant while filing: decisions already taken for the same
institution and diploma, read from the same search index as ``GET /equivalence/decisions``."""

from __future__ import annotations

from typing import Any


def precedents(institution: str, diploma: str, limit: int = 5) -> list[dict[str, Any]]:
    """Up to ``limit`` published decisions for this institution and diploma, best match
    first; an empty list when there are none or when no index has been built yet."""
    from chalicelib.services.equivalence.library import search

    if not institution.strip() or not diploma.strip():
        return []
    try:
        index = search.current_index()
    except search.IndexUnavailable:
        return []
    if index is None:
        return []
    return search.similar(index, institution=institution, diploma=diploma, limit=limit)
