"""A case: one citizen request moving through the states of its type, with its history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

# The engine's small records are NamedTuples: every first request that reads a case defines
# them, and a frozen dataclass costs three times as much to define (docs/decisions.md §18).
# They are told apart by type, never compared with one another.


class Contact(NamedTuple):
    """How to reach the case's owner, and in which language."""

    email: str = ""
    phone: str = ""
    language: str = "ar"
    name: str = ""


class Deadline(NamedTuple):
    """A running timer: when it falls due and what it fires then."""

    name: str
    due_at: datetime
    on_expiry: str
    started_at: datetime


@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    event: str
    from_state: str
    to_state: str
    actor: str
    role: str
    office: str
    at: datetime
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)


class Document(NamedTuple):
    """A file attached to a case. ``status``: awaiting_upload, verified or rejected."""

    id: str
    kind: str
    content_type: str
    size: int
    status: str
    uploaded_by: str
    uploaded_role: str
    created_at: datetime
    key: str
    sha256: str = ""
    reason: str = ""
    file_name: str = ""


@dataclass(frozen=True)
class Case:
    id: str
    reference: str
    case_type: str
    owner: str  # the citizen's subject
    office: str  # the routing office: a school code, a consulate, MEN, MESRSI ...
    state: str
    version: int
    created_at: datetime
    updated_at: datetime
    contact: Contact = field(default_factory=Contact)
    payload: dict[str, Any] = field(default_factory=dict)
    deadlines: dict[str, Deadline] = field(default_factory=dict)
    history_length: int = 0
    documents: tuple[Document, ...] = ()
    clocks: dict[str, Any] = field(default_factory=dict)  # legal clocks, by name (as JSON)
    audit_head: str = ""  # SHA-256 of the case's last transition audit record
