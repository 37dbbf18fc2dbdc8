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
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.notify import dates
from chalicelib.workflow import clocks, legal
from chalicelib.workflow import holidays as calendar
from chalicelib.workflow.case import Case, Document, HistoryEntry
from chalicelib.workflow.machine import Clock, Machine, StateKind


class Output(BaseModel):
    """What a receipt holds, as JSON: extra attributes of the records read are left out."""

    model_config = ConfigDict(extra="ignore")


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
    source: str = Field(
        description="Where the clock's length comes from: a source text and article, or "
        "'unverified' when no source text of the project states the figure."
    )
    length: int | None = Field(description="How long it runs, in its unit, without extension.")
    unit: str = Field(description="calendar_days, working_days (or seconds, in tests).")
    due_at: datetime | None = Field(description="UTC; none while the clock is paused.")
    due_date: Bilingual | None = Field(description="The day it falls due, in Casablanca.")
    state: str = Field(default="", description="The clock's state: running, paused, done ...")
    paused_since: datetime | None = Field(
        default=None, description="While paused (the applicant owes something): since when."
    )
    days_used: int | None = Field(
        default=None,
        description="Days of it used when it stopped running (paused, done, expired); none "
        "while it runs, where its due date tells the rest (a receipt does not age).",
    )


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
    initial state to a state that is not terminal (a draft withdrawn was never filed); for a
    case born filed (its decision clock starts at its creation), the creation."""
    if legal.born_filed(machine):
        created = [e for e in history if e.event == legal.CREATED]
        return min(created, key=lambda e: e.seq).at if created else None
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


def _from_clock(clock: Clock, raw: Any) -> LegalDeadline:
    """A clock as the case stores it (JSON: due_at, state ...), read without trusting its
    shape: a clock whose fields are missing or malformed shows without a due date."""
    fields: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    due = dates.parse(fields.get("due_at"))
    state = fields.get("state")
    unit = "working_days" if clock.working_days else "calendar_days"
    shown = LegalDeadline(
        name=clock.name,
        source=clock.source,
        length=clock.seconds or clock.days,
        unit="seconds" if clock.seconds else unit,
        due_at=due,
        due_date=_bilingual_day(due) if due else None,
        state=state if isinstance(state, str) else "",
    )
    try:
        kept = clocks.ClockState.of(fields)
    except (KeyError, TypeError, ValueError):
        return shown
    # Counted up to the moment it stopped running, never to "now": the same case, the same
    # receipt. A running clock has its due date instead.
    since = clocks.paused_since(kept)
    stopped_at = since or (kept.ended_at if not kept.live else None)
    used = clocks.used(clock, kept, stopped_at, calendar.moroccan()) if stopped_at else None
    return shown.model_copy(update={"paused_since": since, "days_used": used})


def deadlines(case: Case, machine: Machine) -> list[LegalDeadline]:
    """The legal clocks the case's type declares and the case has started, its decision
    clock first; a type that declares none (a payment) has no deadline to show."""
    declared = sorted(machine.clocks, key=lambda c: c.name != legal.DECISION_CLOCK)
    return [_from_clock(c, case.clocks[c.name]) for c in declared if c.name in case.clocks]


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
        deadlines=deadlines(case, machine),
        verification=Verification(sha256="", code=""),
    )
    sha = digest(unsigned.model_dump(mode="json", exclude={"verification"}))
    code = f"KHIDMAT:{case.reference}:SHA256:{sha}"
    return unsigned.model_copy(update={"verification": Verification(sha256=sha, code=code)})
