"""Guards more than one case type uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.workflow.case import Case
from chalicelib.workflow.machine import DocumentRule, Guard


def missing_documents(case: Case, rules: tuple[DocumentRule, ...]) -> list[str]:
    """Required kinds that have no verified document yet."""
    verified = {d.kind for d in case.documents if d.status == "verified"}
    return [r.kind for r in rules if r.required and r.kind not in verified]


def documents_verified(rules: tuple[DocumentRule, ...]) -> Guard:
    """Passes once every required document of ``rules`` is present and verified."""

    def guard(case: Case, payload: Mapping[str, Any]) -> str | None:
        missing = missing_documents(case, rules)
        return f"required documents not yet verified: {', '.join(missing)}" if missing else None

    return guard


def all_of(*guards: Guard) -> Guard:
    """Passes when every one of ``guards`` does; otherwise the first one's reason."""

    def guard(case: Case, payload: Mapping[str, Any]) -> str | None:
        return next((why for g in guards if (why := g(case, payload))), None)

    return guard
