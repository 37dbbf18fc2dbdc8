"""``GET /equivalence/guide`` answers from the PDF built ahead of traffic (one S3 read, no
rendering); if no one built it, the first request renders it, stores it and serves it, and
the next container reads it from S3."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chalicelib.services.equivalence import library_routes
from chalicelib.services.equivalence.library import guide
from chalicelib.services.equivalence.library.references import REFERENCES
from tests.support.aws_calls import RECORDER

PDF = {"Accept": "application/pdf"}


def cold_container() -> None:
    library_routes._guide.cache_clear()


def fail(data: dict[str, Any]) -> bytes:
    raise AssertionError("the request rendered the guide")


@pytest.fixture
def version(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A guide version no other test built (the renderer's version is part of it)."""
    monkeypatch.setattr(guide, "RENDERER_VERSION", f"test-{uuid.uuid4().hex}")
    cold_container()
    yield guide.version_of(guide.contents())
    cold_container()


def fake_render(data: dict[str, Any]) -> bytes:
    return b"%PDF-1.7 guide " + str(data["renderer"]).encode()


def test_after_the_build_the_route_serves_the_stored_pdf_without_rendering(
    client: Any, version: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(guide, "_render", fake_render)
    built = guide.build()
    monkeypatch.setattr(guide, "_render", fail)  # fpdf2 is not on the request path
    cold_container()
    RECORDER.clear()

    answer = client.http.get("/equivalence/guide", headers=PDF)

    assert answer.status_code == 200, answer.body[:300]
    assert answer.body == fake_render(guide.contents())
    assert answer.headers["ETag"] == f'"{version}"' and built.version == version
    assert answer.headers["Cache-Control"] == "public, max-age=3600"
    assert "guide-equivalence.pdf" in answer.headers["Content-Disposition"]
    s3 = [c for c in RECORDER.calls if c.service == "s3"]
    assert [(c.operation, c.params["Key"]) for c in s3] == [("GetObject", built.key)]
    RECORDER.clear()
    assert client.http.get("/equivalence/guide", headers=PDF).body == answer.body
    assert not [c for c in RECORDER.calls if c.service == "s3"]  # kept in memory


def test_a_missing_guide_is_rendered_stored_and_served(
    client: Any, stack: Any, version: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(guide, "_render", fake_render)
    key = guide.key_of(version)

    first = client.http.get("/equivalence/guide", headers=PDF)

    assert first.status_code == 200 and first.headers["ETag"] == f'"{version}"'
    s3 = boto3.client("s3")
    stored = s3.get_object(Bucket=stack.env["DOCUMENTS_BUCKET"], Key=key)
    assert stored["Body"].read() == first.body and stored["ServerSideEncryption"] == "aws:kms"
    monkeypatch.setattr(guide, "_render", fail)
    cold_container()  # the next container finds it in S3
    assert client.http.get("/equivalence/guide", headers=PDF).body == first.body
    assert not guide.build().created  # and a later build leaves it alone


def test_a_change_of_the_data_is_a_new_guide(
    client: Any, version: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(guide, "_render", fake_render)
    guide.build()
    texts = [dict(ref) for ref in REFERENCES]
    texts[0]["titles"] = {**texts[0]["titles"], "fr": "Décret modifié"}
    monkeypatch.setattr(guide, "REFERENCES", tuple(texts))
    cold_container()  # new data only ships with new code, in new containers
    RECORDER.clear()

    answer = client.http.get("/equivalence/guide", headers=PDF)

    assert answer.status_code == 200 and answer.headers["ETag"] != f'"{version}"'
    changed = guide.version_of(guide.contents())
    assert answer.headers["ETag"] == f'"{changed}"'
    puts = [c.params["Key"] for c in RECORDER.calls if c.operation == "PutObject"]
    assert puts == [guide.key_of(changed)]  # the old version's object is not overwritten
