"""What the credentials need of the world outside their rules: the status bits (``StatusBits``:
each shard's counter and each list's bits set to 1), the wallet flow's grants (``Grants``:
offers and access tokens, used once) and the signing key (``Signer``: its ``kid``, its
signatures, the keys published to check them). Protocols, so that ``issuance.py`` and
``offers.py`` run against AWS (``chalicelib.store.credentials``, ``chalicelib.store.vci`` and
``chalicelib.documents.signing``, the default) or, in unit tests, against the in-memory fakes
of ``tests/fakes/credentials.py``, in milliseconds (decision §73).

What a credential states is no port here: each service provides a source of its own
(``sources.py``), wired by the app. The status bits' writes (``invalidate``, an ``Also`` of
the transaction that revokes or replaces what the credential states, and ``set_invalid``)
belong to the same port: the adapters in use understand them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.ports import Overrides

if TYPE_CHECKING:
    from chalicelib.credentials.statuslist import Reference
    from chalicelib.credentials.vci import Grant
    from chalicelib.store.cases import Also


class StatusBits(Protocol):
    """A shard's counter only grows (an index is never given twice); a list's bits set to 1
    are the credentials revoked or replaced."""

    def next_position(self, shard: int) -> int: ...

    def invalid_indices(self, list_id: str) -> set[int]: ...

    def invalidate(self, reference: Reference, name: str = "status_bit") -> Also: ...

    def set_invalid(self, reference: Reference) -> None: ...


class Grants(Protocol):
    """Offers and access tokens by the digest of their code: an offer redeemed once before
    it expires, for a token redeemed once before it expires (None otherwise)."""

    def save_offer(self, digest: str, grant: Grant) -> None: ...

    def load_offer(self, digest: str) -> Grant | None: ...

    def redeem_offer(
        self, digest: str, now: int, token_digest: str, token_expires: int
    ) -> Grant | None: ...

    def live_token(self, digest: str, now: int) -> Grant | None: ...

    def redeem_token(self, digest: str, now: int) -> Grant | None: ...


class Signer(Protocol):
    """The key in service (``key_id``, a DER ES256 signature by it or by the key named) and
    every key still published, the one in service first."""

    def key_id(self) -> str: ...

    def sign(self, message: bytes, key_id: str | None = None) -> bytes: ...

    def published_keys(self) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class Ports:
    """One set of adapters; a field left ``None`` is the default's."""

    status_bits: StatusBits | None = None
    grants: Grants | None = None
    signer: Signer | None = None


_OVERRIDES: Overrides[Ports] = Overrides()
_in_use = _OVERRIDES.find_or
using = _OVERRIDES.using  # ports.using(Ports(...)) in a test


def status_bits() -> StatusBits:
    """The store in use: DynamoDB's unless a test put another in place."""
    from chalicelib.store import credentials as dynamodb

    return _in_use("status_bits", dynamodb)


def grants() -> Grants:
    from chalicelib.store import vci as dynamodb

    return _in_use("grants", dynamodb)


def signer() -> Signer:
    from chalicelib.documents import signing as kms

    return _in_use("signer", kms)
