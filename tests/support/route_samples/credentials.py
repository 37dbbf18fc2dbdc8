"""Samples of the credentials' routes (chalicelib/credentials/routes.py): issuer and type
metadata, status lists."""

from __future__ import annotations

import json
from typing import Any

from bench.calls import Sample as BenchSample
from tests.support.route_samples.bac import _key, _row
from tests.support.route_samples.matrix import Sample

# a presentation whose signature checks with no key: the endpoint answers verified false
_FORGED = "eyJhbGciOiJFUzI1NiIsImtpZCI6Im5vbmUiLCJ0eXAiOiJkYytzZC1qd3QifQ.e30.AAAA~"
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
}

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
    ("POST", "/bac/me/certificate/code"): BenchSample(
        body={},
        floor=7,
        why="rate counter, the candidate, the session (published), the certificate, a status "
        "counter, the old certificate (its bit), the transaction",
    ),
}
