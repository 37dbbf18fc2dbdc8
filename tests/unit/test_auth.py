"""Token verification against the configured issuers, with no AWS involved."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from chalicelib.api import auth
from chalicelib.api.access import allow
from chalicelib.api.problems import headers_of, status_of
from chalicelib.refusals import Refusal
from chalicelib.settings import get_settings
from scripts import devtokens


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("AUTH_ISSUERS", json.dumps(devtokens.ensure_issuers(tmp_path)))
    get_settings.cache_clear()
    auth._key_set.cache_clear()
    yield tmp_path
    get_settings.cache_clear()
    auth._key_set.cache_clear()


def _rejected(token: str) -> Refusal:
    with pytest.raises(Refusal) as caught:
        auth.authenticate(f"Bearer {token}")
    assert status_of(caught.value) == 401
    assert "Bearer" in headers_of(caught.value)["WWW-Authenticate"]
    return caught.value


def _claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": devtokens.ISSUERS["citizen"],
        "aud": devtokens.AUDIENCE,
        "sub": "c-1",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return claims


def _sign(keys: Path, claims: dict[str, object], kind: str = "citizen") -> str:
    pem = (keys / f"{kind}-issuer.pem").read_bytes()
    headers = {"kid": f"local-{kind}", "typ": "at+jwt"}
    return jwt.encode(claims, pem, algorithm="ES256", headers=headers)


def test_citizen_token_gives_a_citizen_principal(keys: Path) -> None:
    token = devtokens.mint("citizen", acr="cnie", cnie="AB123456", sub="c-42", directory=keys)
    principal = auth.authenticate(f"Bearer {token}")
    assert principal.subject == "citizen:c-42"  # the pair (issuer, sub)
    assert principal.roles == {"citizen"}
    assert principal.signed_in_with_cnie and principal.cnie == "AB123456"


def test_staff_token_carries_roles_and_office(keys: Path) -> None:
    token = devtokens.mint("school_director", office="SCH-001", directory=keys)
    principal = auth.authenticate(f"Bearer {token}")
    assert principal.roles == {"school_director"} and principal.office == "SCH-001"
    assert not principal.is_citizen


def test_a_citizen_token_cannot_claim_staff_roles(keys: Path) -> None:
    token = _sign(keys, _claims(roles=["admin"], office="MEN"))
    assert auth.authenticate(f"Bearer {token}").roles == {"citizen"}


def test_unknown_staff_roles_are_dropped(keys: Path) -> None:
    token = _sign(keys, _claims(iss=devtokens.ISSUERS["staff"], roles=["root", "admin"]), "staff")
    assert auth.authenticate(f"Bearer {token}").roles == {"admin"}


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer   ", "Basic abc", "token"])
def test_missing_token_is_401(keys: Path, header: str | None) -> None:
    with pytest.raises(Refusal) as caught:
        auth.authenticate(header)
    assert status_of(caught.value) == 401


def test_expired_token_is_401(keys: Path) -> None:
    now = int(time.time())
    problem = _rejected(_sign(keys, _claims(iat=now - 7200, nbf=now - 7200, exp=now - 3600)))
    assert "expired" in problem.detail


def test_token_not_yet_valid_is_401(keys: Path) -> None:
    _rejected(_sign(keys, _claims(nbf=int(time.time()) + 3600)))


@pytest.mark.parametrize("claim", ["exp", "sub", "aud", "iat"])
def test_token_missing_a_required_claim_is_401(keys: Path, claim: str) -> None:
    claims = _claims()
    del claims[claim]
    _rejected(_sign(keys, claims))


def test_wrong_audience_is_401(keys: Path) -> None:
    _rejected(_sign(keys, _claims(aud="another-api")))


def test_untrusted_issuer_is_401(keys: Path) -> None:
    _rejected(_sign(keys, _claims(iss="urn:somebody:else")))


def test_token_signed_by_another_key_is_401(keys: Path) -> None:
    stranger = ec.generate_private_key(ec.SECP256R1())
    headers = {"kid": "local-citizen", "typ": "at+jwt"}
    token = jwt.encode(_claims(), stranger, algorithm="ES256", headers=headers)
    assert "could not be verified" in _rejected(token).detail


def test_an_id_token_is_401(keys: Path) -> None:
    """An OpenID Connect ID token (typ JWT, or no typ) is not an access token."""
    pem = (keys / "citizen-issuer.pem").read_bytes()
    for headers in ({"kid": "local-citizen", "typ": "JWT"}, {"kid": "local-citizen"}):
        token = jwt.encode(_claims(), pem, algorithm="ES256", headers=headers)
        assert "access token" in _rejected(token).detail


def test_a_token_living_longer_than_its_issuer_allows_is_401(keys: Path) -> None:
    now = int(time.time())
    problem = _rejected(_sign(keys, _claims(iat=now, nbf=now, exp=now + 13 * 3600)))
    assert "12 hours" in problem.detail
    assert auth.authenticate(f"Bearer {_sign(keys, _claims(exp=now + 12 * 3600))}")


def test_an_rs256_header_on_an_ec_key_is_401_not_500(keys: Path) -> None:
    """The header names RS256 but its kid is the issuer's EC key: refused before the key is
    used (it raised a TypeError inside PyJWT, a 500)."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = {"alg": "RS256", "typ": "at+jwt", "kid": "local-citizen"}
    body = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(_claims()).encode())}"
    problem = _rejected(f"{body}.{b64(b'x' * 256)}")
    assert "does not match its signing key" in problem.detail


def test_staff_issuer_key_cannot_sign_for_citizens(keys: Path) -> None:
    problem = _rejected(_sign(keys, _claims(), kind="staff"))  # citizen iss, staff key and kid
    assert "signing key" in problem.detail


def test_alg_none_is_401(keys: Path) -> None:
    def b64(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    token = f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': 'local-citizen'})}.{b64(_claims())}."
    _rejected(token)


def test_hs256_signed_with_the_public_key_is_401(keys: Path) -> None:
    private = serialization.load_pem_private_key((keys / "citizen-issuer.pem").read_bytes(), None)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": "local-citizen"}
    _rejected(_forge_hs256(public_pem, header))


def _forge_hs256(secret: bytes, header: dict[str, str]) -> str:
    import hashlib
    import hmac

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(_claims()).encode())}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(mac)}"


def test_garbage_is_401(keys: Path) -> None:
    _rejected("not.a.jwt")


def test_wrong_role_is_403(keys: Path) -> None:
    principal = auth.authenticate(f"Bearer {devtokens.mint('citizen', directory=keys)}")
    with pytest.raises(Refusal) as caught:
        auth.authorize(principal, allow("admin"), {})
    assert status_of(caught.value) == 403 and caught.value.slug == "forbidden"


def test_cnie_routes_need_a_cnie_sign_in(keys: Path) -> None:
    password = auth.authenticate(f"Bearer {devtokens.mint('citizen', directory=keys)}")
    with pytest.raises(Refusal) as caught:
        auth.authorize(password, allow("citizen", cnie=True), {})
    assert caught.value.slug == "cnie-required" and status_of(caught.value) == 403
    with_card = auth.authenticate(f"Bearer {devtokens.mint('citizen', acr='cnie', directory=keys)}")
    auth.authorize(with_card, allow("citizen", cnie=True), {})


def test_another_office_is_404(keys: Path) -> None:
    token = devtokens.mint("school_director", office="SCH-001", directory=keys)
    director = auth.authenticate(f"Bearer {token}")
    access = allow("school_director", office_param="code")
    auth.authorize(director, access, {"code": "SCH-001"})
    with pytest.raises(Refusal) as caught:
        auth.authorize(director, access, {"code": "SCH-999"})
    assert status_of(caught.value) == 404


def test_off_the_local_stage_the_development_issuers_open_nothing(
    keys: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even if a deployed stage were given the local issuers, their tokens are refused."""
    token = devtokens.mint("citizen", acr="cnie", directory=keys)
    assert auth.authenticate(f"Bearer {token}").subject  # honest path: the local stage
    for stage in ("dev", "prod"):
        monkeypatch.setenv("KHIDMAT_STAGE", stage)
        get_settings.cache_clear()
        assert "issuer is not trusted" in _rejected(token).detail
