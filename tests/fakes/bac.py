"""The baccalaureate's adapters in memory (``chalicelib.services.bac.ports``): the candidate
records, the sessions and result items, the certificates and their shares, the writes run on
their own and the one-request guard, the verified contacts, the status bits and SD-JWT VCs,
a signing key, the documents' uploads and the files put in the documents bucket (the jobs:
``tests/fakes/jobs.py``). Each condition is the DynamoDB module's (a CNIe number claimed by
one candidate per session, a record not already waiting for a correction, a record still
naming the certificate it named, a certificate never written over and revoked only while
valid, a guard not taken), and each
write that joins a transaction is an ``in_memory`` ``Also``: ``InMemoryCases`` (with a
transition) or ``InMemoryWrites.run`` (on their own) checks every condition before it
applies any, so all or nothing, a failed condition a ``LostRace`` naming it."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from chalicelib import clock
from chalicelib.credentials import sdjwt, statuslist
from chalicelib.credentials.statuslist import Reference
from chalicelib.credentials.types import CredentialType
from chalicelib.documents import uploads
from chalicelib.documents.uploads import PresignedPost
from chalicelib.identity import Principal
from chalicelib.notify.contacts import identity_name, identity_verified
from chalicelib.refusals import FieldError, LostRace, Refusal
from chalicelib.services.bac import domain
from chalicelib.services.bac.domain import Candidate, data_check
from chalicelib.store.bac.candidates import CnieHeld
from chalicelib.store.bac.certificates import MAX_VERIFICATION_TIMES, Certificate, Share
from chalicelib.store.bac.sessions import Session, StoredResult
from chalicelib.store.cases import Also
from chalicelib.workflow import lifecycle
from chalicelib.workflow.case import Case, Contact, Document
from chalicelib.workflow.engine import Actor
from chalicelib.workflow.machine import Machine
from tests.fakes.cases import InMemoryWrite, in_memory
from tests.fakes.credentials import InMemorySigner as InMemorySigner  # one signer for both fakes

Key = tuple[int, str, str]  # (session, academy, candidate number)


def key_of(c: Candidate) -> Key:
    return (c.year, c.academy, c.candidate_number)


@dataclass
class InMemoryCandidates:
    """The records by (session, academy, number); the CNIe lookup newest session first, as
    the lookup index sorts ``<year>#<number>``. A record without a CNIe number is not found
    by one. ``claims``: who holds a CNIe number in a session (``ClaimItem``);
    ``corrections``: the fields an officer accepted, laid over the list's on every import."""

    records: dict[Key, Candidate] = field(default_factory=dict)
    claims: dict[tuple[int, str], tuple[str, str]] = field(default_factory=dict)
    corrections: dict[Key, dict[str, str]] = field(default_factory=dict)

    def put(self, c: Candidate) -> Candidate:
        """A record held as it is, no CNIe claimed (``upsert_candidate`` is the import's)."""
        self.records[key_of(c)] = c
        return c

    def candidates_of(self, year: int, academy: str) -> Iterator[Candidate]:
        mine = [c for c in self.records.values() if (c.year, c.academy) == (year, academy)]
        yield from sorted(mine, key=lambda c: c.candidate_number)

    def upsert_candidate(self, c: Candidate, now: datetime) -> None:
        """As the DynamoDB module: the number claimed first (held by another: ``CnieHeld``,
        nothing written); the list's data under the accepted corrections; the data check's
        state and the certificate kept, the marks and assessments kept when the row has
        none; a number the record no longer carries released."""
        if c.cnie:
            self._claim(c)
        before = self.records.get(key_of(c))
        listed = data_check.with_corrections(c, self.corrections.get(key_of(c), {}))
        assessments = (c.continuous_assessment, c.regional_exam)
        if None in assessments:  # written only both at once
            assessments = (
                (before.continuous_assessment, before.regional_exam) if before else (None, None)
            )
        self.records[key_of(c)] = replace(
            listed,
            data_status=before.data_status if before else domain.DataStatus.UNCHECKED,
            certificate_id=before.certificate_id if before else "",
            marks=c.marks or (before.marks if before else {}),
            continuous_assessment=assessments[0],
            regional_exam=assessments[1],
        )
        if before is not None and before.cnie and before.cnie != c.cnie:
            self._release(c.year, before.cnie, (c.academy, c.candidate_number))

    def _claim(self, c: Candidate) -> None:
        holder = self.claims.setdefault((c.year, c.cnie), (c.academy, c.candidate_number))
        if holder != (c.academy, c.candidate_number):
            raise CnieHeld(*holder)

    def _release(self, year: int, cnie: str, holder: tuple[str, str]) -> None:
        if self.claims.get((year, cnie)) == holder:
            del self.claims[(year, cnie)]

    def _of_cnie(self, cnie: str, year: int | None) -> list[Candidate]:
        found = [
            c
            for c in self.records.values()
            if cnie and c.cnie == cnie and (year is None or c.year == year)
        ]
        return sorted(found, key=lambda c: f"{c.year}#{c.candidate_number}", reverse=True)

    def candidate_of_cnie(self, cnie: str, year: int | None = None) -> Candidate | None:
        return next(iter(self._of_cnie(cnie, year)), None)

    def candidates_of_cnie(self, cnie: str, limit: int = 20) -> list[Candidate]:
        return self._of_cnie(cnie, None)[:limit]

    def load_candidate(self, year: int, academy: str, number: str) -> Candidate | None:
        return self.records.get((year, academy, number))

    def confirm_data(self, c: Candidate) -> None:
        held = self.records[key_of(c)]
        if held.data_status == domain.DataStatus.CORRECTION_REQUESTED:
            raise LostRace("a correction is being examined")
        self.records[key_of(c)] = replace(held, data_status=domain.DataStatus.CONFIRMED)

    def _status(self, c: Candidate) -> str:
        held = self.records.get(key_of(c))
        return held.data_status if held else domain.DataStatus.UNCHECKED

    def names(self, c: Candidate, certificate_id: str) -> bool:
        """The record still names ``certificate_id`` ("": none)."""
        held = self.records.get(key_of(c))
        return (held.certificate_id if held else "") == certificate_id

    def change(self, c: Candidate, **changes: Any) -> None:
        self.records[key_of(c)] = replace(self.records[key_of(c)], **changes)

    def correction_opened(self, c: Candidate) -> Also:
        return in_memory(
            "candidate_record",
            lambda: self.change(c, data_status=domain.DataStatus.CORRECTION_REQUESTED),
            lambda: self._status(c) != domain.DataStatus.CORRECTION_REQUESTED,
        )

    def correction_answered(
        self, c: Candidate, fields: dict[str, str], certificate_id: str = ""
    ) -> Also:
        def apply() -> None:
            self.corrections.setdefault(key_of(c), {}).update(fields)
            corrected = data_check.with_corrections(self.records[key_of(c)], fields)
            if certificate_id:
                corrected = replace(corrected, certificate_id=certificate_id)
            self.records[key_of(c)] = corrected

        def holds() -> bool:
            waiting = self._status(c) == domain.DataStatus.CORRECTION_REQUESTED
            return waiting and (not certificate_id or self.names(c, c.certificate_id))

        return in_memory("candidate_record", apply, holds)


@dataclass
class InMemoryCredentials:
    """Status bits counted from 0 in one list, the bits set to 1 (``invalid``), and SD-JWT
    VCs signed by ``signer`` (the claims ``chalicelib.credentials.issuance.issue`` signs,
    with test URIs)."""

    signer: InMemorySigner
    invalid: set[Reference] = field(default_factory=set)
    _next: Iterator[int] = field(default_factory=itertools.count)

    def allocate(self) -> Reference:
        return Reference("unit-list", next(self._next))

    def issue(
        self,
        kind: CredentialType,
        clear: Mapping[str, Any],
        disclosable: Mapping[str, Any],
        reference: Reference,
        at: datetime,
        holder_jwk: Mapping[str, Any] | None = None,
    ) -> str:
        always: dict[str, Any] = {
            "iss": "https://unit.invalid",
            "iat": int(at.timestamp()),
            "vct": f"https://unit.invalid/credentials/types/{kind.key}",
            "status": statuslist.claim(
                f"https://unit.invalid/status-lists/{reference.list_id}", reference.index
            ),
            **clear,
        }
        if holder_jwk is not None:
            always["cnf"] = {"jwk": dict(holder_jwk)}
        header = {"alg": "ES256", "kid": self.signer.key_id()}
        return sdjwt.issue(header, always, disclosable, self.signer.sign)

    def is_invalid(self, reference: Reference) -> bool:
        return reference in self.invalid


@dataclass
class InMemoryCertificates:
    """Certificates by id and shares by id; the record's pointer is ``candidates``' and the
    status bit a revocation sets is ``credentials``'."""

    candidates: InMemoryCandidates
    credentials: InMemoryCredentials
    certificates: dict[str, Certificate] = field(default_factory=dict)
    shares: dict[str, Share] = field(default_factory=dict)

    def load_certificate(self, certificate_id: str) -> Certificate | None:
        return self.certificates.get(certificate_id)

    def put_certificate(self, new: Certificate) -> Also:
        return in_memory(
            "certificate",
            lambda: self.certificates.__setitem__(new.certificate_id, new),
            lambda: new.certificate_id not in self.certificates,
        )

    def revoke_certificate(
        self, certificate_id: str, new: Certificate | None, now: datetime
    ) -> Also:
        def apply() -> None:
            held = self.certificates[certificate_id]
            if held.status_bit is not None:
                self.credentials.invalid.add(held.status_bit)
            self.certificates[certificate_id] = replace(
                held,
                status="revoked",
                revoked_at=now,
                replaced_by=new.certificate_id if new else "",
            )

        def holds() -> bool:
            held = self.certificates.get(certificate_id)
            return held is not None and held.status == "valid"

        return in_memory("previous_certificate", apply, holds)

    def attach_credential(self, certificate_id: str, sd_jwt: str, reference: Reference) -> bool:
        held = self.certificates.get(certificate_id)
        if held is None or held.sd_jwt or held.status != "valid":
            return False
        self.certificates[certificate_id] = replace(held, sd_jwt=sd_jwt, status_bit=reference)
        return True

    def certificate_issued(self, c: Candidate, new: Certificate, now: datetime) -> list[Also]:
        pointer = in_memory(
            "certificate_pointer",
            lambda: self.candidates.change(c, certificate_id=new.certificate_id),
            lambda: self.candidates.names(c, c.certificate_id),
        )
        writes = [self.put_certificate(new), pointer]
        return writes + (
            [self.revoke_certificate(c.certificate_id, new, now)] if c.certificate_id else []
        )

    def save_share(self, share: Share) -> None:
        if share.share_id in self.shares:
            raise RuntimeError(f"share {share.share_id} exists")
        self.shares[share.share_id] = share

    def load_share(self, share_id: str) -> Share | None:
        return self.shares.get(share_id)

    def shares_of(self, owner: str, limit: int = 100) -> list[Share]:
        mine = [s for s in self.shares.values() if s.owner == owner]
        mine.sort(key=lambda s: f"{s.created_at.isoformat()}#{s.share_id}", reverse=True)
        return mine[:limit]

    def revoke_share(self, share_id: str, owner: str, now: datetime) -> None:
        held = self.shares.get(share_id)
        if held is None or held.owner != owner:
            raise LostRace("not this owner's share")
        self.shares[share_id] = replace(held, revoked_at=held.revoked_at or now)

    def count_verification(self, share_id: str, now: datetime) -> None:
        held = self.shares[share_id]
        times = held.verified_times
        if len(times) < MAX_VERIFICATION_TIMES:
            times = [*times, now.isoformat()]
        self.shares[share_id] = replace(
            held, verified_count=held.verified_count + 1, verified_times=times
        )


def stored_result(c: Candidate, session: Session) -> StoredResult:
    """The result item ``chalicelib.store.bac.sessions`` writes: before the marks exist,
    only who and when."""
    result = domain.result_for(c) if c.has_results else None
    return StoredResult(
        c.year,
        c.candidate_number,
        c.stream,
        dict(c.marks),
        str(result.average) if result else "",
        result.mention if result else "",
        result.outcome if result else "",
        session.visible_from,
        session.complaint_until,
        dict(result.components) if result else {},
    )


@dataclass
class InMemorySessions:
    """Sessions by (year, academy); result items by (CNIe number, year)."""

    candidates: InMemoryCandidates
    certificates: InMemoryCertificates
    sessions: dict[tuple[int, str], Session] = field(default_factory=dict)
    results: dict[tuple[str, int], StoredResult] = field(default_factory=dict)

    def publish(self, session: Session) -> int:
        """Its candidates' result items written, then the session saved, as the publication
        job does."""
        mine = self.candidates.candidates_of(session.year, session.academy)
        written = self.write_results(mine, session)
        self.save_session(session, clock.now())
        return written

    def load_session(self, year: int, academy: str) -> Session | None:
        return self.sessions.get((year, academy))

    def save_session(self, session: Session, now: datetime) -> None:
        self.sessions[(session.year, session.academy)] = session

    def write_results(self, candidates: Iterable[Candidate], session: Session) -> int:
        written = 0
        for c in candidates:
            if c.cnie:
                self.results[(c.cnie, c.year)] = stored_result(c, session)
                written += 1
        return written

    def result_of_cnie(self, cnie: str, year: int | None = None) -> StoredResult | None:
        if year is not None:
            return self.results.get((cnie, year))
        mine = sorted((y, r) for (n, y), r in self.results.items() if n == cnie)
        return mine[-1][1] if mine else None

    def marks_corrected(
        self,
        c: Candidate,
        marks: dict[str, Decimal],
        session: Session,
        new: Certificate | None,
        now: datetime,
    ) -> list[Also]:
        after = replace(c, marks=marks)
        writes = [
            in_memory(
                "candidate_marks",
                lambda: self.candidates.change(
                    c, marks=marks, certificate_id=new.certificate_id if new else ""
                ),
                lambda: self.candidates.names(c, c.certificate_id),
            )
        ]
        if c.cnie:
            result = stored_result(after, session)
            writes.append(
                in_memory(
                    "candidate_result", lambda: self.results.__setitem__((c.cnie, c.year), result)
                )
            )
        writes += [self.certificates.put_certificate(new)] if new else []
        if c.certificate_id:
            writes.append(self.certificates.revoke_certificate(c.certificate_id, new, now))
        return writes


@dataclass
class InMemoryWrites:
    """``run``: every condition read before any write applies; ``guards``: the kinds of
    request taken (``grant#<year>#<cnie>``); ``refuse`` names the writes whose condition
    fails, as another writer's would."""

    guards: set[str] = field(default_factory=set)
    refuse: set[str] = field(default_factory=set)
    runs: int = 0

    def run(self, writes: Iterable[Also]) -> None:
        batch = list(writes)
        for write in batch:
            if not isinstance(write.add, InMemoryWrite):
                raise TypeError(f"{write.name}: not an in-memory write")
        failed = {w.name for w in batch if isinstance(w.add, InMemoryWrite) and not w.add.holds()}
        failed |= {w.name for w in batch} & self.refuse
        if failed:
            raise LostRace(failed=frozenset(failed))
        for write in batch:
            if isinstance(write.add, InMemoryWrite):
                write.add.apply()
        self.runs += 1

    def guard(self, what: str) -> Also:
        return in_memory(
            "already_applied", lambda: self.guards.add(what), lambda: what not in self.guards
        )


@dataclass
class InMemoryContacts:
    """What each citizen confirmed with a code (``confirmed[subject]``) beside what their
    identity provider vouches for; with no address given (as the bac asks), the vouched one,
    else the first confirmed, as ``chalicelib.notify.contacts.reach`` chooses."""

    confirmed: dict[str, list[str]] = field(default_factory=dict)

    def reach(
        self,
        principal: Principal,
        *,
        email: str = "",
        phone: str = "",
        language: str = "fr",
        field: str = "body.contact",
        strict: bool = True,
    ) -> Contact:
        vouched = identity_verified(principal)
        mine = self.confirmed.get(principal.subject, [])
        chosen: dict[str, str] = {}
        for kind, given in (("email", email), ("phone", phone)):
            of_kind = [v for v in mine if ("@" in v) == (kind == "email")]
            if given and given != vouched.get(kind) and given not in of_kind:
                if strict:
                    error = FieldError(f"{field}.{kind}", "not verified", "not_verified")
                    raise Refusal("contact-not-verified", errors=[error])
                given = ""
            chosen[kind] = given or vouched.get(kind) or next(iter(of_kind), "")
        return Contact(chosen["email"], chosen["phone"], language, identity_name(principal))


@dataclass
class InMemoryUploads:
    """A document declared in the case's history (through the case repository in use), as
    ``chalicelib.documents.uploads.attach`` does, and a POST that names no real bucket."""

    posts: list[PresignedPost] = field(default_factory=list)

    def attach(
        self,
        machine: Machine,
        case: Case,
        actor: Actor,
        kind: str,
        content_type: str,
        size: int,
        file_name: str = "",
    ) -> tuple[Document, PresignedPost]:
        why_not = uploads.refusal(machine, case)
        if why_not:
            raise uploads.Refused(why_not)
        document_id = uploads.new_document_id()
        document = Document(
            id=document_id,
            kind=kind,
            content_type=content_type,
            size=size,
            status="awaiting_upload",
            uploaded_by=actor.subject,
            uploaded_role=sorted(actor.roles)[0],
            created_at=clock.now(),
            key=uploads.upload_key(case.id, document_id),
            file_name=file_name,
        )
        data = {"document_id": document.id, "kind": kind, "role": document.uploaded_role}
        lifecycle.record(case, "document_attached", actor, data, (document,), document.created_at)
        post = PresignedPost(
            "https://uploads.unit.invalid",
            {"key": document.key, "Content-Type": content_type},
            clock.now() + timedelta(minutes=15),
        )
        self.posts.append(post)
        return document, post


@dataclass
class InMemoryFiles:
    """The documents bucket's files by key, as bytes."""

    files: dict[str, bytes] = field(default_factory=dict)

    def put(self, key: str, content: bytes) -> str:
        self.files[key] = content
        return key

    def size(self, key: str) -> int | None:
        held = self.files.get(key)
        return None if held is None else len(held)

    def read(self, key: str) -> bytes | None:
        return self.files.get(key)
