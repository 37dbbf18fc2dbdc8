"""The equivalence order's credential, its shares and its own codes (``credential.py``) against
the in-memory fakes of ``tests/fakes/`` (decision §77): the rules
tests/e2e/equivalence/test_eq_credential.py, test_eq_order_code.py and
tests/integration/equivalence/test_eq_order_code_race.py assert through HTTP and moto (the
order issued to its holder only while granted or conditional and in force, one status bit per
order, set by the transition that revokes or replaces it; shares showing only the claims they
name, listed with their verifications, revoked; a new code replacing the old and ending what
was given before, a rotation racing another losing whole), here in milliseconds with a local
P-256 key and AWS out of reach (any AWS call fails the test)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from botocore.client import BaseClient

from chalicelib import clock
from chalicelib.credentials import issuance, types
from chalicelib.credentials import ports as credential_ports
from chalicelib.credentials.orders import OrderCode, OrderShare
from chalicelib.credentials.statuslist import Reference
from chalicelib.identity import Principal
from chalicelib.refusals import LostRace, Refusal
from chalicelib.services.equivalence import credential, domain, ports
from chalicelib.settings import get_settings
from chalicelib.workflow import lifecycle, repository
from chalicelib.workflow.case import Case
from tests.e2e.equivalence.eq_support import ASSESSMENT
from tests.fakes.cases import InMemoryCases
from tests.fakes.credentials import InMemorySigner, InMemoryStatusBits
from tests.fakes.equivalence import (
    InMemoryCommittees,
    InMemoryContacts,
    InMemoryOrders,
    InMemoryQueues,
    InMemoryReads,
)
from tests.unit.equivalence.test_eq_use_cases import (
    APPLICANT,
    BO,
    OFFICER,
    START,
    act,
    attached,
    committee,
    filed,
    granted,
    refused,
)

STRANGER = Principal("citizen:eq-not-the-holder", "citizen", frozenset({"citizen"}))
CID = "cid-unit"


@dataclass
class World:
    cases: InMemoryCases
    orders: InMemoryOrders
    bits: InMemoryStatusBits
    moment: list[datetime]

    def later(self, **delta: float) -> None:
        self.moment[0] += timedelta(**delta)

    def now(self) -> int:
        return int(self.moment[0].timestamp())

    def status(self, presented: str) -> str:
        """ "valid" or "revoked", as any verifier reads the credential's status bit now."""
        return issuance.verify(presented, self.now())[1]


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    def no_aws(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a unit test called AWS: {args[1:2]}")

    monkeypatch.setattr(BaseClient, "_make_api_call", no_aws)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://khidmat.unit.invalid")  # the issuer
    get_settings.cache_clear()
    moment = [START]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    cases, bits = InMemoryCases(), InMemoryStatusBits()
    fakes = World(cases, InMemoryOrders(bits=bits), bits, moment)
    equivalence = ports.Ports(
        queues=InMemoryQueues(cases),
        orders=fakes.orders,
        order_credentials=fakes.orders,  # one record: what a transition checks, a code moves
        contacts=InMemoryContacts(),
        committees=InMemoryCommittees(),
        reads=InMemoryReads(),
    )
    credentials = credential_ports.Ports(status_bits=bits, signer=InMemorySigner())
    with repository.using(cases), ports.using(equivalence), credential_ports.using(credentials):
        yield fakes
    get_settings.cache_clear()  # the environment is given back: so are its settings


def refusal_of(call: Any, *args: Any) -> Refusal:
    with pytest.raises(Refusal) as refused:
        call(*args)
    return refused.value


def in_force(case: Case) -> tuple[Case, dict[str, Any]]:
    """The file as stored now and its current decision."""
    current = lifecycle.load(case.id) or case
    return current, domain.current_decision(current.payload) or {}


def held(case: Case) -> str:
    """The credential its holder asks for now."""
    return credential.held(APPLICANT, *in_force(case))


def claims_of(presented: str) -> dict[str, Any]:
    verified, _ = issuance.verify(presented, int(clock.now().timestamp()))
    return verified.claims


def reopened_and_decided(case: Case, ground: str, **proposal: Any) -> Case:
    """Article 11: the file reopened on ``ground``, the law committee's new proposal decided
    and published."""
    act(OFFICER, case, "reopen", ground=ground, reason="art. 11")
    act(committee("law"), case, "propose", **proposal)
    day = clock.now().date().isoformat()
    act(OFFICER, case, "decide", order_number="5005.26", order_date=day)
    return act(OFFICER, case, "publish", **{**BO, "bo_number": "7600"})


def revoked(case: Case) -> Case:
    found = clock.now().date().isoformat()
    revocation = {"outcome": "revocation", "reason": "Diplôme non authentique"}
    return reopened_and_decided(case, "not_authentic", **revocation, established_on=found)


# ---------------------------------------------------------------- the order as a credential


def test_the_order_is_its_holder_s_credential_under_one_bit(world: World) -> None:
    case = granted(filed())
    first = held(case)
    claims = claims_of(first)
    assert claims["vct"].endswith("/credentials/types/equivalence-order")
    assert (claims["outcome"], claims["track"]) == ("equivalence", "higher")
    assert claims["order"] == {"number": "1234.25", "date": "2026-03-02"}
    assert claims["file_reference"] == case.reference and world.status(first) == "valid"
    bit = world.orders.issued[(case.id, 1)]
    assert issuance.reference_of(claims) == bit
    again = held(case)  # asked again: the same bit, none allocated
    assert issuance.reference_of(claims_of(again)) == bit and sum(world.bits.counters.values()) == 1
    officer = refusal_of(credential.held, OFFICER, *in_force(case))
    assert officer.slug == "forbidden"  # the officer reads the copy; the holder holds it


def test_a_refused_order_is_no_credential_and_records_no_bit(world: World) -> None:
    case = refused(filed())
    assert refusal_of(held, case).slug == "conflict"
    assert world.orders.issued == {} and world.bits.counters == {}


def test_a_conditional_order_is_a_credential_too(world: World) -> None:
    case = filed(level="doctorate_medicine", training="health", title="Doctorat en médecine")
    act(OFFICER, case, "accept_file")
    attached(case, "expertise_report", "equivalence_officer")
    act(OFFICER, case, "refer")
    exam = [{"kind": "evaluation_exam", "detail": "examen d'évaluation"}]
    short = {**ASSESSMENT, "supervision": {"rating": "partly_meets", "note": "courts"}}
    proposal = {"national_diploma": "Doctorat en médecine", "assessment": short}
    act(committee("health"), case, "propose", outcome="conditional", **proposal, conditions=exam)
    act(OFFICER, case, "decide", order_number="1234.25", order_date="2026-03-02")
    assert act(OFFICER, case, "publish", **BO).state == "conditional"
    assert claims_of(held(case))["outcome"] == "conditional"


def test_a_revoked_order_s_bit_is_set_and_no_credential_is_issued(world: World) -> None:
    case = granted(filed())
    before = held(case)
    assert revoked(case).state == "revoked"
    assert world.status(before) == "revoked"  # the signature still checks, the status refuses
    assert claims_of(before)["outcome"] == "equivalence"
    assert refusal_of(held, case).slug == "conflict"


def test_a_replaced_order_s_bit_is_set_and_the_new_order_has_its_own(world: World) -> None:
    case = granted(filed())
    before = held(case)
    new_diploma = "Licence d'études fondamentales en droit (nouveau régime)"
    replaced = reopened_and_decided(
        case,
        "reference_diploma_changed",
        outcome="equivalence",
        national_diploma=new_diploma,
        assessment=ASSESSMENT,
    )
    assert replaced.state == "granted" and world.status(before) == "revoked"
    after = held(case)
    assert world.status(after) == "valid" and claims_of(after)["order"]["number"] == "5005.26"
    assert world.orders.issued[(case.id, 2)] != world.orders.issued[(case.id, 1)]


def test_a_decision_changed_since_the_file_was_read_sets_the_bit_just_recorded(
    world: World,
) -> None:
    """The file read with its order in force, then revoked before any credential (so the
    revocation set no bit): the bit recorded now is set at once, and nothing issued."""
    case = granted(filed())
    stale, decision = in_force(case)
    revoked(case)
    assert refusal_of(credential.sd_jwt_vc, stale, decision).slug == "conflict"
    assert world.orders.invalid == {world.orders.issued[(case.id, 1)]}


# ---------------------------------------------------------------- shares (decision 54)


def share(case: Case, claims: list[str] | None, days: int = 10) -> tuple[str, OrderShare]:
    return credential.create_share(APPLICANT, case.id, "Employeur", days, claims, CID)


def test_a_share_shows_only_the_claims_it_names_to_anyone_with_its_code(world: World) -> None:
    case = granted(filed())
    named = ["holder", "national_diploma"]
    for who in (STRANGER, OFFICER):  # staff read files, they do not share them
        other = refusal_of(credential.create_share, who, case.id, "E", 10, named, CID)
        assert other.slug == "not-found"
    wrong = refusal_of(share, case, ["status"])
    assert [e.field for e in wrong.errors] == ["body.claims"]
    assert [e.field for e in refusal_of(share, case, named, 91).errors] == ["body.days"]
    assert world.orders.shares == {}

    code, made = share(case, named)
    assert code.startswith(credential.SHARE_PREFIX) and made.share_id == credential.share_id(code)
    assert code not in str(world.orders.shares)  # only its digest is kept
    status, proved = credential.verify_share(code)
    assert status == "valid" and proved is not None
    assert sorted(proved.disclosed) == named
    assert not {"order", "file_reference", "diploma"} & set(proved.claims)
    assert credential.presented(code) == made.presentation
    assert credential.verify_share(credential.SHARE_PREFIX + "x" * 32) == ("unknown", None)
    assert credential.verify_share("not-a-code") == ("unknown", None)
    everything, _ = share(case, None)  # no claims named: every one
    _, all_of_it = credential.verify_share(everything)
    assert all_of_it is not None and set(all_of_it.disclosed) == set(types.EQUIVALENCE.disclosable)


def test_the_holder_lists_the_shares_newest_first_with_their_verifications(world: World) -> None:
    case = granted(filed())
    one_code, one = share(case, ["holder", "national_diploma"])
    world.later(minutes=1)
    two_code, two = share(case, ["order"])
    for _ in range(2):
        world.later(minutes=1)
        assert credential.verify_share(one_code)[0] == "valid"
    listed = credential.shares(APPLICANT, case.id, CID)
    assert [(s.share_id, status) for s, status in listed] == [
        (two.share_id, "valid"),
        (one.share_id, "valid"),
    ]
    counted = {s.share_id: (s.verifications, s.last_verified_at) for s, _ in listed}
    assert counted == {one.share_id: (2, world.moment[0]), two.share_id: (0, None)}
    assert credential.shown(listed[1][0].presentation)[1] == ["holder", "national_diploma"]
    assert refusal_of(credential.shares, STRANGER, case.id, CID).slug == "not-found"

    assert refusal_of(credential.revoke_share, STRANGER, two.share_id).slug == "not-found"
    assert refusal_of(credential.revoke_share, APPLICANT, "short").slug == "not-found"
    credential.revoke_share(APPLICANT, two.share_id)
    assert credential.verify_share(two_code) == ("revoked", None)  # and not counted
    after = {
        s.share_id: (s.verifications, st) for s, st in credential.shares(APPLICANT, case.id, CID)
    }
    assert after[two.share_id] == (0, "revoked")

    world.later(days=11)  # past the ten days of the first share
    assert credential.verify_share(one_code) == ("expired", None)
    assert dict((s.share_id, st) for s, st in credential.shares(APPLICANT, case.id, CID)) == {
        one.share_id: "expired",
        two.share_id: "revoked",
    }


# ---------------------------------------------------------------- an order's own code (55)


def test_a_new_code_replaces_the_old_and_ends_what_was_given_before(world: World) -> None:
    case = granted(filed())
    before = held(case)
    share_code, _ = share(case, ["holder"])
    for who in (STRANGER, OFFICER):
        assert refusal_of(credential.rotate_code, who, case.id, CID).slug == "not-found"

    code, made = credential.rotate_code(APPLICANT, case.id, CID)
    assert credential.is_order_code(code) and made.code_id == credential.code_id(code)
    assert code not in str(world.orders.codes)  # only its digest is kept
    status, proved = credential.verify_share(code)
    assert status == "valid" and proved is not None
    assert proved.claims["order"] == {"number": "1234.25", "date": "2026-03-02"}
    assert proved.claims["file_reference"] == case.reference
    assert credential.presented(code) == made.presentation
    assert world.status(before) == "revoked"  # what was given before ended with it
    assert credential.verify_share(share_code) == ("revoked", None)

    later_code, _ = share(case, ["national_diploma"])
    second, _ = credential.rotate_code(APPLICANT, case.id, CID)
    assert second != code and credential.verify_share(code) == ("replaced", None)
    assert credential.verify_share(later_code) == ("revoked", None)
    assert credential.verify_share(second)[0] == "valid"
    fresh = held(case)  # the credential asked for now carries the order's new bit
    assert world.status(fresh) == "valid"
    assert issuance.reference_of(claims_of(fresh)) == world.orders.issued[(case.id, 1)]
    listed = credential.shares(APPLICANT, case.id, CID)
    assert [status for _, status in listed] == ["revoked", "revoked"]


def test_no_code_for_an_order_not_in_force(world: World) -> None:
    case = refused(filed())
    assert refusal_of(credential.rotate_code, APPLICANT, case.id, CID).slug == "conflict"
    assert world.orders.codes == {}


def test_a_rotation_racing_another_loses_whole(world: World) -> None:
    case = granted(filed())
    held(case)
    real = world.orders.order_code_rotated
    won: list[str] = []

    def another_first(old: Reference | None, new: Reference, code: OrderCode) -> None:
        world.orders.order_code_rotated = real  # type: ignore[method-assign]
        won.append(credential.rotate_code(APPLICANT, case.id, CID)[0])  # read the same bit
        real(old, new, code)

    world.orders.order_code_rotated = another_first  # type: ignore[method-assign]
    lost = refusal_of(credential.rotate_code, APPLICANT, case.id, CID)
    assert lost.slug == "conflict" and "just changed" in str(lost.detail)
    [winner] = won
    assert list(world.orders.codes) == [credential.code_id(winner)]  # the loser wrote nothing
    assert credential.verify_share(winner)[0] == "valid"
    # the store's own conditions, as tests/integration's: a stale bit, a code taken
    recorded = world.orders.issued[(case.id, 1)]
    code = world.orders.codes[credential.code_id(winner)]
    with pytest.raises(LostRace) as stale:
        world.orders.order_code_rotated(Reference("x", 1), Reference("x", 2), code)
    with pytest.raises(LostRace):
        world.orders.order_code_rotated(recorded, Reference("x", 3), code)
    assert stale.value.failed == {"order_code"} and world.orders.issued[(case.id, 1)] == recorded


def test_a_revocation_that_overtook_a_new_code_sets_the_new_bit_too(world: World) -> None:
    """The revocation commits between the rotation's read and its write: it set the old bit,
    the rotation sets the new one it just gave the order."""
    case = granted(filed())
    real = world.orders.order_code_rotated

    def revoked_meanwhile(old: Reference | None, new: Reference, code: OrderCode) -> None:
        revoked(case)
        real(old, new, code)

    world.orders.order_code_rotated = revoked_meanwhile  # type: ignore[method-assign]
    code, _ = credential.rotate_code(APPLICANT, case.id, CID)
    assert credential.verify_share(code) == ("revoked", None)
    assert world.orders.issued[(case.id, 1)] in world.orders.invalid
