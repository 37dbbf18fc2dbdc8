"""The certificate as an SD-JWT VC through HTTP, checked by the IETF reference verifier
(tests/support/sdjwt_check.py): every personal claim disclosable, the type, session, issuer
and status in the clear, a tampered disclosure refused, a revoked certificate's bit set."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest

from tests.e2e.bac.conftest import YEAR, Academy, Http
from tests.support import sdjwt_check

SD_JWT = {"Accept": "application/dc+sd-jwt"}


def published(http: Http, academy: Academy) -> None:
    assert academy.import_list(http).json_body["state"] == "done"
    academy.publish(http)


def _jwks(http: Http) -> dict[str, Any]:
    return dict(http.client.http.get("/.well-known/jwks.json").json_body)


def test_the_certificate_is_an_sd_jwt_vc_the_reference_library_verifies(
    http: Http, academy: Academy
) -> None:
    published(http, academy)
    answer = http.call("GET", "/bac/me/certificate", academy.citizen, **SD_JWT)
    assert answer.status_code == 200, answer.body
    assert answer.headers["Content-Type"] == "application/dc+sd-jwt"
    credential = answer.body.decode() if isinstance(answer.body, bytes) else answer.body
    issuer_jwt = credential.split("~")[0]
    header = jwt.get_unverified_header(issuer_jwt)
    assert (header["typ"], header["alg"]) == ("dc+sd-jwt", "ES256")

    claims = sdjwt_check.reference_verify(credential, _jwks(http))
    base = http.client.http.get("/.well-known/jwt-vc-issuer").json_body
    assert claims["iss"] == base["issuer"]
    assert claims["vct"].endswith("/credentials/types/baccalaureate-certificate")
    assert claims["session"] == YEAR
    assert claims["cnie"] == academy.cnie and claims["average"] == "14.15"
    assert claims["names"] == {"ar": "سلمى العلوي", "fr": "Salma Alaoui"}
    assert claims["outcome"] == "admitted" and claims["marks"]
    assert set(claims["status"]["status_list"]) == {"idx", "uri"}

    # in the signed payload, only the type, session, issuer, time and status are in the clear
    signed = jwt.decode(issuer_jwt, options={"verify_signature": False})
    assert set(signed) == {"iss", "iat", "vct", "status", "session", "_sd", "_sd_alg"}
    named = {d[1] for d in sdjwt_check.disclosures(credential)}
    assert named == {
        *("names", "birth_date", "birth_place", "cnie", "candidate_number", "stream"),
        *("academy", "marks", "average", "mention", "outcome"),
    }
    assert all(sdjwt_check.digest(d) in signed["_sd"] for d in credential.split("~")[1:-1])
    certificate = http.call("GET", "/bac/me/certificate", academy.citizen).json_body
    assert certificate["certificate_id"] not in credential  # no presentation reveals the code

    # a tampered disclosure: the reference verifier does not take it for a signed claim
    forged = sdjwt_check.tamper(credential, "average", "19.99")
    assert "average" not in sdjwt_check.reference_verify(forged, _jwks(http))
    # and the project's own verifier refuses the whole presentation (RFC 9901 7.1 step 3)
    from chalicelib.credentials import issuance

    try:
        issuance.verify(forged, int(signed["iat"]))
    except ValueError as error:
        assert "not one the issuer signed" in str(error)
    else:
        raise AssertionError("a tampered disclosure was accepted")

    again = http.call("GET", "/bac/me/certificate", academy.citizen, **SD_JWT)
    assert again.body == answer.body  # issued once with the certificate


def test_the_type_metadata_names_the_claims_in_three_languages(http: Http) -> None:
    meta = http.client.http.get("/credentials/types/baccalaureate-certificate").json_body
    assert {d["locale"] for d in meta["display"]} == {"ar", "fr", "en"}
    by_claim = {c["path"][0]: c for c in meta["claims"]}
    assert by_claim["cnie"]["sd"] == "always" and by_claim["session"]["sd"] == "never"
    assert {d["label"] for d in by_claim["cnie"]["display"]} >= {"N° CNIe"}
    order = http.client.http.get("/credentials/types/equivalence-order").json_body
    assert order["vct"].endswith("/credentials/types/equivalence-order")
    assert http.client.http.get("/credentials/types/nothing").status_code == 404
    issuer = http.client.http.get("/.well-known/jwt-vc-issuer").json_body
    assert issuer["jwks"]["keys"] and all("kid" in k for k in issuer["jwks"]["keys"])


def _credential(http: Http, academy: Academy) -> str:
    answer = http.call("GET", "/bac/me/certificate", academy.citizen, **SD_JWT)
    assert answer.status_code == 200, answer.body
    return answer.body.decode() if isinstance(answer.body, bytes) else str(answer.body)


def _bit(http: Http, credential: str) -> int:
    """The credential's status bit as any verifier reads it: the status list it names,
    fetched over HTTP, its signature and bits checked by PyJWT and zlib."""
    from urllib.parse import urlsplit

    status = jwt.decode(credential.split("~")[0], options={"verify_signature": False})["status"][
        "status_list"
    ]
    listed = http.client.http.get(urlsplit(status["uri"]).path)
    assert listed.status_code == 200
    assert listed.headers["Content-Type"] == "application/statuslist+jwt"
    assert listed.headers["Cache-Control"] == "public, max-age=300"
    token = listed.body.decode() if isinstance(listed.body, bytes) else listed.body
    header = jwt.get_unverified_header(token)
    assert header["typ"] == "statuslist+jwt"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == status["uri"] and claims["ttl"] == 300
    return sdjwt_check.status_bit(token, _jwks(http), int(status["idx"]))


def test_a_replaced_certificate_s_bit_is_set_in_its_status_list(
    http: Http, academy: Academy
) -> None:
    from chalicelib.credentials import issuance

    published(http, academy)
    old = _credential(http, academy)
    first = http.call("GET", "/bac/me/certificate", academy.citizen).json_body
    assert _bit(http, old) == 0
    document = {"content_type": "application/pdf", "size": 1000, "file_name": "acte.pdf"}
    asked = http.call(
        "POST",
        "/bac/me/verification",
        academy.citizen,
        {
            "action": "correct",
            "corrections": [{"field": "first_name_fr", "proposed": "Selma"}],
            "document": document,
        },
    )
    case = asked.json_body["case"]
    http.attach_verified(case["id"], academy.citizen, "supporting_document")
    accepted = http.call(
        "POST", f"/bac/cases/{case['id']}/actions/accept", academy.officer, {"reason": ""}
    )
    assert accepted.status_code == 200, accepted.body

    assert _bit(http, old) == 1  # set in the transition's own transaction
    signed = jwt.decode(old.split("~")[0], options={"verify_signature": False})
    _, status = issuance.verify(old, int(signed["iat"]))
    assert status == "revoked"  # the signature still checks; the status refuses it
    new = _credential(http, academy)
    assert _bit(http, new) == 0
    assert sdjwt_check.reference_verify(new, _jwks(http))["names"]["fr"] == "Selma Alaoui"
    public = http.client.http.get(
        f"/public/certificates/{first['certificate_id']}", headers={"Accept": "application/json"}
    )
    assert public.json_body["status"] == "replaced"


def test_the_public_page_reads_the_same_bit(http: Http, academy: Academy) -> None:
    """The verification page answers from the status list bit, not only from the record."""
    from chalicelib.store import credentials as store
    from chalicelib.store.bac import certificates as certificate_store

    published(http, academy)
    mine = http.call("GET", "/bac/me/certificate", academy.citizen).json_body
    path = f"/public/certificates/{mine['certificate_id']}"
    json_only = {"Accept": "application/json"}
    assert http.client.http.get(path, headers=json_only).json_body["status"] == "valid"
    held = certificate_store.load_certificate(mine["certificate_id"])
    assert held is not None and held.status_bit is not None
    store.set_invalid(held.status_bit)
    assert http.client.http.get(path, headers=json_only).json_body["status"] == "revoked"


@pytest.fixture
def rotated_back() -> Iterator[None]:
    """The session's stack is shared: after the test, the alias names the original key again
    (and the key the test put in service is published as retired, as a rotation would)."""
    import boto3

    from chalicelib.documents import signing
    from chalicelib.store import credentials as store

    kms = boto3.client("kms")
    original = kms.describe_key(KeyId=signing.alias())["KeyMetadata"]["KeyId"]
    yield
    signing.forget_current_key()
    store.record_retired_key(signing.public_jwk(), datetime.now(UTC))
    kms.update_alias(AliasName=signing.alias(), TargetKeyId=original)
    signing.forget_current_key()


def test_after_a_rotation_old_and_new_credentials_both_verify(
    http: Http, academy: Academy, token: Callable[..., str], rotated_back: None
) -> None:
    import boto3

    from scripts.rotate_signing_key import rotate

    published(http, academy)
    old = _credential(http, academy)
    old_jws = http.call("GET", "/bac/me/certificate", academy.citizen).json_body["jws"]
    before = {k["kid"] for k in _jwks(http)["keys"]}

    retired, current = rotate(boto3.client("kms"), "local")
    assert retired != current and retired in before

    card = "ZR" + str(uuid.uuid4().int)[:6]
    other = Academy(
        code=f"AC-{uuid.uuid4().hex[:8].upper()}",
        officer="",
        cnie=card,
        citizen=token("citizen", acr="cnie", cnie=card, sub=f"citizen-{card}"),
        candidate_number="3" + str(uuid.uuid4().int)[:9],
    )
    other.officer = token("exam_officer", office=other.code)
    published(http, other)
    new = _credential(http, other)

    jwks = _jwks(http)
    assert jwks["keys"][0]["kid"] == current  # the key in service first
    assert {k["kid"] for k in jwks["keys"]} >= {retired, current}
    assert jwt.get_unverified_header(old.split("~")[0])["kid"] == retired
    assert jwt.get_unverified_header(new.split("~")[0])["kid"] == current
    assert sdjwt_check.reference_verify(old, jwks)["cnie"] == academy.cnie
    assert sdjwt_check.reference_verify(new, jwks)["cnie"] == other.cnie
    # the JWS certificate of before the rotation still checks with the published keys
    key = next(k for k in jwt.PyJWKSet.from_dict(jwks).keys if k.key_id == retired)
    assert jwt.decode(old_jws, key.key, algorithms=["ES256"])["cnie"] == academy.cnie
    issuer = http.client.http.get("/.well-known/jwt-vc-issuer").json_body
    assert {k["kid"] for k in issuer["jwks"]["keys"]} >= {retired, current}
    # a status list signed now names the new key
    status = jwt.decode(old.split("~")[0], options={"verify_signature": False})["status"]
    assert _bit(http, old) == 0 and status["status_list"]["uri"]


def test_the_hand_verification_of_the_docs_works(http: Http, academy: Academy) -> None:
    """docs/credentials.md's block, run as written (its HTTP gets served by this app)."""
    import re
    from pathlib import Path
    from urllib.parse import urlsplit

    from chalicelib.store import credentials as store
    from chalicelib.store.bac import certificates as certificate_store

    page = (Path(__file__).parents[3] / "docs" / "credentials.md").read_text()
    section = page.split("## Verify one by hand", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    assert block is not None
    space: dict[str, Any] = {}
    exec(block.group(1), space)  # noqa: S102 (the docs' own example)
    space["get"] = lambda url: http.client.http.get(urlsplit(url).path).body.decode()

    published(http, academy)
    credential = _credential(http, academy)
    issuer = http.client.http.get("/.well-known/jwt-vc-issuer").json_body["issuer"]
    claims = space["verify"](credential, issuer)
    assert claims["cnie"] == academy.cnie
    mine = http.call("GET", "/bac/me/certificate", academy.citizen).json_body
    held = certificate_store.load_certificate(mine["certificate_id"])
    assert held is not None and held.status_bit is not None
    store.set_invalid(held.status_bit)
    with pytest.raises(AssertionError, match="revoked or replaced"):
        space["verify"](credential, issuer)


def test_the_new_paths_are_in_the_openapi_document(http: Http) -> None:
    paths = http.client.http.get("/openapi.json").json_body["paths"]
    for path in (
        "/.well-known/jwt-vc-issuer",
        "/.well-known/openid-credential-issuer",
        "/.well-known/oauth-authorization-server",
        "/credentials/types/{type_name}",
        "/public/status-lists/{list_id}",
        "/public/credentials/verify",
        "/public/equivalence-orders/{code}",
        "/me/credential-offers",
        "/vci/token",
        "/vci/credential",
        "/bac/me/certificate/code",
        "/equivalence/applications/{case_id}/decision/shares",
    ):
        assert path in paths, path
    alternates = paths["/bac/me/certificate"]["get"]["responses"]["200"]["content"]
    assert "application/dc+sd-jwt" in alternates
