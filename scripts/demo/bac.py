"""Demo data of this service for ``make run``: marked as demo data, safe to run twice.

A demo academy's candidate list (session of the current year, with marks), imported and
published through the service itself, so that ``make token ROLE=citizen ACR=cnie`` (CNIe
DEMO123456) sees a candidate record, results and a certificate. The helpers that build and
upload a candidate list are also what the tests use.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.services.bac.domain.candidate_list import COLUMNS

DEMO_ACADEMY = "DEMO-ACADEMY"
DEMO_CNIE = "DEMO123456"  # the CNIe number of scripts/devtokens.py's citizen tokens
MARKS_PC = "math=14.5;physics=15;svt=13;philosophy=11;english=16;arabic=12.75"


def row(**values: str) -> dict[str, str]:
    """A valid row of a candidate list (a science stream, with marks); override any column."""
    base = {
        "candidate_number": "1" + str(uuid.uuid4().int)[:9],
        "first_name_ar": "سلمى",
        "last_name_ar": "العلوي",
        "first_name_fr": "Salma",
        "last_name_fr": "Alaoui",
        "birth_date": "2008-03-14",
        "birth_place_ar": "الرباط",
        "birth_place_fr": "Rabat",
        "cnie": "",
        "academy": DEMO_ACADEMY,
        "school": "LYCEE-DEMO-1",
        "stream": "PC",
        "exam_centre": "CENTRE-DEMO-1",
        "marks": MARKS_PC,
        "continuous_assessment": "15.5",
        "regional_exam": "13",
    }
    return {**base, **values}


def to_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def upload(rows: list[dict[str, str]], name: str = "") -> str:
    """The list put in the documents bucket; returns its key."""
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    key = f"imports/bac/{name or uuid.uuid4().hex}.csv"
    client("s3").put_object(
        Bucket=get_settings().documents_bucket, Key=key, Body=to_csv(rows).encode()
    )
    return key


def officer(academy: str = DEMO_ACADEMY) -> Any:
    from chalicelib.identity import Principal

    return Principal("demo-seed", "staff", frozenset({"exam_officer"}), office=academy)


def seed(env: dict[str, str]) -> list[str]:
    from chalicelib.services.bac import jobs

    year = datetime.now(UTC).year
    rows = [
        row(candidate_number="100000001", cnie=DEMO_CNIE),
        row(
            candidate_number="100000002",
            first_name_fr="Yassine",
            last_name_fr="Bennani",
            first_name_ar="ياسين",
            last_name_ar="بناني",
            cnie="DEMO654321",
            marks="math=7;physics=8.5;svt=9;philosophy=10;english=11;arabic=9",
            continuous_assessment="8",
            regional_exam="7",
        ),
        row(candidate_number="100000003", first_name_fr="Demo", last_name_fr="Sans Cnie"),
    ]
    key = upload(rows, f"demo-{year}-{DEMO_ACADEMY.lower()}")
    imported = jobs.import_candidates(DEMO_ACADEMY, year, key, f"{year}-06-02")
    # Demo data: published an hour ago, directly (a request would queue the job and set the
    # moment after the job's lead: docs/bac.md, results day).
    moment = datetime.now(UTC) - timedelta(hours=1)
    jobs.publish_results(DEMO_ACADEMY, year, moment, moment + timedelta(days=7))
    return [
        f"bac: DEMO DATA, {imported.candidates} candidates of {DEMO_ACADEMY} session {year}, "
        f"results published (citizen token with acr=cnie: CNIe {DEMO_CNIE})"
    ]
