"""The baccalaureate's use cases (``service.py``, ``certificates.py``, ``decisions.py``)
against the in-memory fakes of ``tests/fakes/`` (decision §70): the rules tests/e2e/bac
asserts through HTTP and DynamoDB (the record found by the CNIe in the token, the data check
before the convocation, one correction and one grant at a time, results only once
published and per session, a complaint in its window, the certificate: no certificate
without a CNIe number, shares, a correction or a complaint that replaces it), here in
milliseconds and with AWS out of reach (any AWS call fails the test)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from botocore.client import BaseClient
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from chalicelib import clock
from chalicelib.credentials import sdjwt
from chalicelib.identity import Principal
from chalicelib.refusals import LostRace, Refusal
from chalicelib.services.bac import certificates, decisions, ports, service
from chalicelib.services.bac.domain import Candidate
from chalicelib.services.bac.domain.candidate_list import parse_candidates
from chalicelib.services.bac.machines import COMPLAINT, CORRECTION, GRANT
from chalicelib.store.bac.sessions import Session
from chalicelib.workflow import access, lifecycle, repository
from chalicelib.workflow.case import Case, Document
from chalicelib.workflow.engine import Actor
from scripts.demo.bac import row, to_csv
from tests.fakes.bac import (
    InMemoryCandidates,
    InMemoryCertificates,
    InMemoryContacts,
    InMemoryCredentials,
    InMemorySessions,
    InMemorySigner,
    InMemoryUploads,
    InMemoryWrites,
)
from tests.fakes.cases import InMemoryCases

YEAR = 2026
ACADEMY = "AC-UNIT"
CARD = "ZY123456"
NUMBER = "2123456789"
PUBLISHED = datetime(YEAR, 7, 1, 9, 0, tzinfo=UTC)
CANDIDATE = Principal(
    f"citizen:{CARD}",
    "citizen",
    frozenset({"citizen"}),
    acr="cnie",
    cnie=CARD,
    email="salma@demo.invalid",
    email_verified=True,
)
OFFICER = Principal("staff:exam-unit", "staff", frozenset({"exam_officer"}), ACADEMY)
GRANT_FORM = {
    "household_size": 6,
    "income_bracket": "under_2000",
    "children": 4,
    "father_job": "agriculteur",
    "mother_job": "",
    "region": "DRAA-TAFILALET",
}


@dataclass
class World:
    cases: InMemoryCases
    candidates: InMemoryCandidates
    sessions: InMemorySessions
    certificates: InMemoryCertificates
    credentials: InMemoryCredentials
    signer: InMemorySigner
    writes: InMemoryWrites
    uploads: InMemoryUploads
    moment: list[datetime]

    def at(self, moment: datetime) -> None:
        self.moment[0] = moment

    def listed(self, year: int = YEAR, **values: str) -> Candidate:
        """A row of the academy's list, parsed as the import parses it, then held."""
        base = {"academy": ACADEMY, "cnie": CARD, "candidate_number": NUMBER}
        parsed, errors = parse_candidates(to_csv([row(**{**base, **values})]), year, ACADEMY)
        assert not errors, errors
        return self.candidates.put(parsed[0])

    def publish(self, year: int = YEAR, at: datetime = PUBLISHED, days: int = 7) -> None:
        session = Session(year, ACADEMY, f"{year}-06-01", at, at + timedelta(days=days), 1)
        self.sessions.publish(session)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    def no_aws(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a unit test called AWS: {args[1:2]}")

    monkeypatch.setattr(BaseClient, "_make_api_call", no_aws)
    moment = [PUBLISHED - timedelta(days=20)]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    cases = InMemoryCases()
    signer = InMemorySigner()
    credentials = InMemoryCredentials(signer)
    candidates = InMemoryCandidates()
    certificate_store = InMemoryCertificates(candidates, credentials)
    fakes = World(
        cases,
        candidates,
        InMemorySessions(candidates, certificate_store),
        certificate_store,
        credentials,
        signer,
        InMemoryWrites(),
        InMemoryUploads(),
        moment,
    )
    in_use = ports.Ports(
        candidates=candidates,
        sessions=fakes.sessions,
        certificates=certificate_store,
        writes=fakes.writes,
        contacts=InMemoryContacts(),
        credentials=credentials,
        signer=signer,
        uploads=fakes.uploads,
    )
    with repository.using(cases), ports.using(in_use):
        yield fakes


def refusal_of(call: Any, *args: Any, **kwargs: Any) -> Refusal:
    with pytest.raises(Refusal) as refused:
        call(*args, **kwargs)
    return refused.value


def fields_of(refusal: Refusal) -> set[str]:
    return {e.field for e in refusal.errors}


@dataclass(frozen=True)
class Upload:
    content_type: str = "application/pdf"
    size: int = 1000
    file_name: str = "acte.pdf"


def verified(case: Case, kind: str) -> Case:
    """The case's document of ``kind`` uploaded and passed by the checks (the documents
    pipeline's part, tested with moto)."""
    current = lifecycle.load(case.id)
    found = next(d for d in current.documents if d.kind == kind)
    checked = found._replace(status="verified", sha256="0" * 64)
    return lifecycle.record(current, "document_checked", Actor.system("checks"), {}, (checked,))


def attached_verified(case: Case, kind: str) -> Case:
    current = lifecycle.load(case.id)
    document = Document(
        f"doc-{kind}",
        kind,
        "application/pdf",
        10,
        "verified",
        current.owner,
        "citizen",
        clock.now(),
        "k",
    )
    return lifecycle.record(current, "document_checked", Actor.system("checks"), {}, (document,))


def correct(fields: dict[str, str], document: Any = Upload()) -> service.Verification:
    return service.verify(CANDIDATE, "correct", fields, document)


def jws_checks(jws: str, key: ec.EllipticCurvePublicKey) -> dict[str, Any]:
    """The certificate's claims, once its ES256 signature checked with the key alone."""

    def unb64(part: str) -> bytes:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

    head, body, signature = jws.split(".")
    raw = unb64(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
    claims: dict[str, Any] = json.loads(unb64(body))
    return claims


# ------------------------------------------------------------------ the record and its check


def test_the_record_is_the_one_the_token_s_cnie_names(world: World) -> None:
    world.listed()
    world.listed(candidate_number="2999999999", cnie="AB999999")
    me = service.me(CANDIDATE)
    assert (me.candidate_number, me.cnie, me.data_status) == (NUMBER, CARD, "unchecked")
    stranger = replace(CANDIDATE, subject="citizen:other", cnie="XX000001")
    assert refusal_of(service.me, stranger).slug == "bac-not-a-candidate"
    refused = refusal_of(service.me, CANDIDATE, YEAR - 1)
    assert refused.slug == "bac-not-a-candidate" and f"session {YEAR - 1}" in refused.detail


def test_without_a_year_the_newest_session_s_record(world: World) -> None:
    world.listed(YEAR - 1, candidate_number="1111111111")
    world.listed()
    assert service.me(CANDIDATE).year == YEAR
    assert service.me(CANDIDATE, YEAR - 1).candidate_number == "1111111111"


def test_the_convocation_only_once_the_data_is_confirmed(world: World) -> None:
    world.listed()
    early = refusal_of(service.convocation, CANDIDATE)
    assert early.slug == "bac-data-not-confirmed"
    assert early.extra["missing_step"] == "data_check"
    assert service.verify(CANDIDATE, "confirm", {}, None).data_status == "confirmed"
    candidate, _ = service.convocation(CANDIDATE)
    assert candidate.data_status == "confirmed"


def test_a_correction_opens_a_case_with_its_upload_and_one_at_a_time(world: World) -> None:
    world.listed()
    service.verify(CANDIDATE, "confirm", {}, None)
    asked = correct({"first_name_fr": "Selma"})
    assert asked.data_status == "correction_requested" and asked.case is not None
    assert asked.case.case_type == CORRECTION.case_type and asked.case.office == ACADEMY
    assert asked.case.payload["corrections"] == {"first_name_fr": "Selma"}
    assert asked.case.payload["current"] == {"first_name_fr": "Salma"}
    document, post = asked.upload
    assert post.fields["Content-Type"] == "application/pdf"
    assert [d.id for d in asked.case.documents] == [document.id]
    assert service.me(CANDIDATE).data_status == "correction_requested"

    assert refusal_of(correct, {"last_name_fr": "X"}).slug == "conflict"  # one at a time
    assert refusal_of(service.verify, CANDIDATE, "confirm", {}, None).slug == "conflict"
    assert refusal_of(service.convocation, CANDIDATE).slug == "bac-data-not-confirmed"
    assert len(world.cases.cases) == 1


def test_a_correction_names_what_is_wrong_with_it(world: World) -> None:
    world.listed()
    assert fields_of(refusal_of(correct, {"cnie": "AB1"})) == {"body.corrections"}
    assert fields_of(refusal_of(correct, {})) == {"body.corrections"}
    assert fields_of(refusal_of(correct, {"first_name_fr": "Selma"}, None)) == {"body.document"}
    assert world.cases.cases == {}
    assert service.me(CANDIDATE).data_status == "unchecked"


def test_a_correction_is_accepted_on_its_verified_document_and_asks_again(world: World) -> None:
    world.listed()
    service.verify(CANDIDATE, "confirm", {}, None)
    case = correct({"first_name_fr": "Selma"}).case
    assert case is not None
    unproven = refusal_of(decisions.decide, OFFICER, case.id, "accept", "", {}, "corr")
    assert unproven.slug == "bac-document-not-verified"
    assert unproven.extra["missing_step"] == "document_verification"
    assert service.me(CANDIDATE).first_name_fr == "Salma"

    verified(case, "supporting_document")
    accepted = decisions.decide(OFFICER, case.id, "accept", "", {}, "corr")
    assert accepted.state == "accepted"
    me = service.me(CANDIDATE)
    assert (me.first_name_fr, me.data_status) == ("Selma", "unchecked")
    assert refusal_of(service.convocation, CANDIDATE).slug == "bac-data-not-confirmed"
    service.verify(CANDIDATE, "confirm", {}, None)
    assert service.convocation(CANDIDATE)[0].first_name_fr == "Selma"


def test_a_correction_refused_keeps_the_record(world: World) -> None:
    world.listed()
    case = correct({"first_name_fr": "Selma"}).case
    assert case is not None
    refused = decisions.decide(OFFICER, case.id, "refuse", "L'acte ne le montre pas.", {}, "c")
    assert refused.state == "refused"
    me = service.me(CANDIDATE)
    assert (me.first_name_fr, me.data_status) == ("Salma", "unchecked")


def test_another_academy_s_officer_does_not_see_the_case(world: World) -> None:
    world.listed()
    case = correct({"first_name_fr": "Selma"}).case
    assert case is not None
    stranger = replace(OFFICER, office="AC-OTHER")
    assert refusal_of(decisions.decide, stranger, case.id, "refuse", "no", {}, "c").slug == (
        "not-found"
    )


# ------------------------------------------------------------------ grants


def test_a_grant_application_once_per_session(world: World) -> None:
    world.listed()
    case = service.apply_for_grant(CANDIDATE, GRANT_FORM)
    assert case.case_type == GRANT.case_type and case.reference.startswith("BG-")
    assert case.payload["candidate"] == {"year": YEAR, "candidate_number": NUMBER}
    assert case.contact.email == "salma@demo.invalid"
    assert case.contact.name == "Salma Alaoui"
    assert refusal_of(service.apply_for_grant, CANDIDATE, GRANT_FORM).slug == "conflict"
    assert len(world.cases.cases) == 1
    assert world.writes.guards == {f"grant#{YEAR}#{CARD}"}


def test_a_grant_application_only_with_a_cnie_on_file(world: World) -> None:
    world.listed(cnie="")
    password = replace(CANDIDATE, acr="password", cnie="")
    assert refusal_of(service.apply_for_grant, password, GRANT_FORM).slug == "bac-not-a-candidate"
    assert refusal_of(service.apply_for_grant, CANDIDATE, GRANT_FORM).slug == "bac-not-a-candidate"
    assert world.cases.cases == {} and world.writes.guards == set()


def test_a_grant_case_is_reached_only_with_the_cnie(world: World) -> None:
    """The same person signed in with a password: their own case answers cnie-required,
    and the document the officer asked for cannot be said provided."""
    world.listed()
    case = service.apply_for_grant(CANDIDATE, GRANT_FORM)
    password = replace(CANDIDATE, acr="password", cnie="")
    seen = refusal_of(access.visible_case, password, case.id, "read", "corr")
    assert seen.slug == "cnie-required"
    said = refusal_of(decisions.answered, password, case.id, "provide", "", "corr")
    assert said.slug == "cnie-required"
    assert access.visible_case(CANDIDATE, case.id, "read", "corr").id == case.id


def test_a_grant_is_granted_only_on_its_verified_income_certificate(world: World) -> None:
    world.listed()
    case = service.apply_for_grant(CANDIDATE, GRANT_FORM)
    unproven = refusal_of(decisions.decide, OFFICER, case.id, "grant", "", {}, "corr")
    assert unproven.slug == "bac-document-not-verified"
    assert unproven.extra["missing_documents"] == [
        {"kind": "income_certificate", "status": "missing"}
    ]
    attached_verified(case, "income_certificate")
    assert decisions.decide(OFFICER, case.id, "grant", "", {}, "corr").state == "granted"


# ------------------------------------------------------------------ results and complaints


def test_results_only_once_published(world: World) -> None:
    world.listed()
    world.publish()
    world.at(PUBLISHED - timedelta(seconds=1))
    result, visible = service.results(CANDIDATE)
    assert visible is False
    world.at(PUBLISHED)
    result, visible = service.results(CANDIDATE, YEAR)
    assert visible is True
    assert (result.average, result.mention, result.outcome) == ("14.15", "bien", "admitted")
    assert result.marks["math"] == Decimal("14.5")
    assert refusal_of(service.results, CANDIDATE, YEAR - 1).slug == "bac-not-a-candidate"


def test_results_are_kept_per_session(world: World) -> None:
    world.listed(YEAR - 1, candidate_number="1111111111")
    world.publish(YEAR - 1, PUBLISHED - timedelta(days=365))
    world.listed(marks="")
    world.publish(YEAR, PUBLISHED + timedelta(days=30))
    world.at(PUBLISHED)
    newest, visible = service.results(CANDIDATE)
    assert (newest.year, visible) == (YEAR, False)
    old, visible = service.results(CANDIDATE, YEAR - 1)
    assert (old.year, old.outcome, visible) == (YEAR - 1, "admitted", True)


def test_a_complaint_only_in_the_session_s_window(world: World) -> None:
    world.listed()
    complaint = (CANDIDATE, "math", "addition", "Le total de la copie est faux.")
    assert refusal_of(service.complain, *complaint).slug == "bac-complaints-closed"
    world.publish(days=3)
    world.at(PUBLISHED + timedelta(hours=1))
    case = service.complain(*complaint)
    assert case.case_type == COMPLAINT.case_type and case.payload["subject"] == "math"
    wrong = refusal_of(service.complain, CANDIDATE, "latin", "addition", "x")
    assert wrong.slug == "bac-subject-not-in-stream" and fields_of(wrong) == {"body.subject"}
    world.at(PUBLISHED + timedelta(days=3, seconds=1))
    assert refusal_of(service.complain, *complaint).slug == "bac-complaints-closed"


def test_an_accepted_complaint_corrects_the_marks_and_replaces_the_certificate(
    world: World,
) -> None:
    world.listed()
    world.publish(days=3)
    world.at(PUBLISHED + timedelta(hours=1))
    _, first = certificates.certificate(CANDIDATE)
    shared = certificates.create_share(CANDIDATE, "Université", 30)
    case = service.complain(CANDIDATE, "math", "addition", "Le total de la copie est faux.")
    no_marks = refusal_of(decisions.decide, OFFICER, case.id, "accept", "", {}, "corr")
    assert fields_of(no_marks) == {"body.corrections"}

    accepted = decisions.decide(OFFICER, case.id, "accept", "", {"math": Decimal("18")}, "corr")
    assert accepted.state == "accepted"
    result, _ = service.results(CANDIDATE)
    assert result.marks["math"] == Decimal("18") and result.average == "14.64"
    _, second = certificates.certificate(CANDIDATE)
    assert second.certificate_id != first.certificate_id
    assert second.claims["average"] == "14.64"
    assert certificates.verify_code(first.certificate_id)[0] == "replaced"
    assert certificates.verify_code(shared.code)[0] == "revoked"
    assert certificates.verify_code(second.certificate_id)[0] == "valid"
    assert first.status_bit in world.credentials.invalid


# ------------------------------------------------------------------ the certificate


def test_no_cnie_number_on_file_no_certificate(world: World) -> None:
    world.listed(cnie="")
    world.publish()
    world.at(PUBLISHED)
    refused = refusal_of(certificates.certificate, CANDIDATE)
    assert refused.slug == "bac-cnie-not-on-file" and "CNIe" in refused.detail
    world.listed()  # the academy adds the number: the same candidate, now matched
    world.publish()
    _, issued = certificates.certificate(CANDIDATE)
    assert issued.status == "valid" and issued.claims["session"] == YEAR


def test_no_certificate_before_the_results_nor_to_a_candidate_not_admitted(
    world: World,
) -> None:
    world.listed()
    world.publish()
    world.at(PUBLISHED - timedelta(minutes=1))
    assert refusal_of(certificates.certificate, CANDIDATE).slug == "bac-results-not-published"
    world.listed(marks="math=2;physics=3;svt=4;philosophy=5;english=3;arabic=2")
    world.publish()
    world.at(PUBLISHED)
    assert refusal_of(certificates.certificate, CANDIDATE).slug == "bac-not-admitted"
    assert world.certificates.certificates == {}


def test_the_certificate_is_issued_once_and_its_signature_checks(world: World) -> None:
    world.listed()
    world.publish()
    world.at(PUBLISHED)
    candidate, issued = certificates.certificate(CANDIDATE)
    assert candidate.certificate_id == issued.certificate_id
    assert service.me(CANDIDATE).certificate_id == issued.certificate_id
    assert certificates.certificate(CANDIDATE)[1] == issued
    assert len(world.certificates.certificates) == 1
    claims = jws_checks(issued.jws, world.signer.public_key)
    assert claims["jti"] == issued.certificate_id and claims["average"] == "14.15"
    assert issued.certificate_id not in issued.sd_jwt
    assert certificates.credential(CANDIDATE) == issued.sd_jwt


def test_a_share_shows_its_claims_until_revoked(world: World) -> None:
    world.listed()
    world.publish()
    world.at(PUBLISHED)
    days = refusal_of(certificates.create_share, CANDIDATE, "Université", 0)
    assert fields_of(days) == {"body.days"}
    unknown = refusal_of(certificates.create_share, CANDIDATE, "Université", 30, None, ["iban"])
    assert fields_of(unknown) == {"body.claims"}
    share = certificates.create_share(CANDIDATE, "Université", 30, claims=["average"])
    shown = {sdjwt.decode_disclosure(d).name for d in sdjwt.parse(share.presentation).disclosures}
    assert shown == {"average"}
    status, found, counted = certificates.verify_code(share.code)
    assert status == "valid" and found is not None and counted is not None
    assert world.certificates.shares[share.share_id].verified_count == 1
    assert [(s.share_id, st) for s, st in certificates.shares(CANDIDATE)] == [
        (share.share_id, "valid")
    ]
    other = replace(CANDIDATE, subject="citizen:other")
    assert refusal_of(certificates.revoke_share, other, share.share_id).slug == "not-found"
    certificates.revoke_share(CANDIDATE, share.share_id)
    assert certificates.verify_code(share.code)[0] == "revoked"
    world.at(PUBLISHED + timedelta(days=31))
    assert certificates.verify_code(certificates.create_share(CANDIDATE, "B", 1).code)[0] == (
        "valid"
    )
    assert certificates.verify_code("S" + "x" * 30)[0] == "unknown"


def test_a_new_code_replaces_the_old_and_ends_its_shares(world: World) -> None:
    world.listed()
    world.publish()
    world.at(PUBLISHED)
    _, old = certificates.certificate(CANDIDATE)
    share = certificates.create_share(CANDIDATE, "Université", 30)
    new = certificates.rotate_code(CANDIDATE)
    assert new.certificate_id != old.certificate_id
    assert certificates.verify_code(old.certificate_id)[0] == "replaced"
    assert certificates.verify_code(share.code)[0] == "revoked"
    assert certificates.verify_code(new.certificate_id)[0] == "valid"
    assert service.me(CANDIDATE).certificate_id == new.certificate_id


def test_an_accepted_correction_replaces_the_certificate(world: World) -> None:
    world.listed()
    world.publish()
    world.at(PUBLISHED)
    _, old = certificates.certificate(CANDIDATE)
    share = certificates.create_share(CANDIDATE, "Université", 30)
    case = correct({"first_name_fr": "Selma"}).case
    assert case is not None
    verified(case, "supporting_document")
    accepted = decisions.decide(OFFICER, case.id, "accept", "", {}, "corr")
    assert accepted.state == "accepted"
    me = service.me(CANDIDATE)
    assert me.certificate_id and me.certificate_id != old.certificate_id
    new = world.certificates.certificates[me.certificate_id]
    assert new.claims["names"] == {**old.claims["names"], "fr": "Selma Alaoui"}
    assert certificates.verify_code(old.certificate_id)[0] == "replaced"
    assert certificates.verify_code(share.code)[0] == "revoked"
    assert old.status_bit in world.credentials.invalid


def test_a_certificate_lost_in_a_race_writes_nothing(world: World) -> None:
    """Another request issued one first: the record no longer names none, so this issue's
    pointer fails and neither its certificate nor its pointer is written."""
    candidate = world.listed()
    world.publish()
    world.at(PUBLISHED)
    world.candidates.change(candidate, certificate_id="f" * 32)  # named meanwhile, not held
    stale = replace(candidate, certificate_id="")
    issued = certificates.issue(stale, clock.now())
    with pytest.raises(LostRace) as lost:
        world.writes.run(world.certificates.certificate_issued(stale, issued, clock.now()))
    assert lost.value.failed == frozenset({"certificate_pointer"})
    assert world.certificates.certificates == {}

    world.candidates.change(candidate, certificate_id="")
    world.writes.refuse = {"certificate_pointer"}  # the race, through the use case
    assert refusal_of(certificates.certificate, CANDIDATE).slug == "conflict"
    assert world.certificates.certificates == {} and service.me(CANDIDATE).certificate_id == ""


def test_a_holder_who_sits_again_keeps_the_first_session_s_certificate(world: World) -> None:
    world.listed(YEAR - 1, candidate_number="1111111111")
    world.publish(YEAR - 1, PUBLISHED - timedelta(days=365))
    world.at(PUBLISHED - timedelta(days=10))
    _, held = certificates.certificate(CANDIDATE)
    assert held.claims["session"] == YEAR - 1
    world.listed(marks="")
    assert certificates.certificate(CANDIDATE)[1] == held
    early = refusal_of(certificates.certificate, CANDIDATE, YEAR)
    assert early.slug == "bac-results-not-published"
    world.listed(marks="math=18;physics=17;svt=16;philosophy=14;english=17;arabic=15")
    world.publish()
    world.at(PUBLISHED)
    _, second = certificates.certificate(CANDIDATE)
    assert second.claims["session"] == YEAR and second.certificate_id != held.certificate_id
    assert certificates.certificate(CANDIDATE, YEAR - 1)[1].certificate_id == held.certificate_id
    assert certificates.verify_code(held.certificate_id)[0] == "valid"


def test_a_certificate_issued_before_credentials_gets_one_once(world: World) -> None:
    """A certificate stored without its SD-JWT VC gets one on the first ask, kept after."""
    world.listed()
    world.publish()
    world.at(PUBLISHED)
    candidate, issued = certificates.certificate(CANDIDATE)
    bare = replace(issued, sd_jwt="", status_bit=None)
    world.certificates.certificates[issued.certificate_id] = bare
    first = certificates.credential(CANDIDATE)
    held = world.certificates.certificates[issued.certificate_id]
    assert first and held.sd_jwt == first and held.status_bit is not None
    assert certificates.credential(CANDIDATE) == first
    assert candidate.certificate_id == issued.certificate_id
