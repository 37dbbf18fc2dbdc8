"""What the baccalaureate service needs of the world outside its rules, beside the case
repository (``chalicelib.workflow.repository``): the candidate records (``Candidates``), the
sessions and their result items (``Sessions``), the certificates and their shares
(``Certificates``), the writes that go on their own in one transaction and the one-request
guard (``Writes``), the candidate's verified contacts (``Contacts``), the status bits and
SD-JWT VCs of ``chalicelib.credentials`` (``Credentials``), the signing key (``Signer``),
the signed uploads of documents (``Uploads``), and for the exam office the background jobs
(``Jobs``), the candidate lists it puts in the documents bucket (``Files``), its academy's
queue of cases (``Queues``) and the audit of the lists it reads (``Reads``). Protocols, so
that the use cases of ``service.py``, ``certificates.py``, ``decisions.py``, ``jobs.py``
and ``imports.py`` run against AWS (the modules of ``chalicelib.store.bac``,
``chalicelib.notify.contacts``, ``chalicelib.credentials.issuance``,
``chalicelib.documents.signing``, ``chalicelib.documents.uploads``,
``chalicelib.jobs.runner``, ``chalicelib.documents.storage``, ``chalicelib.store.cases``
and ``chalicelib.workflow.access``, the default) or, in unit
tests, against the in-memory fakes of ``tests/fakes/bac.py`` and ``tests/fakes/jobs.py``, in
milliseconds (decisions §70, §75).

The writes that stand or fall with a transition (or with ``Writes.run``) stay ``Also``
values (a name and what it adds to the transaction): the adapters in use understand them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.ports import Overrides

if TYPE_CHECKING:
    from chalicelib.credentials.statuslist import Reference
    from chalicelib.credentials.types import CredentialType
    from chalicelib.documents.uploads import PresignedPost
    from chalicelib.identity import Principal
    from chalicelib.jobs.runner import Job
    from chalicelib.services.bac.domain import Candidate
    from chalicelib.store.bac.certificates import Certificate, Share
    from chalicelib.store.bac.sessions import Session, StoredResult
    from chalicelib.store.cases import Also, Page
    from chalicelib.workflow.case import Case, Contact, Document
    from chalicelib.workflow.engine import Actor
    from chalicelib.workflow.machine import Machine


class Candidates(Protocol):
    """The candidate records, found by the CNIe number of the token (one Query in DynamoDB)
    or by their key; the data check's writes."""

    def candidate_of_cnie(self, cnie: str, year: int | None = None) -> Candidate | None: ...

    def candidates_of_cnie(self, cnie: str, limit: int = 20) -> list[Candidate]: ...

    def load_candidate(self, year: int, academy: str, number: str) -> Candidate | None: ...

    def candidates_of(self, year: int, academy: str) -> Iterator[Candidate]:
        """The academy's records of session ``year``, by candidate number."""
        ...

    def upsert_candidate(self, c: Candidate, now: datetime) -> None:
        """A row of the list over what it said before (the data check, corrections, marks
        the row leaves out and the certificate stay); ``CnieHeld`` when its CNIe number is
        another candidate's this session, nothing written."""
        ...

    def confirm_data(self, c: Candidate) -> None:
        """A ``LostRace`` while a correction is being examined."""
        ...

    def correction_opened(self, c: Candidate) -> Also: ...

    def correction_answered(
        self, c: Candidate, fields: dict[str, str], certificate_id: str = ""
    ) -> Also: ...


class Sessions(Protocol):
    def load_session(self, year: int, academy: str) -> Session | None: ...

    def save_session(self, session: Session, now: datetime) -> None: ...

    def write_results(self, candidates: Iterable[Candidate], session: Session) -> int:
        """Each result item (of the candidates with a CNIe number) with the session's
        moments, written over the one before; how many."""
        ...

    def result_of_cnie(self, cnie: str, year: int | None = None) -> StoredResult | None: ...

    def marks_corrected(
        self,
        c: Candidate,
        marks: dict[str, Decimal],
        session: Session,
        new: Certificate | None,
        now: datetime,
    ) -> list[Also]: ...


class Certificates(Protocol):
    def load_certificate(self, certificate_id: str) -> Certificate | None: ...

    def put_certificate(self, new: Certificate) -> Also: ...

    def revoke_certificate(
        self, certificate_id: str, new: Certificate | None, now: datetime
    ) -> Also: ...

    def attach_credential(self, certificate_id: str, sd_jwt: str, reference: Reference) -> bool: ...

    def certificate_issued(self, c: Candidate, new: Certificate, now: datetime) -> list[Also]: ...

    def save_share(self, share: Share) -> None: ...

    def load_share(self, share_id: str) -> Share | None: ...

    def shares_of(self, owner: str, limit: int = 100) -> list[Share]: ...

    def revoke_share(self, share_id: str, owner: str, now: datetime) -> None: ...

    def count_verification(self, share_id: str, now: datetime) -> None: ...


class Writes(Protocol):
    """``run``: ``Also`` writes on their own, all or nothing (a ``LostRace`` otherwise);
    ``guard``: one request of a kind (``already_applied``)."""

    def run(self, writes: Iterable[Also]) -> None: ...

    def guard(self, what: str) -> Also: ...


class Contacts(Protocol):
    def reach(
        self,
        principal: Principal,
        *,
        email: str = "",
        phone: str = "",
        language: str = "fr",
        field: str = "body.contact",
        strict: bool = True,
    ) -> Contact: ...


class Credentials(Protocol):
    """A fresh status bit, an SD-JWT VC issued with it, and what a bit says now."""

    def allocate(self) -> Reference: ...

    def issue(
        self,
        kind: CredentialType,
        clear: Mapping[str, Any],
        disclosable: Mapping[str, Any],
        reference: Reference,
        at: datetime,
        holder_jwk: Mapping[str, Any] | None = None,
    ) -> str: ...

    def is_invalid(self, reference: Reference) -> bool: ...


class Signer(Protocol):
    """The key that signs the certificate's JWS: its ``kid`` and a DER ES256 signature."""

    def key_id(self) -> str: ...

    def sign(self, message: bytes, key_id: str | None = None) -> bytes: ...


class Uploads(Protocol):
    def attach(
        self,
        machine: Machine,
        case: Case,
        actor: Actor,
        kind: str,
        content_type: str,
        size: int,
        file_name: str = "",
    ) -> tuple[Document, PresignedPost]: ...


class Jobs(Protocol):
    """The background jobs: one queued with its scope's lock (``Busy`` when the scope has
    one queued or running), and a job by id."""

    def submit(self, kind: str, scope: str, params: dict[str, Any], requested_by: str) -> Job: ...

    def get(self, job_id: str) -> Job | None: ...


class Files(Protocol):
    """The files the exam office puts in the documents bucket: a file's size and its bytes
    (None: no such file)."""

    def size(self, key: str) -> int | None: ...

    def read(self, key: str) -> bytes | None: ...


class Queues(Protocol):
    """A staff queue, oldest first: one Query on the queue index in DynamoDB."""

    def queue(
        self,
        case_type: str,
        office: str,
        state: str,
        limit: int,
        start_after: dict[str, Any] | None,
    ) -> Page: ...


class Reads(Protocol):
    """A staff list of citizens' cases is a read: audited before the list leaves."""

    def listed(
        self, principal: Principal, purpose: str, case_ids: list[str], correlation_id: str
    ) -> None: ...


@dataclass(frozen=True)
class Ports:
    """One set of adapters; a field left ``None`` is the default's."""

    candidates: Candidates | None = None
    sessions: Sessions | None = None
    certificates: Certificates | None = None
    writes: Writes | None = None
    contacts: Contacts | None = None
    credentials: Credentials | None = None
    signer: Signer | None = None
    uploads: Uploads | None = None
    jobs: Jobs | None = None
    files: Files | None = None
    queues: Queues | None = None
    reads: Reads | None = None


_OVERRIDES: Overrides[Ports] = Overrides()
_in_use = _OVERRIDES.find_or
using = _OVERRIDES.using  # ports.using(Ports(...)) in a test


def candidates() -> Candidates:
    """The store in use: DynamoDB's unless a test put another in place."""
    from chalicelib.store.bac import candidates as dynamodb

    return _in_use("candidates", dynamodb)


def sessions() -> Sessions:
    from chalicelib.store.bac import sessions as dynamodb

    return _in_use("sessions", dynamodb)


def certificates() -> Certificates:
    from chalicelib.store.bac import certificates as dynamodb

    return _in_use("certificates", dynamodb)


def writes() -> Writes:
    from chalicelib.store.bac import transactions as dynamodb

    return _in_use("writes", dynamodb)


def contacts() -> Contacts:
    from chalicelib.notify import contacts as verified

    return _in_use("contacts", verified)


def credentials() -> Credentials:
    from chalicelib.credentials import issuance

    return _in_use("credentials", issuance)


def signer() -> Signer:
    from chalicelib.documents import signing as kms

    return _in_use("signer", kms)


def uploads() -> Uploads:
    from chalicelib.documents import uploads as s3

    return _in_use("uploads", s3)


def jobs() -> Jobs:
    from chalicelib.jobs import runner

    return _in_use("jobs", runner)


def files() -> Files:
    from chalicelib.documents import storage as s3

    return _in_use("files", s3)


def queues() -> Queues:
    from chalicelib.store import cases as dynamodb

    return _in_use("queues", dynamodb)


def reads() -> Reads:
    from chalicelib.workflow import access

    return _in_use("reads", access)
