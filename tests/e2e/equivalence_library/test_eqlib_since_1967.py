"""Through HTTP: an admin imports decisions of the 1970s and 1980s from countries that no
longer exist (USSR, Yugoslavia, GDR, Czechoslovakia) at levels that no longer exist (DEA,
DESS, maîtrise ...); they are accepted and anyone finds them by country, old or new code,
by level and by name."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import app as app_module
from chalicelib.store.equivalence_library import index_files
from scripts.local_events import Pump

OLD = [
    {
        "number": "SU-1974-01",
        "diploma": "Diplôme de spécialiste, génie civil",
        "institution": "Institut polytechnique de Kiev",
        "country": "SU",
        "level": "specialist_diploma",
        "field": "engineering",
        "outcome": "granted",
        "equivalent": "Diplôme d'ingénieur d'État",
        "decision_date": "1974-05-20",
        "bo_number": "3210",
        "bo_date": "1974-06-12",
    },
    {
        "number": "YU-1978-02",
        "diploma": "Diplôme d'études approfondies en économie",
        "institution": "Université de Belgrade",
        "country": "YUCS",
        "level": "dea",
        "field": "general",
        "outcome": "granted",
        "equivalent": "Diplôme d'études supérieures",
        "decision_date": "1978-11-03",
        "bo_number": "3450",
        "bo_date": "1978-12-01",
    },
    {
        "number": "DD-1983-03",
        "diploma": "DESS en droit des affaires",
        "institution": "Université Humboldt de Berlin",
        "country": "DD",
        "level": "dess",
        "field": "law",
        "outcome": "refused",
        "reasons": "Volume horaire insuffisant",
        "decision_date": "1983-02-14",
        "bo_number": "3670",
        "bo_date": "1983-03-02",
    },
    {
        "number": "CS-1971-04",
        "diploma": "Maîtrise de lettres",
        "institution": "Université Charles de Prague",
        "country": "CSHH",
        "level": "maitrise",
        "field": "general",
        "outcome": "granted",
        "equivalent": "Licence ès lettres",
        "decision_date": "1971-09-30",
        "bo_number": "3080",
        "bo_date": "1971-10-20",
    },
    {**{"number": "BAD-CS", "country": "CS"}, **{"diploma": "x", "institution": "y"}},
]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def numbers(client: Any, query: str) -> list[str]:
    answer = client.http.get(f"/equivalence/decisions?{query}")
    assert answer.status_code == 200, answer.body
    return sorted(d["number"] for d in json.loads(answer.body)["items"])


def test_an_import_of_decisions_from_former_countries_and_levels(
    client: Any, token: Callable[..., str], stack: Any
) -> None:
    bad = {**OLD[0], **OLD[-1]}  # CS is ambiguous: Czechoslovakia or Serbia and Montenegro
    content = "\n".join(json.dumps(r, ensure_ascii=False) for r in [*OLD[:-1], bad]).encode()
    key = f"imports/equivalence/old-{uuid.uuid4().hex}.jsonl"
    index_files.put_object(key, content, "application/x-ndjson")
    admin = token("admin")
    body = json.dumps({"key": key, "replace": True})
    queued = client.http.post("/equivalence/decisions/import", headers=auth(admin), body=body)
    assert queued.status_code == 202, queued.body
    Pump(app_module, stack.env).drain()
    job = json.loads(client.http.get(json.loads(queued.body)["status"], headers=auth(admin)).body)
    assert job["state"] == "done", job
    report = job["report"]
    assert report["imported"] == 4 and report["rejected_rows"] == 1, report
    assert report["errors"][0]["field"] == "country" and "CSHH" in report["errors"][0]["message"]

    assert numbers(client, "country=SUHH") == ["SU-1974-01"]
    assert numbers(client, "country=SU") == ["SU-1974-01"]  # the old code reads as SUHH
    assert numbers(client, "country=YU") == ["YU-1978-02"]
    assert numbers(client, "country=DDDE&level=dess") == ["DD-1983-03"]
    assert numbers(client, "country=CSHH") == ["CS-1971-04"]
    assert numbers(client, "level=maitrise") == ["CS-1971-04"]
    assert numbers(client, "level=dea&year=1978") == ["YU-1978-02"]
    assert numbers(client, "q=URSS") == ["SU-1974-01"]
    assert numbers(client, "q=يوغوسلافيا") == ["YU-1978-02"]
    found = json.loads(client.http.get("/equivalence/decisions?country=DD").body)["items"][0]
    assert found["country"] == "DDDE" and found["country_former"] is True
    assert found["country_name"]["ar"] == "جمهورية ألمانيا الديمقراطية"
    ambiguous = client.http.get("/equivalence/decisions?country=CS")
    assert ambiguous.status_code == 422
    assert json.loads(ambiguous.body)["errors"][0]["field"] == "query.country"
