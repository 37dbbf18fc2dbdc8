"""Samples of the credentials' routes (chalicelib/credentials/routes.py): issuer and type
metadata, status lists."""

from __future__ import annotations

from typing import Any

from bench.calls import Sample as BenchSample
from tests.support.route_samples.matrix import Sample

LIST_ID = "0-0"  # shard 0's first list: it exists as soon as anything was issued (or is empty)

MATRIX: dict[tuple[str, str], Sample] = {
    ("GET", "/.well-known/jwt-vc-issuer"): Sample(),
    ("GET", "/credentials/types/{type_name}"): Sample(
        path={"type_name": "baccalaureate-certificate"}
    ),
    ("GET", "/public/status-lists/{list_id}"): Sample(path={"list_id": LIST_ID}),
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
}
