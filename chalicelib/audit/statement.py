"""A day's digest (pure): what it sums up, the bytes that are signed, and the check of a
signature with the public key alone.

The root is the RFC 6962 Merkle tree hash over the day's record hashes (each as its 64 hex
characters) ordered by (pk, sk): any reader who has the day's records gets the same root.
``heads_root`` is the same tree over the sorted hashes of each chain's last record that day.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from chalicelib.audit import merkle
from chalicelib.audit.chain import Link

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey

TREE = "RFC6962-SHA256"
ALGORITHM = "ECDSA_SHA_256"  # KMS's name: ECDSA on P-256 over SHA-256; DER signature, base64
SUMMARY_FIELDS = ("date", "count", "chains", "root", "heads_root")


@dataclass(frozen=True)
class Summary:
    date: str
    count: int
    chains: int
    root: str
    heads_root: str


def summarise(day: date, links: Iterable[Link]) -> Summary:
    ordered = sorted(links, key=lambda link: (link.pk, link.sk))
    heads: dict[tuple[str, str], str] = {}
    for link in ordered:  # in (pk, sk) order the last one seen is the chain's head of the day
        heads[(link.pk, link.chain)] = link.hash
    return Summary(
        date=day.isoformat(),
        count=len(ordered),
        chains=len(heads),
        root=merkle.root([link.hash.encode() for link in ordered]).hex(),
        heads_root=merkle.root([head.encode() for head in sorted(heads.values())]).hex(),
    )


def body(summary: Summary, key_id: str, signed_at: str) -> dict[str, Any]:
    """The digest without its signature: no personal data, only counts and hashes."""
    return {
        "date": summary.date,
        "count": summary.count,
        "chains": summary.chains,
        "root": summary.root,
        "heads_root": summary.heads_root,
        "tree": TREE,
        "algorithm": ALGORITHM,
        "key_id": key_id,
        "signed_at": signed_at,
    }


def signed_bytes(digest: Mapping[str, Any]) -> bytes:
    """Every field but the signature, canonical JSON (well under KMS's 4096-byte RAW limit)."""
    fields = {k: v for k, v in digest.items() if k != "signature"}
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def with_signature(unsigned: Mapping[str, Any], signature: bytes) -> dict[str, Any]:
    return {**unsigned, "signature": base64.b64encode(signature).decode()}


def public_key(jwk: Mapping[str, Any]) -> EllipticCurvePublicKey:
    """The P-256 key of a JWK (``/.well-known/jwks.json``)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise ValueError("not a P-256 key")
    x, y = (int.from_bytes(_unb64url(str(jwk[c])), "big") for c in ("x", "y"))
    return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()


def signature_valid(digest: Mapping[str, Any], key: EllipticCurvePublicKey) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        signature = base64.b64decode(str(digest.get("signature", "")), validate=True)
        key.verify(signature, signed_bytes(digest), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
