"""Local token issuers and development tokens.

``make run`` and the tests trust two local issuers, one standing for the national digital
identity (citizens) and one for the staff directory. Their keys are generated on first use
in a directory that git ignores; the app reads only their public JWKS files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
import uuid
from pathlib import Path
from typing import Any

from chalicelib.identity import ALL_ROLES, CITIZEN

DEFAULT_DIR = Path(__file__).resolve().parent.parent / ".local" / "keys"
AUDIENCE = "khidmat-api"
ISSUERS = {"citizen": "urn:khidmat:local:citizen-idp", "staff": "urn:khidmat:local:staff-directory"}


def _key_path(directory: Path, name: str) -> Path:
    return directory / f"{name}-issuer.pem"


def ensure_issuers(directory: Path = DEFAULT_DIR) -> list[dict[str, str]]:
    """Create the local issuers' keys if missing; return the AUTH_ISSUERS setting."""
    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    directory.mkdir(parents=True, exist_ok=True)
    issuers = []
    for name, issuer in ISSUERS.items():
        key_file = _key_path(directory, name)
        if not key_file.exists():
            key = ec.generate_private_key(ec.SECP256R1())
            key_file.write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            key_file.chmod(0o600)
        private = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        assert isinstance(private, ec.EllipticCurvePrivateKey)
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
        jwk.update({"kid": f"local-{name}", "use": "sig", "alg": "ES256"})
        jwks_file = directory / f"{name}-jwks.json"
        jwks_file.write_text(json.dumps({"keys": [jwk]}, indent=2))
        issuers.append(
            {"name": name, "issuer": issuer, "audience": AUDIENCE, "jwks_file": str(jwks_file)}
        )
    return issuers


def _phone_of(sub: str) -> str:
    """A demo mobile number of the subject's own: every number has its budget of text
    messages a day, and one number shared by every demo citizen would spend it at once."""
    digits = int(hashlib.sha256(sub.encode()).hexdigest(), 16) % 10**7
    return f"+21261{digits:07d}"  # 61: a mobile range the phone plan holds whole


def mint(
    role: str,
    *,
    office: str = "",
    acr: str = "",
    sub: str = "",
    cnie: str = "",
    lifetime: int = 8 * 3600,
    extra: dict[str, Any] | None = None,
    directory: Path = DEFAULT_DIR,
) -> str:
    """A signed token for ``role`` from the matching local issuer."""
    import jwt

    if role not in ALL_ROLES:
        raise SystemExit(f"unknown role {role!r}; one of: {', '.join(ALL_ROLES)}")
    ensure_issuers(directory)
    kind = "citizen" if role == CITIZEN else "staff"
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUERS[kind],
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
        "sub": sub or f"demo-{role}-{uuid.uuid4().hex[:8]}",
        "jti": uuid.uuid4().hex,
    }
    if kind == "citizen":
        claims.update(
            {
                "acr": acr or "password",
                "cnie": cnie or ("DEMO123456" if acr == "cnie" else ""),
                "given_name": "Demo",
                "family_name": "Citizen",
                "email": "citizen@demo.invalid",
                "email_verified": True,
                "phone_number": _phone_of(str(claims["sub"])),
                "phone_number_verified": True,
                "locale": "fr",
            }
        )
    else:
        claims.update(
            {
                "roles": [role],
                "office": office,
                "given_name": "Demo",
                "family_name": role.replace("_", " ").title(),
            }
        )
    claims.update(extra or {})
    key = _key_path(directory, kind).read_bytes()
    headers = {"kid": f"local-{kind}", "typ": "at+jwt"}  # an access token (RFC 9068)
    return jwt.encode(claims, key, algorithm="ES256", headers=headers)


def main() -> None:
    parser = argparse.ArgumentParser(description="Print a development token for the local API.")
    parser.add_argument("--role", default=CITIZEN, choices=ALL_ROLES)
    parser.add_argument("--office", default="")
    parser.add_argument("--acr", default="", help="'cnie' when signed in with the e-ID card")
    parser.add_argument("--sub", default="")
    parser.add_argument("--cnie", default="")
    args = parser.parse_args()
    print(mint(args.role, office=args.office, acr=args.acr, sub=args.sub, cnie=args.cnie))


if __name__ == "__main__":
    main()
