"""The Merkle tree hash of RFC 6962 (section 2.1), as Certificate Transparency computes it.

Leaves and inner nodes are hashed with different prefixes (0x00, 0x01), so no inner node can
pass as a leaf; an empty tree hashes to SHA-256 of nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root(leaves: Sequence[bytes]) -> bytes:
    """The root over ``leaves`` (the data, hashed here as leaves), in the order given."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    level = [leaf_hash(leaf) for leaf in leaves]
    return _subtree(level, 0, len(level))


def _subtree(hashes: list[bytes], start: int, end: int) -> bytes:
    count = end - start
    if count == 1:
        return hashes[start]
    split = 1 << ((count - 1).bit_length() - 1)  # the largest power of two below count
    return node_hash(_subtree(hashes, start, start + split), _subtree(hashes, start + split, end))
