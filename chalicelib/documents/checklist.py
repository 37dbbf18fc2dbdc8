"""A case's checklist: each kind of document its type takes, and where the case stands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib import clock
from chalicelib.documents.uploads import UPLOAD_SECONDS
from chalicelib.workflow.case import Case, Document
from chalicelib.workflow.machine import Machine

# An upload granted longer ago than this never arrived: S3 refuses it once the policy
# expires, and an event is delivered within minutes of an upload that made it in time.
ABANDONED_AFTER = timedelta(seconds=UPLOAD_SECONDS) + timedelta(hours=1)
# When several documents of a kind exist, the best one decides the kind's status.
PRECEDENCE = ("verified", "awaiting_upload", "rejected")


@dataclass(frozen=True)
class ChecklistItem:
    kind: str
    required: bool
    titles: Mapping[str, str]
    status: str  # missing, awaiting_upload, verified or rejected
    document_ids: tuple[str, ...]  # oldest first, every status
    reason: str = ""  # why the latest rejected document was refused, when status is rejected


def checklist(machine: Machine, case: Case, now: datetime | None = None) -> list[ChecklistItem]:
    """One item per kind of the case's rules, in the rules' order."""
    now = now or clock.now()
    items = []
    for rule in machine.documents_of(case):
        documents = sorted((d for d in case.documents if d.kind == rule.kind), key=_created)
        live = [d for d in documents if not _abandoned(d, now)]
        status = next((s for s in PRECEDENCE if any(d.status == s for d in live)), "missing")
        rejected = [d for d in documents if d.status == "rejected"]
        reason = rejected[-1].reason if status == "rejected" else ""
        items.append(
            ChecklistItem(
                rule.kind,
                rule.required,
                rule.titles,
                status,
                tuple(d.id for d in documents),
                reason,
            )
        )
    return items


def _created(document: Document) -> datetime:
    return document.created_at


def _abandoned(document: Document, now: datetime) -> bool:
    return document.status == "awaiting_upload" and now - document.created_at > ABANDONED_AFTER
