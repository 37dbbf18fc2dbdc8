"""The credentials' use cases (``issuance.py``, ``offers.py``) against the in-memory fakes of
``tests/fakes/credentials.py`` (decision §73): the rules tests/e2e/bac/test_bac_credential*.py,
test_bac_wallet.py and tests/e2e/equivalence/test_eq_credential.py assert through HTTP, moto
and KMS (a status bit never given twice, a revoked bit set in its list and read by the
verifier, offers of ten minutes used once with their transaction code, the access token, the
proof of the wallet's key bound as ``cnf``, the credential a source issues, what a
presentation discloses and to whom), here in milliseconds with a local P-256 key and AWS out
of reach (any AWS call fails the test). The sources are two small fakes: a certificate held
by the citizen alone, an order held per file."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from botocore.client import BaseClient

from chalicelib import clock
from chalicelib.credentials import issuance, offers, ports, sdjwt, sources, statuslist, types, vci
from chalicelib.credentials.offers import Offer
from chalicelib.credentials.statuslist import Reference
from chalicelib.credentials.vci import GrantError
from chalicelib.identity import Principal
from chalicelib.refusals import LostRace, Refusal
from chalicelib.settings import get_settings
from chalicelib.workflow.case import Case, HistoryEntry
from tests.fakes.cases import InMemoryCases
from tests.fakes.credentials import (
    InMemoryGrants,
    InMemorySigner,
    InMemorySource,
    InMemoryStatusBits,
)
from tests.support import sdjwt_check
from tests.support.wallet import Wallet, offered_code

ISSUER = "https://khidmat.unit.invalid"
CARD = "ZY123456"
SALMA = Principal(f"citizen:{CARD}", "citizen", frozenset({"citizen"}), acr="cnie", cnie=CARD)
STRANGER = Principal("citizen:someone-else", "citizen", frozenset({"citizen"}))
CERTIFICATE = "2026#AC-UNIT#2123456789"  # the bac source's reference of Salma's certificate
GRANTED, REFUSED = "case-granted", "case-refused"  # two files of Salma's
CERTIFIED = {
    "names": {"ar": "سلمى العلوي", "fr": "Salma Alaoui"},
    "cnie": CARD,
    "marks": {"mathematics": "15.50"},
    "average": "14.15",
    "outcome": "admitted",
}
ORDERED = {
    "holder": "Salma Alaoui",
    "national_diploma": "Licence fondamentale en droit privé",
    "outcome": "equivalence",
}


@dataclass
class World:
    bits: InMemoryStatusBits
    grants: InMemoryGrants
    signer: InMemorySigner
    certificates: InMemorySource
    orders: InMemorySource
    moment: list[datetime]

    def later(self, seconds: int) -> None:
        self.moment[0] += timedelta(seconds=seconds)

    def now(self) -> int:
        return int(self.moment[0].timestamp())

    def bit_of(self, source: InMemorySource, subject_ref: str) -> Reference:
        return source.held[subject_ref].bit

    def jwks(self) -> dict[str, Any]:
        return {"keys": self.signer.published_keys()}


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    def no_aws(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a unit test called AWS: {args[1:2]}")

    monkeypatch.setattr(BaseClient, "_make_api_call", no_aws)
    # The issuer's identifier and its URIs are the API's public base URL.
    monkeypatch.setenv("PUBLIC_BASE_URL", ISSUER)
    get_settings.cache_clear()
    # The wallet's proofs and key binding JWTs are stamped with the real time: start there.
    moment = [datetime.fromtimestamp(int(time.time()), UTC)]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    fakes = World(
        InMemoryStatusBits(),
        InMemoryGrants(),
        InMemorySigner(),
        InMemorySource(types.BAC),
        InMemorySource(types.EQUIVALENCE, takes_case=True),
        moment,
    )
    in_use = ports.Ports(status_bits=fakes.bits, grants=fakes.grants, signer=fakes.signer)
    provided = {types.BAC.key: fakes.certificates, types.EQUIVALENCE.key: fakes.orders}
    with ports.using(in_use), sources.using(provided):
        fakes.certificates.hold(CERTIFICATE, SALMA.subject, CERTIFIED, {"session": 2026})
        decided = {"decision_date": "2026-03-02", "track": "higher"}
        fakes.orders.hold(GRANTED, SALMA.subject, ORDERED, decided)
        fakes.orders.hold(REFUSED, SALMA.subject, {"outcome": "refusal"}, in_force=False)
        yield fakes
    get_settings.cache_clear()  # the environment is given back: so are its settings


def grant_error(call: Any, *args: Any) -> str:
    with pytest.raises(GrantError) as refused:
        call(*args)
    return refused.value.code


def refusal_of(call: Any, *args: Any) -> Refusal:
    with pytest.raises(Refusal) as refused:
        call(*args)
    return refused.value


def the_offer(citizen: Principal = SALMA, case_id: str | None = None) -> Offer:
    [offer] = offers.offers(citizen, case_id, "cid-unit")
    return offer


def token_form(offer: Offer, tx_code: str | None = None) -> dict[str, str]:
    return {
        "grant_type": vci.PRE_AUTHORIZED,
        "pre-authorized_code": offered_code(offer.uri)[0],
        "tx_code": offer.tx_code if tx_code is None else tx_code,
    }


def access_token(offer: Offer) -> str:
    return str(offers.token(token_form(offer))["access_token"])


def asked(wallet: Wallet, configuration: str = types.BAC.key) -> dict[str, Any]:
    proof = wallet.proof(issuance.issuer())
    return {"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}}


def credential_for(token: str, wallet: Wallet, configuration: str = types.BAC.key) -> str:
    answer = offers.credential(f"Bearer {token}", asked(wallet, configuration))
    return str(answer["credentials"][0]["credential"])


def signed_payload(credential: str) -> dict[str, Any]:
    return dict(jwt.decode(credential.split("~")[0], options={"verify_signature": False}))


# ------------------------------------------------------------------ status bits


def test_a_status_bit_is_never_given_twice_across_shards(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    shards = itertools.cycle(range(statuslist.SHARDS))
    monkeypatch.setattr(statuslist, "pick_shard", lambda: next(shards))
    held = {h.bit for source in (world.certificates, world.orders) for h in source.held.values()}
    given = [issuance.allocate() for _ in range(3 * statuslist.SHARDS)]
    assert len(set(given)) == len(given) and not set(given) & held
    assert {r.list_id for r in given} == {f"{s}-0" for s in range(statuslist.SHARDS)}
    assert sum(world.bits.counters.values()) == len(given) + len(held)
    # a revoked bit stays revoked: its index is not given again
    world.bits.set_invalid(given[0])
    again = [issuance.allocate() for _ in range(statuslist.SHARDS)]
    assert not set(again) & {*given, *held}


def test_a_shard_whose_list_is_full_goes_on_in_a_new_list(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statuslist, "pick_shard", lambda: 5)
    world.bits.counters[5] = statuslist.LIST_SIZE - 1
    last, first = issuance.allocate(), issuance.allocate()
    assert last == Reference("5-0", statuslist.LIST_SIZE - 1)
    assert first == Reference("5-1", 0)


def test_a_revoked_credential_s_bit_is_set_in_its_list_and_no_other(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    bit = world.bit_of(world.certificates, CERTIFICATE)
    monkeypatch.setattr(statuslist, "pick_shard", lambda: int(bit.list_id.split("-")[0]))
    neighbour = issuance.allocate()  # a later bit of the same list
    assert neighbour.list_id == bit.list_id and neighbour.index > bit.index
    credential = issuance.issue(types.BAC, {"session": 2026}, CERTIFIED, bit, clock.now())
    assert issuance.verify(credential, world.now())[1] == "valid"

    token = issuance.status_list_token(bit.list_id, clock.now())
    header = jwt.get_unverified_header(token)
    assert (header["typ"], header["kid"]) == ("statuslist+jwt", world.signer.kid)
    claims = jwt.decode(token, world.signer.public_key, algorithms=["ES256"])
    assert claims["sub"] == issuance.status_uri(bit.list_id) and claims["ttl"] == 300
    assert signed_payload(credential)["status"]["status_list"]["uri"] == claims["sub"]
    assert sdjwt_check.status_bit(token, world.jwks(), bit.index) == 0

    ports.status_bits().set_invalid(bit)  # as a revocation or a replacement does
    ports.status_bits().set_invalid(bit)  # twice: the same bit, nothing else
    token = issuance.status_list_token(bit.list_id, clock.now())
    assert sdjwt_check.status_bit(token, world.jwks(), bit.index) == 1
    assert sdjwt_check.status_bit(token, world.jwks(), neighbour.index) == 0
    assert world.bits.invalid_indices(bit.list_id) == {bit.index}
    assert not issuance.is_invalid(neighbour)
    proved, status = issuance.verify(credential, world.now())
    assert status == "revoked" and proved.claims["cnie"] == CARD  # signed, but revoked
    assert sdjwt_check.reference_verify(credential, world.jwks())["cnie"] == CARD


def test_a_bit_set_with_a_transition_is_set_with_it_or_not_at_all(world: World) -> None:
    bit = world.bit_of(world.orders, GRANTED)
    at = clock.now()
    cases = InMemoryCases()
    case = Case(
        id=GRANTED,
        reference="EQ-2026-000001",
        case_type="equivalence_higher",
        owner=SALMA.subject,
        office="MESRSI",
        state="granted",
        version=1,
        created_at=at,
        updated_at=at,
    )
    cases.cases[case.id] = case
    entry = HistoryEntry(2, "revoke", "granted", "revoked", "staff:unit", "officer", "MESRSI", at)
    after = replace(case, state="revoked", version=2)
    moved_meanwhile = replace(case, version=0)
    with pytest.raises(LostRace) as lost:
        cases.save_transition(
            moved_meanwhile, after, entry, also=[world.bits.invalidate(bit, "order_status_bit")]
        )
    assert lost.value.failed == frozenset({"case"}) and not issuance.is_invalid(bit)
    cases.save_transition(case, after, entry, also=[world.bits.invalidate(bit, "order_status_bit")])
    assert issuance.is_invalid(bit) and cases.also_written == ["order_status_bit"]


# ------------------------------------------------------------------ offers and the token


def test_an_offer_per_credential_the_citizen_holds(world: World) -> None:
    offer = the_offer()
    assert offer.configuration == types.BAC.key
    assert offer.qr.startswith("data:image/svg+xml")
    assert len(offer.tx_code) == 6 and offer.tx_code.isdigit()
    code, by_value = offered_code(offer.uri)
    assert by_value == offer.offer and by_value["credential_issuer"] == ISSUER
    assert by_value["credential_configuration_ids"] == [types.BAC.key]
    assert offer.tx_code not in offer.uri  # a photo of the QR alone redeems nothing
    assert offer.expires_at == world.now() + 600
    # only digests are kept: a read of the store gives nobody a code to redeem
    [(digest, held)] = world.grants.offers.items()
    assert digest == vci.digest(code) and code not in repr(held)
    assert held.grant.tx_code == vci.digest(offer.tx_code) and offer.tx_code not in repr(held)
    assert (held.grant.owner, held.grant.subject_ref) == (SALMA.subject, CERTIFICATE)
    assert offers.offers(STRANGER, None, "cid-unit") == []  # holding nothing: no offer


def test_a_file_s_offer_is_for_its_holder_and_an_order_in_force(world: World) -> None:
    offer = the_offer(case_id=GRANTED)
    assert offer.configuration == types.EQUIVALENCE.key
    assert world.grants.offers[vci.digest(offered_code(offer.uri)[0])].grant.subject_ref == GRANTED
    assert refusal_of(offers.offers, STRANGER, GRANTED, "cid").slug == "not-found"
    assert refusal_of(offers.offers, SALMA, REFUSED, "cid").slug == "conflict"
    assert refusal_of(offers.offers, SALMA, "case-unknown", "cid").slug == "not-found"


def test_the_token_needs_the_transaction_code_and_is_given_once(world: World) -> None:
    offer = the_offer()
    wrong = "000000" if offer.tx_code != "000000" else "111111"
    assert grant_error(offers.token, token_form(offer, wrong)) == "invalid_grant"
    assert grant_error(offers.token, token_form(offer, "")) == "invalid_grant"
    granted = offers.token(token_form(offer))
    assert (granted["token_type"], granted["expires_in"]) == ("Bearer", 300)
    [(digest, token)] = world.grants.tokens.items()
    assert digest == vci.digest(granted["access_token"])
    assert token.grant.expires_at == world.now() + 300 and token.grant.tx_code == ""
    assert grant_error(offers.token, token_form(offer)) == "invalid_grant"  # used once
    assert len(world.grants.tokens) == 1


def test_an_offer_lasts_ten_minutes(world: World) -> None:
    in_time, late = the_offer(), the_offer()
    world.later(599)
    assert offers.token(token_form(in_time))["access_token"]
    world.later(1)
    assert grant_error(offers.token, token_form(late)) == "invalid_grant"
    assert world.grants.offers[vci.digest(offered_code(late.uri)[0])].used_at is None


def test_the_token_endpoint_takes_only_a_pre_authorised_code(world: World) -> None:
    offer = the_offer()
    other = {**token_form(offer), "grant_type": "password"}
    assert grant_error(offers.token, other) == "unsupported_grant_type"
    short = {**token_form(offer), "pre-authorized_code": "short"}
    assert grant_error(offers.token, short) == "invalid_request"
    unknown = {**token_form(offer), "pre-authorized_code": vci.new_secret()}
    assert grant_error(offers.token, unknown) == "invalid_grant"
    assert offers.token(token_form(offer))["access_token"]  # none of these spent it


# ------------------------------------------------------------------ the credential


def test_the_credential_is_bound_to_the_wallet_s_key_under_the_holding_s_bit(
    world: World,
) -> None:
    token, wallet = access_token(the_offer()), Wallet()
    credential = credential_for(token, wallet)
    claims = sdjwt_check.reference_verify(credential, world.jwks())
    assert claims["cnf"]["jwk"]["x"] == wallet.jwk["x"]
    assert claims["cnf"]["jwk"]["y"] == wallet.jwk["y"] and "d" not in claims["cnf"]["jwk"]
    assert claims["cnie"] == CARD and claims["session"] == 2026
    bit = world.bit_of(world.certificates, CERTIFICATE)
    assert claims["status"] == statuslist.claim(issuance.status_uri(bit.list_id), bit.index)
    assert claims["vct"] == issuance.vct(types.BAC) and claims["iss"] == issuance.issuer()
    assert jwt.get_unverified_header(credential.split("~")[0])["kid"] == world.signer.kid
    assert grant_error(offers.credential, f"Bearer {token}", asked(wallet)) == "invalid_token"


def test_a_file_s_credential_states_its_order(world: World) -> None:
    token, wallet = access_token(the_offer(case_id=GRANTED)), Wallet()
    credential = credential_for(token, wallet, types.EQUIVALENCE.key)
    claims = sdjwt_check.reference_verify(credential, world.jwks())
    assert claims["cnf"]["jwk"]["y"] == wallet.jwk["y"] and claims["outcome"] == "equivalence"
    assert set(signed_payload(credential)) == {
        *("iss", "iat", "vct", "status", "cnf", "decision_date", "track", "_sd", "_sd_alg"),
    }
    assert issuance.verify(credential, world.now())[1] == "valid"


def test_no_credential_without_a_fresh_proof_of_the_wallet_s_key(world: World) -> None:
    token, wallet, other = access_token(the_offer()), Wallet(), Wallet()
    bearer, issuer = f"Bearer {token}", issuance.issuer()

    def proved_by(proof: str) -> dict[str, Any]:
        return {"proofs": {"jwt": [proof]}}

    def proof(claims: dict[str, Any], jwk: dict[str, Any], typ: str = vci.PROOF_TYP) -> str:
        headers = {"typ": typ, "jwk": jwk}
        return jwt.encode(claims, wallet.key, algorithm="ES256", headers=headers)

    fresh = {"aud": issuer, "iat": world.now()}
    refused = [
        {"credential_configuration_id": types.BAC.key},  # no proof at all
        proved_by(wallet.proof(issuer, iat=world.now() - 301)),  # stale
        proved_by(wallet.proof("https://another-issuer.example")),  # for someone else
        proved_by(proof(fresh, other.jwk)),  # signed by another key than the one it names
        proved_by(proof(fresh, wallet.jwk, typ="JWT")),  # not a proof JWT
        proved_by(proof(fresh, {**wallet.jwk, "d": "private"})),  # a private key sent
    ]
    for body in refused:
        assert grant_error(offers.credential, bearer, body) == "invalid_proof", body
    # the token was not spent by a bad proof: the good one still takes the credential
    assert offers.credential(bearer, proved_by(wallet.proof(issuer)))["credentials"]


def test_the_credential_endpoint_needs_a_live_bearer_token(world: World) -> None:
    wallet = Wallet()
    for authorization in (None, "", "Basic abc", "Bearer ", f"Bearer {vci.new_secret()}"):
        assert grant_error(offers.credential, authorization, asked(wallet)) == "invalid_token"
    token = access_token(the_offer())
    world.later(300)  # an access token lasts five minutes
    assert grant_error(offers.credential, f"Bearer {token}", asked(wallet)) == "invalid_token"


def test_a_token_issues_only_the_configuration_offered(world: World) -> None:
    token = access_token(the_offer())
    answer = grant_error(offers.credential, f"Bearer {token}", asked(Wallet(), "equivalence-order"))
    assert answer == "invalid_credential_request"


def test_a_credential_revoked_since_its_offer_is_not_issued(world: World) -> None:
    token = access_token(the_offer())
    ports.status_bits().set_invalid(world.bit_of(world.certificates, CERTIFICATE))
    answer = grant_error(offers.credential, f"Bearer {token}", asked(Wallet()))
    assert answer == "invalid_credential_request"
    # and no offer of an order no longer in force
    assert refusal_of(offers.offers, SALMA, REFUSED, "cid").slug == "conflict"


# ------------------------------------------------------------------ presentations


def bound_credential(world: World, wallet: Wallet) -> str:
    bit = world.bit_of(world.certificates, CERTIFICATE)
    return issuance.issue(
        types.BAC, {"session": 2026}, CERTIFIED, bit, clock.now(), holder_jwk=wallet.jwk
    )


def test_a_presentation_discloses_only_the_claims_chosen(world: World) -> None:
    credential = bound_credential(world, Wallet())
    named = {d[1] for d in sdjwt_check.disclosures(credential)}
    assert named == set(CERTIFIED) and not named & set(signed_payload(credential))
    shown = sdjwt.present(credential, ["names", "outcome"])
    proved, status = issuance.verify(shown, world.now())
    assert status == "valid" and not proved.key_bound
    assert set(proved.claims) - {"cnf"} == {
        *("iss", "iat", "vct", "status", "session", "names", "outcome"),
    }
    claims = sdjwt_check.reference_verify(shown, world.jwks())
    assert "cnie" not in claims and "average" not in claims and "marks" not in claims
    assert claims["names"]["fr"] == "Salma Alaoui"


def test_a_key_bound_presentation_is_for_its_verifier_and_its_disclosures(
    world: World,
) -> None:
    wallet = Wallet()
    credential = bound_credential(world, wallet)
    shown = sdjwt.present(credential, ["names"])
    kb = wallet.key_binding(shown, "https://employer.example", "n-42")
    proved, status = issuance.verify(shown + kb, world.now(), "https://employer.example", "n-42")
    assert (status, proved.key_bound, proved.disclosed) == (
        "valid",
        True,
        {"names": CERTIFIED["names"]},
    )
    claims = sdjwt_check.reference_verify(
        shown + kb, world.jwks(), "https://employer.example", "n-42"
    )
    assert claims["names"]["fr"] == "Salma Alaoui"
    refusals = {
        "aud": (shown + kb, "https://other.example", "n-42"),
        "nonce": (shown + kb, "https://employer.example", "n-43"),
        "sd_hash": (
            sdjwt.present(credential, ["names", "cnie"]) + kb,
            "https://employer.example",
            "n-42",
        ),
    }
    for why, (presentation, audience, nonce) in refusals.items():
        with pytest.raises(ValueError, match=why):
            issuance.verify(presentation, world.now(), audience, nonce)
    other = Wallet().key_binding(shown, "https://employer.example", "n-42")  # not the cnf key
    with pytest.raises(ValueError):
        issuance.verify(shown + other, world.now(), "https://employer.example", "n-42")


def test_a_tampered_disclosure_or_a_foreign_credential_is_refused(world: World) -> None:
    credential = bound_credential(world, Wallet())
    forged = sdjwt_check.tamper(credential, "average", "19.99")
    with pytest.raises(ValueError, match="not one the issuer signed"):
        issuance.verify(forged, world.now())
    assert "average" not in sdjwt_check.reference_verify(forged, world.jwks())

    def signed_by_our_key(**clear: Any) -> str:
        header = {"alg": "ES256", "kid": world.signer.kid}
        return sdjwt.issue(header, clear, {"cnie": CARD}, world.signer.sign)

    bit = world.bit_of(world.certificates, CERTIFICATE)
    status = statuslist.claim(issuance.status_uri(bit.list_id), bit.index)
    foreign = signed_by_our_key(iss="https://other.example", status=status)
    with pytest.raises(ValueError, match="not issued by this issuer"):
        issuance.verify(foreign, world.now())
    unlisted = signed_by_our_key(iss=issuance.issuer())
    with pytest.raises(ValueError, match="no status list"):
        issuance.verify(unlisted, world.now())


def test_after_a_rotation_old_and_new_credentials_both_verify(world: World) -> None:
    old = bound_credential(world, Wallet())
    retired = world.signer.kid
    current = world.signer.rotate()
    new = bound_credential(world, Wallet())
    assert jwt.get_unverified_header(old.split("~")[0])["kid"] == retired
    assert jwt.get_unverified_header(new.split("~")[0])["kid"] == current
    published = issuance.issuer_metadata()
    assert published["issuer"] == issuance.issuer()
    assert [k["kid"] for k in published["jwks"]["keys"]] == [current, retired]  # in service first
    for credential in (old, new):
        assert issuance.verify(credential, world.now())[1] == "valid"
        assert sdjwt_check.reference_verify(credential, published["jwks"])["cnie"] == CARD
    bit = world.bit_of(world.certificates, CERTIFICATE)
    token = issuance.status_list_token(bit.list_id, clock.now())
    assert jwt.get_unverified_header(token)["kid"] == current  # a list signed now: the new key


def test_the_issuer_offers_every_type_a_source_issues(world: World) -> None:
    meta = vci.issuer_metadata()
    assert meta["credential_issuer"] == issuance.issuer()
    configurations = meta["credential_configurations_supported"]
    assert set(configurations) == set(types.TYPES)
    bac = configurations[types.BAC.key]
    assert (bac["format"], bac["vct"]) == ("dc+sd-jwt", issuance.vct(types.BAC))
    assert meta["credential_endpoint"].endswith("/vci/credential")
    oauth = vci.authorization_server_metadata()
    assert oauth["token_endpoint"] == meta["token_endpoint"]
    assert oauth["grant_types_supported"] == [vci.PRE_AUTHORIZED]
    assert sources.kinds() == [types.BAC.key, types.EQUIVALENCE.key]
    assert grant_error(sources.source_of, "no-such-type") == "invalid_credential_request"
