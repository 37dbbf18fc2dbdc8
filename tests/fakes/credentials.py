"""The credentials' adapters in memory (``chalicelib.credentials.ports``): the status bits,
the wallet flow's offers and access tokens, a signing key; and a credential source in
miniature (``chalicelib.credentials.sources``). Each condition is the DynamoDB module's (a
shard's counter that only grows, an offer or a token used once and before it expires, an
offer's token written in the same step), and a bit set with a transaction is an
``in_memory`` ``Also``: ``InMemoryCases`` applies it with the transition or not at all."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from chalicelib import clock
from chalicelib.credentials import issuance, jose
from chalicelib.credentials.statuslist import Reference
from chalicelib.credentials.types import CredentialType
from chalicelib.credentials.vci import Grant, GrantError
from chalicelib.identity import Principal
from chalicelib.refusals import Refusal
from chalicelib.store.cases import Also
from tests.fakes.cases import in_memory


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def public_jwk(kid: str, key: ec.EllipticCurvePrivateKey) -> dict[str, Any]:
    """The key's public half as ``chalicelib.documents.signing`` publishes a KMS key's."""
    numbers = key.public_key().public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": jose.b64(numbers.x.to_bytes(32, "big")),
        "y": jose.b64(numbers.y.to_bytes(32, "big")),
        "use": "sig",
        "alg": "ES256",
        "kid": kid,
    }


@dataclass
class InMemorySigner:
    """P-256 keys made for the test, as the KMS keys behind the signing alias: ``key`` in
    service (``kid``), the ``retired`` ones still published, oldest retirement first, as
    ``make rotate-signing-key`` leaves them (``rotate``). Signatures are DER, as KMS's."""

    key: ec.EllipticCurvePrivateKey = field(default_factory=new_key)
    kid: str = "unit-key"
    retired: dict[str, ec.EllipticCurvePrivateKey] = field(default_factory=dict)

    def key_id(self) -> str:
        return self.kid

    def sign(self, message: bytes, key_id: str | None = None) -> bytes:
        key = self.key if key_id in (None, self.kid) else self.retired[str(key_id)]
        return key.sign(message, ec.ECDSA(hashes.SHA256()))

    @property
    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.key.public_key()

    def published_keys(self) -> list[dict[str, Any]]:
        retired = [public_jwk(kid, key) for kid, key in self.retired.items()]
        return [public_jwk(self.kid, self.key), *retired]

    def rotate(self) -> str:
        """A new key in service; the old one retired and still published. Its ``kid``."""
        self.retired[self.kid] = self.key
        self.key, self.kid = new_key(), f"unit-key-{len(self.retired)}"
        return self.kid


@dataclass
class InMemoryStatusBits:
    """Each shard's counter (only ever added to, so no index is given twice) and each
    list's indices set to 1."""

    counters: dict[int, int] = field(default_factory=dict)
    invalid: dict[str, set[int]] = field(default_factory=dict)

    def next_position(self, shard: int) -> int:
        self.counters[shard] = self.counters.get(shard, 0) + 1
        return self.counters[shard]

    def invalid_indices(self, list_id: str) -> set[int]:
        return set(self.invalid.get(list_id, set()))

    def invalidate(self, reference: Reference, name: str = "status_bit") -> Also:
        return in_memory(name, lambda: self.set_invalid(reference))

    def set_invalid(self, reference: Reference) -> None:
        self.invalid.setdefault(reference.list_id, set()).add(reference.index)


@dataclass
class Held:
    grant: Grant
    used_at: int | None = None

    def live(self, now: int) -> bool:
        return self.used_at is None and self.grant.expires_at > now


@dataclass
class InMemoryGrants:
    """Offers and access tokens by the digest of their code, as ``chalicelib.store.vci``
    keeps them (no code itself is stored); a token carries no transaction code."""

    offers: dict[str, Held] = field(default_factory=dict)
    tokens: dict[str, Held] = field(default_factory=dict)

    def save_offer(self, digest: str, grant: Grant) -> None:
        if digest in self.offers:
            raise RuntimeError(f"offer {digest} exists")
        self.offers[digest] = Held(grant)

    def load_offer(self, digest: str) -> Grant | None:
        held = self.offers.get(digest)
        return held.grant if held else None

    def redeem_offer(
        self, digest: str, now: int, token_digest: str, token_expires: int
    ) -> Grant | None:
        held = self.offers.get(digest)
        if held is None or not held.live(now) or token_digest in self.tokens:
            return None
        held.used_at = now
        token = replace(held.grant, tx_code="", expires_at=token_expires)
        self.tokens[token_digest] = Held(token)
        return held.grant

    def live_token(self, digest: str, now: int) -> Grant | None:
        held = self.tokens.get(digest)
        return held.grant if held and held.live(now) else None

    def redeem_token(self, digest: str, now: int) -> Grant | None:
        held = self.tokens.get(digest)
        if held is None or not held.live(now):
            return None
        held.used_at = now
        return held.grant


@dataclass(frozen=True)
class Holding:
    """One credential a source can issue: its holder, its claims, its status bit, and
    whether what it states is in force (a refused file's order is not)."""

    owner: str
    clear: dict[str, Any]
    disclosable: dict[str, Any]
    bit: Reference
    in_force: bool = True


@dataclass
class InMemorySource:
    """A service's credentials in miniature (``chalicelib.credentials.sources``), as the bac
    certificate's and the equivalence order's sources answer: offered to the citizen alone,
    or for a file they name (``takes_case``: someone else's file not found, one with nothing
    in force a conflict); issued by ``issuance.issue`` under the holding's own bit while it
    is in force and its bit not set."""

    kind: CredentialType
    takes_case: bool = False
    held: dict[str, Holding] = field(default_factory=dict)

    def hold(
        self,
        subject_ref: str,
        owner: str,
        disclosable: dict[str, Any],
        clear: dict[str, Any] | None = None,
        in_force: bool = True,
    ) -> Holding:
        """What ``owner`` holds under ``subject_ref``, with a fresh status bit."""
        holding = Holding(owner, clear or {}, disclosable, issuance.allocate(), in_force)
        self.held[subject_ref] = holding
        return holding

    def subject_of(self, citizen: Principal, case_id: str | None, correlation_id: str) -> str:
        if not self.takes_case:
            mine = (r for r, h in self.held.items() if h.owner == citizen.subject and h.in_force)
            return next(mine, "")
        holding = self.held.get(case_id or "")
        if holding is None or holding.owner != citizen.subject:
            raise Refusal("not-found")
        if not holding.in_force:
            raise Refusal("conflict", "Nothing of this file is in force.")
        return case_id or ""

    def issue(self, subject_ref: str, holder: dict[str, Any]) -> str:
        holding = self.held.get(subject_ref)
        if holding is None or not holding.in_force or issuance.is_invalid(holding.bit):
            raise GrantError("invalid_credential_request", "the credential is no longer valid")
        return issuance.issue(
            self.kind, holding.clear, holding.disclosable, holding.bit, clock.now(), holder
        )
