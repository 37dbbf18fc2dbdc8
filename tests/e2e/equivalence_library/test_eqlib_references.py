"""Through HTTP: the legal references carry their source and seed 002's numbers; the school
track's procedure and the guide show seed 000's contact channels, the higher track none."""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

from pypdf import PdfReader


def test_references_carry_their_source_and_the_seeds_numbers(client: Any) -> None:
    answer = client.http.get("/equivalence/references")
    assert answer.status_code == 200
    items = json.loads(answer.body)["items"]
    assert all(r["source"] in ("seed 000", "seed 002", "unverified") for r in items)
    decree = next(r for r in items if r["number"] == "2.13.165")
    assert (decree["date"], decree["date_hijri"]["fr"]) == ("2014-02-19", "19 rabii II 1435")
    assert decree["bo"]["number"] == "6237" and decree["bo"]["page"] == 3119
    assert decree["bo"]["date"] == "2014-03-10" and decree["source"] == "seed 002"
    assert "decree-2-13-165.pdf" in decree["download"]
    amending = next(r for r in items if r["number"] == "2.19.281")
    assert (amending["bo"]["number"], amending["bo"]["date"]) == ("6854", "2020-02-06")
    assert amending["bo"]["page"] == 541 and amending["date"] == "2019-11-29"
    law = next(r for r in items if r["number"] == "55.19")
    assert law["source"] == "seed 000" and law["bo"] is None and "bo" in law["unverified"]
    announced = [r for r in items if r["status"] == "announced"]
    assert announced and all(r["download"] is None and r["number"] is None for r in announced)


def test_the_school_procedure_gives_seed_000s_channels_and_the_higher_one_none(
    client: Any,
) -> None:
    school = json.loads(
        client.http.get("/equivalence/procedures?track=school&level=bts&training=technical").body
    )
    values = {c["value"]: c["source"] for c in school["contacts"]}
    assert values == {
        "https://equivalence.men.gov.ma": "seed 000",
        "05.37.70.88.54": "seed 000",
        "05.37.68.72.36": "seed 000",
        "support.equivalence@men.gov.ma": "seed 000",
    }
    higher = json.loads(
        client.http.get("/equivalence/procedures?track=higher&level=licence&training=law").body
    )
    assert higher["contacts"] == []


def test_the_guide_shows_the_references_with_their_sources_and_the_channels(
    client: Any,
) -> None:
    guide = client.http.get("/equivalence/guide", headers={"Accept": "application/pdf"})
    assert guide.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(guide.body)).pages)
    for fact in ("2.13.165", "BO n° 6237", "p. 3119", "BO n° 6854", "p. 541", "seed 002"):
        assert fact in text, fact
    for channel in ("equivalence.men.gov.ma", "05.37.70.88.54", "support.equivalence@men.gov.ma"):
        assert channel in text, channel
    assert "6240" not in text
