"""Samples of the credentials' routes (chalicelib/credentials/routes.py: issuer and type
metadata, status lists, the wallet) and of the order's shares and code
(services/equivalence/order_routes.py)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from bench.calls import Sample as BenchSample
from tests.support.route_samples.bac import _key, _principal, _row, _seeded
from tests.support.route_samples.equivalence import equivalence_file
from tests.support.route_samples.matrix import OWNER, OWNER_SUB, Sample

# a presentation whose signature checks with no key: the endpoint answers verified false
_FORGED = "eyJhbGciOiJFUzI1NiIsImtpZCI6Im5vbmUiLCJ0eXAiOiJkYytzZC1qd3QifQ.e30.AAAA~"
ORDER_SHARES = "/equivalence/applications/{case_id}/decision/shares"
ORDER_CODE = "/equivalence/applications/{case_id}/decision/code"
ORDER_CODE_SAMPLE = "0123456789abcdef" * 2  # an order's own code nobody was given
LIST_ID = "0-0"  # shard 0's first list: it exists as soon as anything was issued (or is empty)

MATRIX: dict[tuple[str, str], Sample] = {
    ("GET", "/.well-known/jwt-vc-issuer"): Sample(),
    ("GET", "/credentials/types/{type_name}"): Sample(
        path={"type_name": "baccalaureate-certificate"}
    ),
    ("GET", "/public/status-lists/{list_id}"): Sample(path={"list_id": LIST_ID}),
    ("POST", "/public/credentials/verify"): Sample(body=json.dumps({"presentation": _FORGED})),
    # no candidate record for the matrix's citizens: 409, the route working
    ("POST", "/bac/me/certificate/code"): Sample(body="{}"),
    ("GET", "/.well-known/openid-credential-issuer"): Sample(),
    ("GET", "/.well-known/oauth-authorization-server"): Sample(),
    ("GET", "/me/credential-offers"): Sample(),
    ("POST", "/vci/token"): Sample(body='{"grant_type": "password"}'),
    ("POST", "/vci/credential"): Sample(body="{}"),
    # a draft file of OWNER's: no order in force, 409 once allowed
    ("POST", ORDER_SHARES): Sample(
        setup=equivalence_file, body='{"recipient": "matrix", "days": 5}'
    ),
    ("DELETE", ORDER_SHARES + "/{share_id}"): Sample(setup=lambda: an_order_share()),
    ("GET", "/public/equivalence-orders/{code}"): Sample(path={"code": "O" + "z" * 32}),
    # a draft file of OWNER's: its shares (none), and no order in force to give a code (409)
    ("GET", ORDER_SHARES): Sample(setup=equivalence_file),
    ("POST", ORDER_CODE): Sample(setup=equivalence_file, body="{}"),
}


def _granted() -> dict[str, str]:
    """A file of OWNER's whose order (equivalence, published) is in force."""
    decision = {
        "number": 1,
        "outcome": "equivalence",
        "national_diploma": "Licence fondamentale en droit privé",
        "conditions": [],
        "order": {"number": "LP-1.26", "date": "2026-03-02"},
        "bo": {"number": "7480", "date": "2026-03-20", "page": 1},
    }
    return equivalence_file("granted", decisions=[decision])


def an_order_share(owner: str = OWNER) -> dict[str, str]:
    """A share of OWNER's, written through the store (its file need not exist to revoke it)."""
    from chalicelib.credentials.orders import OrderShare
    from chalicelib.services.equivalence import credential
    from chalicelib.store import credentials as store

    values = equivalence_file()
    code = credential.SHARE_PREFIX + uuid.uuid4().hex
    now = datetime.now(UTC)
    share = OrderShare(
        credential.share_id(code), owner, values["case_id"], "m", "x~", now, now, None
    )
    store.save_order_share(share)
    return {**values, "share_id": share.share_id}


def _shared() -> dict[str, str]:
    """A file of OWNER's with an order in force and one share of it, made by the service."""
    from chalicelib.services.equivalence import credential

    values = _granted()
    credential.create_share(_owner(), values["case_id"], "lp", 5, ["holder"], "least-privilege")
    return values


def _owner() -> Any:
    from chalicelib.identity import Principal

    return Principal(OWNER, "citizen", frozenset({"citizen"}))


_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


def _offer() -> dict[str, str]:
    """An offer of the demo candidate's certificate: its code and transaction code."""
    from chalicelib.credentials import offers
    from tests.support.wallet import offered_code

    _seeded()
    made = offers.offers(_principal(), None, "least-privilege")
    code, _ = offered_code(made[0].uri)
    return {"code": code, "tx_code": made[0].tx_code}


def _access_token() -> dict[str, str]:
    """An offer redeemed: its access token, and a proof of a fresh wallet key."""
    from chalicelib.credentials import issuance, offers
    from tests.support.wallet import Wallet

    values = _offer()
    form = {
        "grant_type": _GRANT,
        "pre-authorized_code": values["code"],
        "tx_code": values["tx_code"],
    }
    return {
        "token": offers.token(form)["access_token"],
        "proof": Wallet().proof(issuance.issuer()),
    }


def _token_form(values: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(
        {"grant_type": _GRANT, "pre-authorized_code": values["code"], "tx_code": values["tx_code"]}
    )


LEAST_PRIVILEGE: list[tuple[Any, ...]] = [
    # the keys: DescribeKey of the alias, GetPublicKey, a Query of the retired keys
    ("GET", "/.well-known/jwt-vc-issuer", "/.well-known/jwt-vc-issuer", None, 200),
    (
        "GET",
        "/credentials/types/{type_name}",
        "/credentials/types/equivalence-order",
        None,
        200,
    ),
    # the list's item (GetItem) and a KMS signature
    (
        "GET",
        "/public/status-lists/{list_id}",
        f"/public/status-lists/{LIST_ID}",
        None,
        200,
    ),
    (
        "POST",
        "/public/credentials/verify",
        "/public/credentials/verify",
        None,
        200,
        {
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"presentation": _FORGED}),
        },
    ),
    # the demo candidate's certificate as an SD-JWT VC, then a new code: the status counter,
    # KMS Sign, the transaction that replaces the certificate and sets its bit
    _row("GET", "/bac/me/certificate", 200, headers={"Accept": "application/dc+sd-jwt"}),
    _row("POST", "/bac/me/certificate/code", 201, headers=_key(), body="{}"),
    (
        "GET",
        "/.well-known/openid-credential-issuer",
        "/.well-known/openid-credential-issuer",
        None,
        200,
    ),
    (
        "GET",
        "/.well-known/oauth-authorization-server",
        "/.well-known/oauth-authorization-server",
        None,
        200,
    ),
    # an offer: the certificate (and its status bit) then the offer's item
    _row("GET", "/me/credential-offers", 200),
    # a share of an order in force: the file, the order's bit, KMS Sign, the share
    (
        "POST",
        ORDER_SHARES,
        ORDER_SHARES,
        "citizen",
        201,
        {
            "setup": _granted,
            "claims": {"sub": OWNER_SUB},
            "headers": lambda v: {**_key()},
            "body": json.dumps({"recipient": "lp", "days": 5, "claims": ["holder"]}),
        },
    ),
    (
        "DELETE",
        ORDER_SHARES + "/{share_id}",
        ORDER_SHARES + "/{share_id}",
        "citizen",
        204,
        {"setup": an_order_share, "claims": {"sub": OWNER_SUB}},
    ),
    (
        "GET",
        "/public/equivalence-orders/{code}",
        "/public/equivalence-orders/Ozzzzzzzzzzzzzzzzzzzzzzzzzzzz",
        None,
        200,
    ),
    # the file's shares: the file, a Query of the lookup index, the bits of their lists
    (
        "GET",
        ORDER_SHARES,
        ORDER_SHARES,
        "citizen",
        200,
        {"setup": _shared, "claims": {"sub": OWNER_SUB}},
    ),
    # a new code for an order in force: the file, the order's record, a status counter,
    # KMS Sign, the transaction (record, old bit, old code, new code), the file again
    (
        "POST",
        ORDER_CODE,
        ORDER_CODE,
        "citizen",
        201,
        {
            "setup": _granted,
            "claims": {"sub": OWNER_SUB},
            "headers": lambda v: {**_key()},
            "body": "{}",
        },
    ),
    (
        "POST",
        "/vci/token",
        "/vci/token",
        None,
        200,
        {
            "setup": _offer,
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            "body": _token_form,
        },
    ),
    # the access token spent, the candidate, the certificate, its bit, KMS Sign
    (
        "POST",
        "/vci/credential",
        "/vci/credential",
        None,
        200,
        {
            "setup": _access_token,
            "headers": lambda v: {
                "Authorization": f"Bearer {v['token']}",
                "Content-Type": "application/json",
            },
            "body": lambda v: json.dumps({"proofs": {"jwt": [v["proof"]]}}),
        },
    ),
]

BENCH: dict[tuple[str, str], BenchSample] = {
    ("GET", "/.well-known/jwt-vc-issuer"): BenchSample(
        floor=0, why="the keys (current and retired) are cached per container for 5 minutes"
    ),
    ("GET", "/credentials/types/{type_name}"): BenchSample(
        path={"type_name": "baccalaureate-certificate"}, floor=0, why="static, from code"
    ),
    ("GET", "/public/status-lists/{list_id}"): BenchSample(
        path={"list_id": LIST_ID}, floor=1, why="the list's item (GetItem), then a KMS Sign"
    ),
    ("POST", "/public/credentials/verify"): BenchSample(
        body={"presentation": _FORGED},
        floor=1,
        why="the caller's rate counter; a signature that fails reads nothing else",
    ),
    ("GET", "/.well-known/openid-credential-issuer"): BenchSample(
        floor=0, why="from code and settings"
    ),
    ("GET", "/.well-known/oauth-authorization-server"): BenchSample(
        floor=0, why="from code and settings"
    ),
    ("GET", "/me/credential-offers"): BenchSample(
        floor=5,
        why="rate counter, the candidate by CNIe, the session (published), the certificate, "
        "the offer",
    ),
    ("POST", "/vci/token"): BenchSample(
        body={"grant_type": "password"},
        floor=0,
        why="a grant type the schema refuses: answered before any read",
    ),
    ("POST", "/vci/credential"): BenchSample(
        body={}, floor=0, why="no access token: refused before any read"
    ),
    ("POST", ORDER_SHARES): BenchSample(
        path={"case_id": "x"},
        body={"recipient": "b", "days": 5},
        floor=2,
        why="rate counter, the file (not found here)",
    ),
    ("DELETE", ORDER_SHARES + "/{share_id}"): BenchSample(
        path={"case_id": "x", "share_id": "0" * 32},
        floor=2,
        why="rate counter, the share's conditional revocation",
    ),
    ("GET", "/public/equivalence-orders/{code}"): BenchSample(
        path={"code": "O" + "z" * 32}, floor=2, why="the caller's rate counter, the share"
    ),
    ("GET", ORDER_SHARES): BenchSample(
        path={"case_id": "x"}, floor=2, why="rate counter, the file (not found here)"
    ),
    ("POST", ORDER_CODE): BenchSample(
        path={"case_id": "x"}, body={}, floor=2, why="rate counter, the file (not found here)"
    ),
    ("POST", "/bac/me/certificate/code"): BenchSample(
        body={},
        floor=7,
        why="rate counter, the candidate, the session (published), the certificate, a status "
        "counter, the old certificate (its bit), the transaction",
    ),
}
