"""The filing receipt that law 55.19 owes every applicant: the case's reference, when it was
filed, the documents received and the legal deadline for the answer.

Built from the case and its history alone, with no I/O, so the JSON and the PDF state exactly
the same facts; the PDF prints the SHA-256 of the JSON content, so either can be checked
against the other. Nothing in the content depends on when it is asked for: the same case
gives the same digest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import Field

from chalicelib.api.schemas import Output
from chalicelib.notify import dates
from chalicelib.workflow.case import Case, Document, HistoryEntry
from chalicelib.workflow.machine import Machine, StateKind

LEGAL_DAYS = 60  # law 55.19: the administration answers within 60 days of the filing
DEFAULT_CLOCK = "decision"


class NotFiled(Exception):
    """The case is still a draft: nothing was filed, so there is nothing to acknowledge."""


class Bilingual(Output):
    ar: str
    fr: str


class ReceivedDocument(Output):
    kind: str
    title: Bilingual = Field(description="The kind as the case type names it.")
    file_name: str
    status: str = Field(description="verified or rejected.")
    sha256: str = Field(description="SHA-256 of the file as received, hex.")


class LegalDeadline(Output):
    name: str
    source: Literal["clock", "law"] = Field(
        description="clock: the case's own legal clock; law: 60 days after the filing."
    )
    due_at: datetime | None = Field(description="UTC; none while a clock is paused.")
    due_date: Bilingual | None = Field(description="The day it falls due, in Casablanca.")
    state: str = Field(default="", description="The clock's state: running, paused ...")


class Verification(Output):
    sha256: str = Field(description="SHA-256 of this receipt's JSON without 'verification'.")
    code: str = Field(description="What the PDF's QR code holds.")


class Receipt(Output):
    case_id: str
    reference: str
    case_type: str
    title: str
    office: str
    filed_at: datetime = Field(description="UTC.")
    filed_at_local: Bilingual = Field(description="The same moment in Casablanca, in words.")
    documents: list[ReceivedDocument]
    deadlines: list[LegalDeadline]
    verification: Verification


def filed_at(machine: Machine, history: Sequence[HistoryEntry]) -> datetime | None:
    """When the case left its draft for the administration: its first transition from the
    initial state to a state that is not terminal (a draft withdrawn was never filed)."""
    kinds = {s.name: s.kind for s in machine.states}
    initial = machine.initial.name
    for entry in sorted(history, key=lambda e: e.seq):
        if entry.from_state == initial and kinds.get(entry.to_state) not in (
            StateKind.INITIAL,
            StateKind.TERMINAL,
            None,
        ):
            return entry.at
    return None


def _bilingual_moment(moment: datetime) -> Bilingual:
    return Bilingual(ar=dates.time_in_letters(moment, "ar"), fr=dates.time_in_letters(moment, "fr"))


def _bilingual_day(moment: datetime) -> Bilingual:
    return Bilingual(ar=dates.date_in_letters(moment, "ar"), fr=dates.date_in_letters(moment, "fr"))


def _received(machine: Machine, document: Document) -> ReceivedDocument:
    rule = machine.document_rule(document.kind)
    titles = dict(rule.titles) if rule else {}
    title = Bilingual(ar=titles.get("ar", document.kind), fr=titles.get("fr", document.kind))
    return ReceivedDocument(
        kind=document.kind,
        title=title,
        file_name=document.file_name,
        status=document.status,
        sha256=document.sha256,
    )


def _from_clock(name: str, raw: Any) -> LegalDeadline:
    """A clock as the case stores it (JSON: due_at, state ...), read without trusting its
    shape: a clock whose fields are missing or malformed shows without a due date."""
    fields: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    due = dates.parse(fields.get("due_at"))
    state = fields.get("state")
    return LegalDeadline(
        name=str(name),
        source="clock",
        due_at=due,
        due_date=_bilingual_day(due) if due else None,
        state=state if isinstance(state, str) else "",
    )


def deadlines(case: Case, filed: datetime) -> list[LegalDeadline]:
    """The case's legal clocks when it has any; else the law's 60 days from the filing."""
    if case.clocks:
        return [_from_clock(name, raw) for name, raw in sorted(case.clocks.items())]
    due = filed + timedelta(days=LEGAL_DAYS)
    return [
        LegalDeadline(name=DEFAULT_CLOCK, source="law", due_at=due, due_date=_bilingual_day(due))
    ]


def digest(content: Mapping[str, Any]) -> str:
    """SHA-256 of canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def build(case: Case, machine: Machine, history: Sequence[HistoryEntry]) -> Receipt:
    filed = filed_at(machine, history)
    if filed is None:
        raise NotFiled(case.id)
    # Only what arrived: a document still awaiting its upload was not received.
    received = [_received(machine, d) for d in case.documents if d.status != "awaiting_upload"]
    unsigned = Receipt(
        case_id=case.id,
        reference=case.reference,
        case_type=case.case_type,
        title=machine.title or case.case_type,
        office=case.office,
        filed_at=filed,
        filed_at_local=_bilingual_moment(filed),
        documents=sorted(received, key=lambda d: (d.kind, d.file_name, d.sha256)),
        deadlines=deadlines(case, filed),
        verification=Verification(sha256="", code=""),
    )
    sha = digest(unsigned.model_dump(mode="json", exclude={"verification"}))
    code = f"KHIDMAT:{case.reference}:SHA256:{sha}"
    return unsigned.model_copy(update={"verification": Verification(sha256=sha, code=code)})
