"""SD-JWT (RFC 9901) as the SD-JWT VC draft uses it: each disclosable claim becomes a
disclosure ``[salt, name, value]`` whose SHA-256 digest sits in the signed payload's ``_sd``;
the holder hands a verifier the issuer-signed JWT with only the disclosures they choose, and
optionally a Key Binding JWT (``kb+jwt``) signed by their wallet key. Pure code: the signing
is handed in (``jose.Signer``), the keys to verify with too."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.credentials import jose

SD_ALG = "sha-256"
TYP = "dc+sd-jwt"  # SD-JWT VC draft 09 on; verifiers still accept vc+sd-jwt for a while
KB_TYP = "kb+jwt"
MAX_KB_AGE_SECONDS = 300  # a key binding JWT older than this is a replay, not a presentation


@dataclass(frozen=True)
class Disclosure:
    encoded: str  # base64url of the JSON array, as it travels between the tildes
    salt: str
    name: str
    value: Any

    @property
    def digest(self) -> str:
        return digest_of(self.encoded)


def digest_of(text: str) -> str:
    """base64url(SHA-256(ASCII of the encoded disclosure or presentation)), RFC 9901 4.2.3."""
    return jose.b64(hashlib.sha256(text.encode("ascii")).digest())


def disclosure(name: str, value: Any, salt: str | None = None) -> Disclosure:
    """One object-property disclosure; 128 random bits of salt (RFC 9901 recommends at
    least 128) so nobody guesses a value from its digest."""
    salt = salt or jose.b64(secrets.token_bytes(16))
    encoded = jose.b64(jose.to_json([salt, name, value]))
    return Disclosure(encoded, salt, name, value)


def issuer_payload(
    always: Mapping[str, Any], disclosable: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Disclosure]]:
    """The payload the issuer signs (``always`` in the clear, a digest per disclosable claim,
    sorted so their order says nothing) and the disclosures the holder keeps."""
    clash = set(always) & set(disclosable)
    if clash or "_sd" in always:
        raise ValueError(f"claims both in the clear and disclosable: {sorted(clash)}")
    disclosures = [disclosure(name, value) for name, value in disclosable.items()]
    payload = {**always, "_sd": sorted(d.digest for d in disclosures), "_sd_alg": SD_ALG}
    return payload, disclosures


def issue(
    header: Mapping[str, Any],
    always: Mapping[str, Any],
    disclosable: Mapping[str, Any],
    signer: jose.Signer,
) -> str:
    """The SD-JWT with every disclosure: ``<issuer JWT>~<d1>~...~<dn>~``."""
    payload, disclosures = issuer_payload(always, disclosable)
    jwt = jose.sign_compact({**header, "typ": TYP}, payload, signer)
    return combine(jwt, [d.encoded for d in disclosures])


def combine(jwt: str, disclosures: Iterable[str], kb_jwt: str = "") -> str:
    return "~".join([jwt, *disclosures]) + "~" + kb_jwt


@dataclass(frozen=True)
class Parsed:
    jwt: str
    disclosures: list[str]
    kb_jwt: str  # "" without key binding

    @property
    def without_kb(self) -> str:
        """What a KB-JWT's ``sd_hash`` covers: the SD-JWT up to and with the last tilde."""
        return combine(self.jwt, self.disclosures)


def parse(sd_jwt: str) -> Parsed:
    parts = sd_jwt.split("~")
    if len(parts) < 2 or parts[0].count(".") != 2:
        raise ValueError("not an SD-JWT: <issuer JWT>~<disclosures>~[KB-JWT]")
    return Parsed(parts[0], [p for p in parts[1:-1] if p], parts[-1])


def decode_disclosure(encoded: str) -> Disclosure:
    try:
        decoded = json.loads(jose.unb64(encoded))
    except ValueError as error:
        raise ValueError("a disclosure is not base64url JSON") from error
    if not (isinstance(decoded, list) and len(decoded) == 3 and isinstance(decoded[1], str)):
        raise ValueError("a disclosure is [salt, claim name, value]")
    salt, name, value = decoded
    if name in ("_sd", "...", "_sd_alg"):
        raise ValueError(f"a disclosure may not name {name!r}")
    return Disclosure(encoded, str(salt), name, value)


def present(sd_jwt: str, names: Iterable[str]) -> str:
    """The holder's choice: the issuer JWT with the disclosures of ``names`` only."""
    wanted = set(names)
    parsed = parse(sd_jwt)
    kept = [d for d in parsed.disclosures if decode_disclosure(d).name in wanted]
    return combine(parsed.jwt, kept)


@dataclass(frozen=True)
class Verified:
    header: dict[str, Any]
    payload: dict[str, Any]  # the signed payload, without _sd and _sd_alg
    disclosed: dict[str, Any]  # the claims the presentation disclosed
    key_bound: bool = False
    kb: dict[str, Any] = field(default_factory=dict)

    @property
    def claims(self) -> dict[str, Any]:
        return {**self.payload, **self.disclosed}


KeyLookup = Callable[[Mapping[str, Any]], Mapping[str, Any]]  # header -> the issuer's JWK


def verify(
    sd_jwt: str,
    issuer_key: KeyLookup,
    now: int,
    audience: str | None = None,
    nonce: str | None = None,
) -> Verified:
    """RFC 9901 section 7: the issuer's signature, every disclosure referenced by exactly one
    digest (an unreferenced one is a tampered or foreign disclosure: refused, not ignored),
    no claim twice; then the KB-JWT if present (signed by the ``cnf`` key, fresh, bound to
    this very presentation by ``sd_hash``, for ``audience`` and ``nonce`` when given).
    ValueError says what failed."""
    parsed = parse(sd_jwt)
    header = jose.header_of(parsed.jwt)
    if header.get("typ") not in (TYP, "vc+sd-jwt"):
        raise ValueError(f"typ {header.get('typ')!r} is not {TYP}")
    signed = jose.verify_compact(parsed.jwt, issuer_key(header))
    if signed.get("_sd_alg", SD_ALG) != SD_ALG:
        raise ValueError("only sha-256 digests are accepted")
    digests = set(signed.get("_sd") or [])
    disclosed: dict[str, Any] = {}
    seen: set[str] = set()
    for encoded in parsed.disclosures:
        item = decode_disclosure(encoded)
        if item.digest in seen:
            raise ValueError("a disclosure is presented twice")
        seen.add(item.digest)
        if item.digest not in digests:
            raise ValueError("a disclosure is not one the issuer signed")
        if item.name in signed or item.name in disclosed:
            raise ValueError(f"claim {item.name!r} appears twice")
        disclosed[item.name] = item.value
    payload = {k: v for k, v in signed.items() if k not in ("_sd", "_sd_alg")}
    if not parsed.kb_jwt:
        return Verified(header, payload, disclosed)
    kb = verify_key_binding(parsed, payload, now, audience, nonce)
    return Verified(header, payload, disclosed, True, kb)


def verify_key_binding(
    parsed: Parsed, payload: Mapping[str, Any], now: int, audience: str | None, nonce: str | None
) -> dict[str, Any]:
    cnf = payload.get("cnf")
    jwk = cnf.get("jwk") if isinstance(cnf, Mapping) else None
    if not isinstance(jwk, Mapping):
        raise ValueError("a key binding JWT, but the credential binds no key (cnf.jwk)")
    if jose.header_of(parsed.kb_jwt).get("typ") != KB_TYP:
        raise ValueError(f"the key binding JWT's typ is not {KB_TYP}")
    kb = jose.verify_compact(parsed.kb_jwt, jwk)
    if kb.get("sd_hash") != digest_of(parsed.without_kb):
        raise ValueError("the key binding JWT is of another presentation (sd_hash)")
    iat = kb.get("iat")
    if not isinstance(iat, int) or not now - MAX_KB_AGE_SECONDS <= iat <= now + 60:
        raise ValueError("the key binding JWT is not fresh (iat)")
    if audience is not None and kb.get("aud") != audience:
        raise ValueError("the key binding JWT is for another verifier (aud)")
    if nonce is not None and kb.get("nonce") != nonce:
        raise ValueError("the key binding JWT answers another challenge (nonce)")
    return kb
