"""The public reference library through HTTP: an admin imports decisions from S3 (a citizen
may not) as a queued job that the admin follows; anyone searches them in Arabic with variant
spellings and in French, filters, follows cursors; reads the procedures of a level and
downloads the guide."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from io import BytesIO
from typing import Any

from pypdf import PdfReader

import app as app_module
from chalicelib.services.equivalence.library import decisions as rows
from chalicelib.store.equivalence_library import index_files
from scripts.local_events import Pump

HEADER = ",".join(rows.COLUMNS)
JOBS = "/equivalence/decisions/imports"
BASE = {
    "level": "doctorate_medicine",
    "field": "health",
    "outcome": "granted",
    "decision_date": "2015-04-03",
    "bo_number": "6400",
    "bo_date": "2015-05-10",
}


def csv_line(**values: str) -> str:
    return ",".join(f'"{values.get(c, "")}"' for c in rows.COLUMNS)


def catalogue() -> bytes:
    lines = [
        HEADER,
        csv_line(
            number="E-1",
            diploma="دكتوراة في الطب",
            institution="جامعة الإسكندرية",
            country="EG",
            equivalent="الدكتوراه في الطب",
            **BASE,
        ),
        csv_line(
            number="E-2",
            diploma="Doctorat en médecine",
            institution="Université de Kazan",
            country="RU",
            equivalent="Doctorat en médecine",
            **BASE,
        ),
        csv_line(number="E-BAD", diploma="x", institution="y", country="RU", **BASE),  # line 4
    ]
    for n in range(25):
        lines.append(
            csv_line(
                number=f"L-{n:02d}",
                diploma="Licence en droit privé",
                institution="Université de Bordeaux",
                country="FR",
                equivalent="Licence",
                **{
                    **BASE,
                    "level": "licence",
                    "field": "law",
                    "decision_date": f"{1990 + n}-01-02",
                    "bo_date": f"{1990 + n}-02-02",
                },
            )
        )
    return "\n".join(lines).encode()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def import_as(client: Any, token: str, key: str, idempotency_key: str = "", **extra: Any) -> Any:
    body = json.dumps({"key": key, "replace": True, **extra})
    headers = auth(token)
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return client.http.post("/equivalence/decisions/import", headers=headers, body=body)


def test_import_search_filters_and_cursors(
    client: Any, token: Callable[..., str], stack: Any
) -> None:
    key = f"imports/equivalence/e2e-{uuid.uuid4().hex}.csv"
    index_files.put_object(key, catalogue(), "text/csv")

    refused = import_as(client, token("citizen"), key)
    assert refused.status_code == 403
    officer = import_as(client, token("equivalence_officer", office="MESRSI"), key)
    assert officer.status_code == 403

    admin = token("admin")
    queued = import_as(client, admin, key, idempotency_key=(idem := uuid.uuid4().hex))
    assert queued.status_code == 202, queued.body
    job = json.loads(queued.body)
    assert job["state"] == "queued" and job["report"] is None and job["format"] == "csv"
    assert queued.headers["Location"] == job["status"] == f"{JOBS}/{job['job_id']}"
    again = import_as(client, admin, key, idempotency_key=idem)  # a retried request
    assert again.status_code == 202 and json.loads(again.body)["job_id"] == job["job_id"]
    # One import at a time: a second one while the first is queued is refused.
    other = import_as(client, admin, key)
    assert other.status_code == 409 and json.loads(other.body)["job_id"] == job["job_id"]
    status = client.http.get(job["status"], headers=auth(admin))
    assert status.status_code == 200 and json.loads(status.body)["state"] == "queued"
    assert client.http.get(job["status"], headers=auth(token("citizen"))).status_code == 403

    Pump(app_module, stack.env).drain()  # the queue's handler runs the import
    done = json.loads(client.http.get(job["status"], headers=auth(admin)).body)
    assert done["state"] == "done" and done["finished_at"], done
    report = done["report"]
    assert report["imported"] == 27 and report["rejected_rows"] == 1
    assert report["errors"][0]["line"] == 4 and report["errors"][0]["field"] == "equivalent"
    assert report["rebuilt"] and report["decisions_in_index"] == 27
    unknown = client.http.get(f"{JOBS}/{uuid.uuid4().hex}", headers=auth(admin))
    assert unknown.status_code == 404

    # Arabic with other spellings: no hamza, ha for ta marbuta, ya for alef maqsura.
    found = json.loads(client.http.get("/equivalence/decisions?q=الاسكندريه%20دكتوراه").body)
    assert [d["number"] for d in found["items"]] == ["E-1"]
    assert found["items"][0]["country_name"] == {"fr": "Égypte", "ar": "مصر"}
    french = json.loads(client.http.get("/equivalence/decisions?q=MEDECINE%20kazan").body)
    assert [d["number"] for d in french["items"]] == ["E-2"]

    filtered = json.loads(
        client.http.get("/equivalence/decisions?country=RU&level=doctorate_medicine").body
    )
    assert [d["number"] for d in filtered["items"]] == ["E-2"]
    by_year = json.loads(client.http.get("/equivalence/decisions?year=1995&field=law").body)
    assert [d["number"] for d in by_year["items"]] == ["L-05"]

    seen: list[str] = []
    url = "/equivalence/decisions?institution=universite%20de%20bordeaux&limit=10"
    page = json.loads(client.http.get(url).body)
    seen += [d["number"] for d in page["items"]]
    while page["next"]:
        page = json.loads(client.http.get(f"{url}&cursor={page['next']}").body)
        seen += [d["number"] for d in page["items"]]
    assert seen == [f"L-{n:02d}" for n in reversed(range(25))]  # newest first, each once

    first = json.loads(client.http.get("/equivalence/decisions?q=licence&limit=5").body)
    other_query = client.http.get(f"/equivalence/decisions?q=droit&limit=5&cursor={first['next']}")
    assert other_query.status_code == 400  # a cursor belongs to its query


def test_bad_query_parameters_name_the_field(client: Any) -> None:
    for query, field in (
        ("country=XX", "query.country"),
        ("year=1900", "query.year"),
        ("level=phd", "query.level"),
    ):
        answer = client.http.get(f"/equivalence/decisions?{query}")
        assert answer.status_code == 422
        assert json.loads(answer.body)["errors"][0]["field"] == field


def test_import_of_a_missing_file_or_outside_the_prefix(
    client: Any, token: Callable[..., str]
) -> None:
    admin = token("admin")
    missing = import_as(client, admin, "imports/equivalence/none.csv")
    assert (
        missing.status_code == 422 and json.loads(missing.body)["errors"][0]["field"] == "body.key"
    )
    outside = import_as(client, admin, "cases/someone/secret.pdf")
    assert outside.status_code == 422


def test_procedures_checklist_differs_by_level(client: Any) -> None:
    def kinds(query: str) -> set[str]:
        answer = client.http.get(f"/equivalence/procedures?{query}")
        assert answer.status_code == 200, answer.body
        body = json.loads(answer.body)
        assert body["steps"][0]["number"] == 1 and body["steps"][0]["titles"]["ar"]
        return {d["kind"] for d in body["documents"]}

    medicine = kinds("track=higher&level=doctorate_medicine&training=health")
    law = kinds("track=higher&level=licence&training=law")
    assert law < medicine and "hospital_accreditation" in medicine
    school = json.loads(
        client.http.get("/equivalence/procedures?track=school&level=bts&training=technical").body
    )
    assert school["office"] == "MEN" and not school["conditional_equivalence_possible"]
    wrong = client.http.get(
        "/equivalence/procedures?track=higher&level=doctorate_medicine&training=law"
    )
    assert wrong.status_code == 422
    assert json.loads(wrong.body)["errors"][0]["field"] == "query.training"


def test_references_and_guide(client: Any) -> None:
    references = json.loads(client.http.get("/equivalence/references").body)["items"]
    decree = next(r for r in references if r["number"] == "2.13.165")
    assert decree["titles"]["ar"] and decree["titles"]["fr"] and decree["bo"]["number"]
    assert "library/equivalence/references/decree-2-13-165.pdf" in decree["download"]

    guide = client.http.get("/equivalence/guide", headers={"Accept": "application/pdf"})
    assert guide.status_code == 200 and guide.headers["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(guide.body)).pages)
    assert "Doctorat en médecine" in text and "2.13.165" in text
    assert client.http.get("/equivalence/guide", headers={"Accept": "text/html"}).status_code == 406
