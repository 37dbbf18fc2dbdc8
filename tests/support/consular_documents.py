"""The required documents of a consular request, as if uploaded and checked: for tests below
the HTTP edge (the storm, the least-privilege samples, the bench) that validate requests in
bulk. The e2e journeys upload them through S3 like a browser."""

from __future__ import annotations

import uuid
from datetime import datetime

from chalicelib import clock
from chalicelib.services.consular import checklists
from chalicelib.workflow import lifecycle
from chalicelib.workflow.case import Case, Document
from chalicelib.workflow.engine import Actor


def checked_checklist(case: Case, at: datetime | None = None) -> Case:
    """``case`` with a verified document of each required kind it still lacks."""
    at = at or clock.now()
    owner = Actor(case.owner, frozenset({"citizen"}))
    documents = tuple(
        Document(
            (name := uuid.uuid4().hex),
            kind,
            "application/pdf",
            1000,
            "verified",
            case.owner,
            "citizen",
            at,
            f"verified/{case.id}/{name}",
            "ab" * 32,
            "",
            f"{kind}.pdf",
        )
        for kind in checklists.missing(case)
    )
    if not documents:
        return case
    return lifecycle.record(case, "document_checked", owner, {}, documents, at=at)
