"""Issuing and checking credentials with the ministry's KMS key: the SD-JWT VCs, the Status
List Tokens, the issuer's and the types' metadata. The pure building is in ``sdjwt``,
``statuslist`` and ``types``; this module adds the key and the status bits, through the
``Signer`` and ``StatusBits`` ports (``ports.py``: KMS and DynamoDB, or a unit test's in
memory), and the public URLs (links.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.credentials import jose, ports, sdjwt, statuslist
from chalicelib.credentials.statuslist import Reference
from chalicelib.credentials.types import CredentialType

SD_JWT_MEDIA_TYPE = "application/dc+sd-jwt"
STATUS_LIST_MEDIA_TYPE = "application/statuslist+jwt"


def issuer() -> str:
    """The issuer identifier (``iss``): the API's public base URL, where
    ``/.well-known/jwt-vc-issuer`` answers."""
    from chalicelib import links

    return links.base_url()


def vct(kind: CredentialType) -> str:
    from chalicelib import links

    return links.url(links.path("credentials", "types", kind.key))


def status_uri(list_id: str) -> str:
    from chalicelib import links

    return links.url(links.path("public", "status-lists", list_id))


def allocate() -> Reference:
    """A fresh status bit: a random shard's counter moves on by one (one UpdateItem)."""
    shard = statuslist.pick_shard()
    return statuslist.position(shard, ports.status_bits().next_position(shard))


def issue(
    kind: CredentialType,
    clear: Mapping[str, Any],
    disclosable: Mapping[str, Any],
    reference: Reference,
    at: datetime,
    holder_jwk: Mapping[str, Any] | None = None,
) -> str:
    """An SD-JWT VC of ``kind`` with every disclosure, signed ES256 by the key in service;
    ``holder_jwk`` binds it to a wallet key (``cnf``)."""
    signer = ports.signer()
    kid = signer.key_id()
    always: dict[str, Any] = {
        "iss": issuer(),
        "iat": int(at.timestamp()),
        "vct": vct(kind),
        "status": statuslist.claim(status_uri(reference.list_id), reference.index),
        **clear,
    }
    if holder_jwk is not None:
        always["cnf"] = {"jwk": dict(holder_jwk)}
    header = {"alg": "ES256", "kid": kid}
    return sdjwt.issue(header, always, disclosable, lambda m: signer.sign(m, kid))


def status_list_token(list_id: str, at: datetime) -> str:
    """The list's Status List Token (``statuslist+jwt``), signed now."""
    lst = statuslist.encode(ports.status_bits().invalid_indices(list_id))
    payload = statuslist.token_payload(
        status_uri(list_id), lst, int(at.timestamp()), issuer(), statuslist.TTL_SECONDS
    )
    signer = ports.signer()
    kid = signer.key_id()
    header = {"alg": "ES256", "typ": statuslist.TYP, "kid": kid}
    return jose.sign_compact(header, payload, lambda m: signer.sign(m, kid))


def reference_of(payload: Mapping[str, Any]) -> Reference | None:
    """The status bit a credential names, if it is one of our lists."""
    status = payload.get("status")
    entry = status.get("status_list") if isinstance(status, Mapping) else None
    if not isinstance(entry, Mapping):
        return None
    uri, index = str(entry.get("uri", "")), entry.get("idx")
    prefix = status_uri("x")[:-1]
    list_id = uri[len(prefix) :] if uri.startswith(prefix) else ""
    if not statuslist.is_list_id(list_id) or not isinstance(index, int):
        return None
    return Reference(list_id, index)


def is_invalid(reference: Reference) -> bool:
    """What the status list says of this bit (the same item the Status List Token encodes)."""
    return reference.index in ports.status_bits().invalid_indices(reference.list_id)


def issuer_key(header: Mapping[str, Any]) -> Mapping[str, Any]:
    """The published key (current or retired) that the header's ``kid`` names."""
    kid = header.get("kid")
    for key in ports.signer().published_keys():
        if key.get("kid") == kid:
            return key
    raise ValueError(f"no published key has kid {kid!r}")


def verify(
    presentation: str, now: int, audience: str | None = None, nonce: str | None = None
) -> tuple[sdjwt.Verified, str]:
    """A presentation checked as any verifier would (signature, disclosures, KB-JWT when
    present), then its status bit: (what it proves, "valid" or "revoked")."""
    verified = sdjwt.verify(presentation, issuer_key, now, audience, nonce)
    if verified.payload.get("iss") != issuer():
        raise ValueError("not issued by this issuer")
    reference = reference_of(verified.payload)
    if reference is None:
        raise ValueError("the credential names no status list of this issuer")
    return verified, "revoked" if is_invalid(reference) else "valid"


def issuer_metadata() -> dict[str, Any]:
    """``/.well-known/jwt-vc-issuer`` (SD-JWT VC draft, section 4): the issuer and its keys
    inline, the current and the retired."""
    return {"issuer": issuer(), "jwks": {"keys": ports.signer().published_keys()}}
