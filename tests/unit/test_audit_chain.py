"""The audit trail's pure parts: canonical hashing, chain links, the Merkle root, and a
verification that names the first record (or digest field) that does not match."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from chalicelib.audit import merkle, statement
from chalicelib.audit.chain import GENESIS, Link, canonical, following, hash_of, sealed, sort_key
from chalicelib.audit.verify import check_chain, check_day

DAY = date(2026, 3, 10)


def chain(case_id: str = "c1", length: int = 4, kind: str = "T") -> list[Link]:
    links: list[Link] = []
    for seq in range(1, length + 1):
        links.append(
            following(
                links[-1].hash if links else "",
                case_id,
                kind,
                seq,
                f"2026-03-10T08:0{seq}:00.000000+00:00",
                f"actor-{seq}",
                "equivalence_officer",
                "MEN",
                "read" if kind == "R" else f"transition:e{seq}",
                "",
                f"corr-{seq}",
            )
        )
    return links


def test_the_canonical_form_is_sorted_compact_utf8_and_leaves_the_hash_out() -> None:
    link = following(
        "", "c1", "T", 1, "2026-03-10T08:00:00.000000+00:00", "a", "admin", "", "read", "سبب", "x"
    )
    assert (
        canonical(link)
        == (
            '{"action":"read","actor":"a","at":"2026-03-10T08:00:00.000000+00:00","case_id":"c1",'
            '"chain":"T","correlation_id":"x","format":1,"office":"","pk":"CASE#c1",'
            f'"prev":"{GENESIS}","reason":"سبب","role":"admin","seq":1,"sk":"T#000001"}}'
        ).encode()
    )
    assert link.hash == hashlib.sha256(canonical(link)).hexdigest() == hash_of(link)
    assert canonical(replace(link, hash="anything")) == canonical(link)


@pytest.mark.parametrize(
    "field, value",
    [("reason", "other"), ("at", "2026-03-10T08:00:00.000001+00:00"), ("prev", "1" * 64),
     ("sk", "T#000002"), ("seq", 2), ("actor", "b")],
)  # fmt: skip
def test_every_field_and_the_place_is_covered(field: str, value: Any) -> None:
    link = chain(length=1)[0]
    assert hash_of(replace(link, **{field: value})) != link.hash


def test_each_record_links_to_the_one_before_from_genesis() -> None:
    links = chain(length=4)
    assert links[0].prev == GENESIS
    assert [b.prev for b in links[1:]] == [a.hash for a in links[:-1]]
    assert [link.sk for link in links] == ["T#000001", "T#000002", "T#000003", "T#000004"]
    assert check_chain(links, head=links[-1].hash) == []


def test_sort_keys_keep_chain_order_or_refuse() -> None:
    assert sort_key("R", 999_999) == "R#999999"
    for chain_name, seq in (("R", 1_000_000), ("R", 0), ("X", 1)):
        with pytest.raises(ValueError):
            sort_key(chain_name, seq)


CT_LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243",
             "5051525354555657", "606162636465666768696a6b6c6d6e6f")]  # fmt: skip
CT_ROOTS = [  # RFC 6962 roots of the first n leaves (certificate-transparency test data)
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


@pytest.mark.parametrize("n", range(9))
def test_the_merkle_root_is_rfc6962s(n: int) -> None:
    assert merkle.root(CT_LEAVES[:n]).hex() == CT_ROOTS[n]


def test_the_merkle_root_depends_on_order_and_a_node_is_no_leaf() -> None:
    a, b = b"a", b"b"
    assert merkle.root([a, b]) != merkle.root([b, a])
    assert merkle.root([merkle.leaf_hash(a) + merkle.leaf_hash(b)]) != merkle.root([a, b])


def test_an_edited_field_is_named_at_its_record_only() -> None:
    links = chain(length=4)
    links[1] = replace(links[1], reason="edited afterwards")
    found = check_chain(links, head=links[-1].hash)
    assert [(m.pk, m.sk, m.what) for m in found] == [("CASE#c1", "T#000002", "hash")]


def test_a_deleted_record_is_named_at_the_one_after_it() -> None:
    links = chain(length=4)
    del links[1]
    first = check_chain(links, head=links[-1].hash)[0]
    assert (first.sk, first.what) == ("T#000003", "sequence")
    assert "missing" in first.detail


def test_a_deleted_last_record_is_named_by_the_case_head() -> None:
    links = chain(length=4)
    head = links.pop().hash
    found = check_chain(links, head=head)
    assert [(m.sk, m.what) for m in found] == [("T#000003", "head")]


def test_a_reordered_pair_is_named_at_the_first_of_the_two() -> None:
    links = chain(length=4)
    second, third = links[1], links[2]
    # contents swapped under the keys: the hash covers the record's place
    swapped = [links[0], replace(third, pk=second.pk, sk=second.sk),
               replace(second, pk=third.pk, sk=third.sk), links[3]]  # fmt: skip
    assert (check_chain(swapped)[0].sk, check_chain(swapped)[0].what) == ("T#000002", "hash")
    # and renumbered and resealed by someone who knows the hashing: the links break
    resealed = [links[0], sealed(replace(third, sk="T#000002", seq=2)),
                sealed(replace(second, sk="T#000003", seq=3)), links[3]]  # fmt: skip
    first = check_chain(resealed)[0]
    assert (first.sk, first.what) == ("T#000002", "link")


def test_a_record_without_chain_fields_is_named() -> None:
    links = chain(length=2)
    links[0] = replace(links[0], hash="", prev="", seq=0, chain="")
    assert (check_chain(links)[0].sk, check_chain(links)[0].what) == ("T#000001", "hash")


@pytest.fixture(scope="module")
def key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def signed_digest(links: list[Link], key: ec.EllipticCurvePrivateKey) -> dict[str, object]:
    unsigned = statement.body(statement.summarise(DAY, links), "kid-1", "2026-03-11T00:05:00")
    signature = key.sign(statement.signed_bytes(unsigned), ec.ECDSA(hashes.SHA256()))
    return statement.with_signature(unsigned, signature)


def day_links() -> list[Link]:
    return chain("c1", 3, "T") + chain("c1", 2, "R") + chain("c2", 2, "T")


def test_a_digest_sums_up_the_day_whatever_the_order_read(key: ec.EllipticCurvePrivateKey) -> None:
    links = day_links()
    digest = signed_digest(links, key)
    assert (digest["count"], digest["chains"]) == (7, 3)
    heads = sorted(h.encode() for h in (links[2].hash, links[4].hash, links[6].hash))
    assert digest["heads_root"] == merkle.root(heads).hex()
    assert check_day(DAY, list(reversed(links)), digest, key.public_key()) == []


def test_a_forged_digest_is_named(key: ec.EllipticCurvePrivateKey) -> None:
    links = day_links()
    digest = signed_digest(links, key)
    forged = {**digest, "count": 6}
    assert [m.what for m in check_day(DAY, links, forged, key.public_key())] == [
        "signature",
        "count",
    ]
    other = ec.generate_private_key(ec.SECP256R1())
    assert [
        m.what for m in check_day(DAY, links, signed_digest(links, other), key.public_key())
    ] == ["signature"]
    garbled = {**digest, "signature": "not base64!"}
    assert [m.what for m in check_day(DAY, links, garbled, key.public_key())] == ["signature"]


def test_records_that_differ_from_the_digest_are_named(key: ec.EllipticCurvePrivateKey) -> None:
    links = day_links()
    digest = signed_digest(links, key)
    changed = [*links[:-1], sealed(replace(links[-1], reason="rewritten"))]
    found = check_day(DAY, changed, digest, key.public_key())
    assert [(m.pk, m.what) for m in found] == [
        ("digests/2026-03-10.json", "root"),
        ("digests/2026-03-10.json", "heads_root"),
    ]
    assert [m.what for m in check_day(DAY, links[:-1], digest, key.public_key())] == [
        "count",
        "root",
        "heads_root",
    ]
    assert [m.what for m in check_day(DAY, links, None, key.public_key())] == ["digest"]


def test_a_jwk_gives_the_key_that_verifies(key: ec.EllipticCurvePrivateKey) -> None:
    import base64

    numbers = key.public_key().public_numbers()

    def b64(n: int) -> str:
        return base64.urlsafe_b64encode(n.to_bytes(32, "big")).rstrip(b"=").decode()

    jwk = {"kty": "EC", "crv": "P-256", "x": b64(numbers.x), "y": b64(numbers.y)}
    digest = signed_digest(day_links(), key)
    assert statement.signature_valid(digest, statement.public_key(jwk))
    with pytest.raises(ValueError):
        statement.public_key({"kty": "RSA"})
