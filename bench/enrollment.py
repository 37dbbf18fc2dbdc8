"""What school pre-registration costs per request, in DynamoDB calls: filing (with the
child's guard and the school's counters in the case's transaction), the director's search
(a name in Arabic script over a school's queue) and approval. Counted in in-process moto,
warm (each request made once before)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from bench.calls import _local_stack

Figures = dict[str, Any]
SCHOOL = "BENCH-SCHOOL"


def _dynamodb(calls: list[Any]) -> tuple[int, str]:
    ops = [c for c in calls if c.service == "dynamodb"]
    summary = ", ".join(f"{op} x{n}" for op, n in sorted(Counter(c.operation for c in ops).items()))
    return len(ops), summary


def measure() -> Figures:
    with _local_stack() as key_dir:
        from chalice.test import Client

        from app import app
        from chalicelib.observability import logger
        from chalicelib.services.enrollment import machines
        from scripts.devtokens import mint
        from tests.support.aws_calls import RECORDER
        from tests.support.route_samples.enrollment import GUARDIAN, application, seed_school

        logger.setLevel("WARNING")  # a log line per request would drown the figures
        seed_school(SCHOOL)
        # approval needs a checked photo; the documents' cost is measured on their own routes
        approve = machines.ENROLLMENT.transition("approve")
        assert approve is not None
        machines.ENROLLMENT._by_name["approve"] = approve._replace(guard=None)
        citizen = mint(
            "citizen", sub="bench-guardian", directory=key_dir, acr="cnie", cnie=GUARDIAN["cnie"]
        )
        director = mint("school_director", office=SCHOOL, directory=key_dir)

        def headers(token: str) -> dict[str, str]:
            return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        figures: Figures = {}
        with Client(app, stage_name="local") as client:

            def measured(name: str, method: str, url: str, token: str, body: Any = None) -> Any:
                client.http.request(method, url, headers=headers(token), body=body)  # warm up
                RECORDER.clear()
                answer = client.http.request(method, url, headers=headers(token), body=body)
                count, ops = _dynamodb(list(RECORDER.calls))
                figures[f"enrollment.{name}.dynamodb_calls"] = count
                figures[f"enrollment.{name}.operations"] = ops
                figures[f"enrollment.{name}.status"] = answer.status_code
                return answer

            def file_one() -> Any:
                body = json.dumps(application(SCHOOL))  # a fresh child each time
                return client.http.post(
                    "/enrollment/applications", headers=headers(citizen), body=body
                )

            file_one()  # warm up
            RECORDER.clear()
            filed = file_one().json_body
            count, ops = _dynamodb(list(RECORDER.calls))
            figures["enrollment.file.dynamodb_calls"] = count
            figures["enrollment.file.operations"] = ops
            measured(
                "search",
                "GET",
                f"/enrollment/schools/{SCHOOL}/applications?q=%D9%8A%D9%88%D8%B3%D9%81",
                director,
            )
            # approving twice: the second answers 409; measure a fresh approval instead
            RECORDER.clear()
            client.http.post(
                f"/enrollment/applications/{filed['id']}/approve", headers=headers(director)
            )
            count, ops = _dynamodb(list(RECORDER.calls))
            figures["enrollment.approve.dynamodb_calls"] = count
            figures["enrollment.approve.operations"] = ops
        machines.ENROLLMENT._by_name["approve"] = approve
    return figures


def report(figures: dict[str, object]) -> list[str]:
    lines = []
    for key, label in (
        ("file", "POST /enrollment/applications"),
        ("search", "director's search (q, one page)"),
        ("approve", "POST .../{id}/approve"),
    ):
        lines.append(
            f"{label:<40}dynamodb calls: {figures[f'enrollment.{key}.dynamodb_calls']} "
            f"({figures[f'enrollment.{key}.operations']})"
        )
    return lines
