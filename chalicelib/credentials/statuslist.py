"""Token Status List (IETF OAuth draft "Token Status List", section 4): one bit per issued
credential, 0 valid, 1 invalid (revoked or replaced), bit ``i`` the ``i mod 8``-th least
significant bit of byte ``i // 8``, the bytes DEFLATE-compressed (ZLIB format) and base64url
encoded as ``lst``.

Where a credential's bit lives: ``SHARDS`` lists are filled at once (a new credential picks a
shard at random), so no single counter or list item takes every issuance; shard ``s``'s
counter gives position ``n``, which is index ``n % LIST_SIZE`` of list ``s-<n // LIST_SIZE>``.
The counter only grows: an index is never given twice."""

from __future__ import annotations

import secrets
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.credentials import jose

BITS = 1
VALID, INVALID = 0, 1
LIST_SIZE = 16_384  # 2 KiB of bits; its revoked set stays far under an item's 400 KB
SHARDS = 8
TTL_SECONDS = 300  # how long a verifier (or a CDN) may keep a list before fetching it again
TYP = "statuslist+jwt"


@dataclass(frozen=True)
class Reference:
    """Where one credential's bit is: list ``list_id``, index ``index``."""

    list_id: str
    index: int


def pick_shard() -> int:
    return secrets.randbelow(SHARDS)


def position(shard: int, counter_value: int) -> Reference:
    """The bit of the ``counter_value``-th credential (1-based) of ``shard``."""
    n = counter_value - 1
    return Reference(f"{shard}-{n // LIST_SIZE}", n % LIST_SIZE)


def is_list_id(text: str) -> bool:
    shard, _, generation = text.partition("-")
    return (
        shard.isdigit()
        and generation.isdigit()
        and int(shard) < SHARDS
        and len(generation) <= 9
        and str(int(shard)) == shard
        and str(int(generation)) == generation
    )


def encode(invalid: Iterable[int], size: int = LIST_SIZE) -> str:
    """``lst``: the compressed bits, ``invalid`` set to 1."""
    bits = bytearray(size * BITS // 8)
    for index in invalid:
        if not 0 <= index < size:
            raise ValueError(f"index {index} outside a list of {size}")
        bits[index // 8] |= 1 << (index % 8)
    return jose.b64(zlib.compress(bytes(bits), 9))


def status_at(lst: str, index: int) -> int:
    """The status a verifier reads at ``index`` of ``lst``."""
    bits = zlib.decompress(jose.unb64(lst))
    if not 0 <= index < len(bits) * 8:
        raise ValueError(f"index {index} outside the list")
    return (bits[index // 8] >> (index % 8)) & 1


def claim(uri: str, index: int) -> dict[str, object]:
    """The ``status`` claim of a credential (draft section 6.1)."""
    return {"status_list": {"idx": index, "uri": uri}}


def token_payload(
    uri: str, lst: str, issued_at: int, issuer: str, ttl: int = TTL_SECONDS
) -> dict[str, object]:
    """The Status List Token's payload (draft section 5.1): ``sub`` is its own URI, the one
    credentials name."""
    return {
        "iss": issuer,
        "sub": uri,
        "iat": issued_at,
        "exp": issued_at + 24 * 3600,
        "ttl": ttl,
        "status_list": {"bits": BITS, "lst": lst},
    }
