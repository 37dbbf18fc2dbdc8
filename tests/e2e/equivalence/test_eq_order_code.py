"""The equivalence order's own verification code and its shares' list (decision 55), through
HTTP with real tokens: a new code replaces the old one and ends every access given before,
as the bac certificate's does (decision 52); the holder lists their shares with how often
each was verified."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import jwt

from tests.e2e.equivalence.eq_support import Journey, headers
from tests.support import sdjwt_check

SD_JWT = "application/dc+sd-jwt"
JSON = {"Accept": "application/json"}


def _jwks(journey: Journey) -> dict[str, Any]:
    return dict(journey.http.get("/.well-known/jwks.json").json_body)


def _bit(journey: Journey, credential: str) -> int:
    signed = jwt.decode(credential.split("~")[0], options={"verify_signature": False})
    status = signed["status"]["status_list"]
    token = journey.http.get(urlsplit(status["uri"]).path).body
    token = token.decode() if isinstance(token, bytes) else token
    return sdjwt_check.status_bit(token, _jwks(journey), int(status["idx"]))


def _new_code(journey: Journey, who: str, key: str) -> Any:
    path = f"/equivalence/applications/{journey.case_id}/decision/code"
    return journey.http.post(path, headers=headers(who, **{"Idempotency-Key": key}), body="{}")


def _check(journey: Journey, code: str) -> dict[str, Any]:
    answer = journey.http.get(f"/public/equivalence-orders/{code}", headers=JSON)
    assert answer.status_code == 200, answer.body
    return dict(answer.json_body)


def _share(journey: Journey, key: str, claims: list[str]) -> dict[str, Any]:
    path = f"/equivalence/applications/{journey.case_id}/decision/shares"
    body = json.dumps({"recipient": "Employeur", "days": 10, "claims": claims})
    made = journey.http.post(
        path, headers=headers(journey.citizen, **{"Idempotency-Key": key}), body=body
    )
    assert made.status_code == 201, made.body
    return dict(made.json_body)


def test_a_new_order_code_replaces_the_old_and_ends_its_shares(journey: Journey) -> None:
    journey.granted()
    path = f"/equivalence/applications/{journey.case_id}/decision"
    held = journey.http.get(path, headers=headers(journey.citizen, Accept=SD_JWT)).body.decode()
    assert _bit(journey, held) == 0
    share = _share(journey, "oc-share-1", ["holder"])
    assert _check(journey, share["code"])["status"] == "valid"

    # an officer who reads the file: 403 (the holder's to hold); someone else: 404
    assert _new_code(journey, journey.officer, "oc-officer").status_code == 403
    stranger = journey.token("citizen", sub="eq-not-the-holder-oc")
    assert _new_code(journey, stranger, "oc-stranger").status_code == 404

    first = _new_code(journey, journey.citizen, "oc-1")
    assert first.status_code == 201, first.body
    code = first.json_body["code"]
    assert first.json_body["link"].endswith(f"/public/equivalence-orders/{code}")
    again = _new_code(journey, journey.citizen, "oc-1")  # the same key: the same answer
    assert again.status_code == 201 and again.json_body["code"] == code
    # the code answers the order, every claim, checked as any verifier would
    seen = _check(journey, code)
    assert (seen["status"], seen["verified"]) == ("valid", True)
    assert seen["claims"]["order"] == {"number": "1234.25", "date": "2026-03-02"}
    assert seen["claims"]["file_reference"] == journey.reference
    assert sdjwt_check.reference_verify(seen["presentation"], _jwks(journey))["holder"]
    # what was given before the first code ended with it: the held credential, the share
    assert _bit(journey, held) == 1
    assert _check(journey, share["code"])["status"] == "revoked"

    later = _share(journey, "oc-share-2", ["national_diploma"])
    second = _new_code(journey, journey.citizen, "oc-2")
    assert second.status_code == 201 and second.json_body["code"] != code
    old = _check(journey, code)
    assert (old["status"], old["verified"], old["claims"]) == ("replaced", False, None)
    assert second.json_body["code"] not in json.dumps(old)  # never names the new code
    assert _check(journey, later["code"])["status"] == "revoked"
    assert _check(journey, second.json_body["code"])["status"] == "valid"
    html = journey.http.get(f"/public/equivalence-orders/{code}", headers={"Accept": "text/html"})
    assert "Code remplacé" in html.body.decode() and "1234.25" not in html.body.decode()
    # the credential asked for now carries the order's new bit, valid
    fresh = journey.http.get(path, headers=headers(journey.citizen, Accept=SD_JWT)).body.decode()
    assert _bit(journey, fresh) == 0


def test_no_code_for_an_order_not_in_force(journey: Journey) -> None:
    journey.refused()
    assert _new_code(journey, journey.citizen, "oc-refused").status_code == 409


def test_the_holder_lists_the_order_s_shares_with_their_verifications(
    journey: Journey,
) -> None:
    journey.granted()
    one = _share(journey, "ol-1", ["holder", "national_diploma"])
    two = _share(journey, "ol-2", ["order"])
    for _ in range(2):
        assert _check(journey, one["code"])["status"] == "valid"
    shares = f"/equivalence/applications/{journey.case_id}/decision/shares"
    listed = journey.get(shares)
    assert listed.status_code == 200, listed.body
    items = {i["id"]: i for i in listed.json_body["items"]}
    assert list(items) == [two["id"], one["id"]]  # newest first
    assert (items[one["id"]]["verifications"], items[two["id"]]["verifications"]) == (2, 0)
    assert items[one["id"]]["last_verified_at"] and items[two["id"]]["last_verified_at"] is None
    assert items[one["id"]]["claims"] == ["holder", "national_diploma"]
    assert items[one["id"]]["status"] == "valid" and "code" not in items[one["id"]]
    assert one["code"] not in listed.body.decode()  # the list never shows a code

    delete = f"{shares}/{two['id']}"
    assert journey.http.delete(delete, headers=headers(journey.citizen)).status_code == 204
    assert _check(journey, two["code"])["status"] == "revoked"  # a revoked share: not counted
    after = {i["id"]: i for i in journey.get(shares).json_body["items"]}
    assert (after[two["id"]]["status"], after[two["id"]]["verifications"]) == ("revoked", 0)

    stranger = journey.token("citizen", sub="eq-not-the-holder-ol")
    assert journey.http.get(shares, headers=headers(stranger)).status_code == 404
    assert journey.http.get(shares, headers=headers(journey.officer)).status_code == 403
    # a new code ends them: the list says so
    assert _new_code(journey, journey.citizen, "ol-code").status_code == 201
    ended = journey.get(shares).json_body["items"]
    assert [i["status"] for i in ended] == ["revoked", "revoked"]
