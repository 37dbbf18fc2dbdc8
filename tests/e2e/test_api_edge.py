"""The API edge through HTTP: bodies, problems, idempotency, unexpected errors."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.observability import logger
from tests.support.edge_app import EXECUTIONS, edge_app


@pytest.fixture
def edge(stack: Any) -> Iterator[Any]:
    with Client(edge_app, stage_name="local") as test_client:
        yield test_client


@pytest.fixture
def citizen(token: Any) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token('citizen', sub='citizen-edge')}",
        "Content-Type": "application/json",
        "Accept-Language": "en",
    }


def post(edge: Any, headers: dict[str, str], body: Any, **extra: str) -> Any:
    raw = body if isinstance(body, str) else json.dumps(body)
    return edge.http.post("/things", headers={**headers, **extra}, body=raw)


def fields(answer: Any) -> set[str]:
    assert answer.headers["Content-Type"] == "application/problem+json"
    return {e["field"] for e in answer.json_body.get("errors", [])}


def test_a_valid_body_creates(edge: Any, citizen: dict[str, str]) -> None:
    answer = post(edge, citizen, {"name": "x", "count": 1})
    assert answer.status_code == 201
    assert answer.json_body["name"] == "x"


def test_malformed_json_is_400_naming_the_body(edge: Any, citizen: dict[str, str]) -> None:
    answer = post(edge, citizen, '{"name": "x", ')
    assert answer.status_code == 400
    assert fields(answer) == {"body"}


@pytest.mark.parametrize("depth", [33, 200_000])
def test_a_body_nested_too_deep_is_400_naming_the_body(
    edge: Any, citizen: dict[str, str], depth: int
) -> None:
    """Past the limit, and past the JSON parser's own recursion (a 500 before)."""
    deep = "[" * depth + "]" * depth
    answer = post(edge, citizen, '{"name": "x", "count": 1, "extra": ' + deep + "}")
    assert answer.status_code == 400 and fields(answer) == {"body"}
    assert answer.json_body["errors"][0]["code"] == "json_too_deep"


def test_a_body_within_the_depth_limit_is_judged_on_its_fields(
    edge: Any, citizen: dict[str, str]
) -> None:
    """30 levels pass the depth check and reach the schema, which names the unknown field."""
    nested = "[" * 30 + "]" * 30
    answer = post(edge, citizen, '{"name": "x", "count": 1, "extra": ' + nested + "}")
    assert answer.status_code == 422 and fields(answer) == {"body.extra"}


def test_empty_body_is_400(edge: Any, citizen: dict[str, str]) -> None:
    answer = post(edge, citizen, "")
    assert answer.status_code == 400 and fields(answer) == {"body"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "count": "many"}, "body.count"),
        ({"name": "x", "count": -1}, "body.count"),
        ({"count": 1}, "body.name"),
        ({"name": "", "count": 1}, "body.name"),
        ({"name": "x", "count": 1, "admin": True}, "body.admin"),
        ([1, 2], "body"),
    ],
)
def test_invalid_fields_are_named(
    edge: Any, citizen: dict[str, str], body: Any, field: str
) -> None:
    answer = post(edge, citizen, body)
    assert answer.status_code == 422
    assert field in fields(answer)
    assert answer.json_body["title"] == "Invalid data"


def test_oversized_body_is_413(edge: Any, citizen: dict[str, str]) -> None:
    answer = post(edge, citizen, {"name": "x" * 2_000_000, "count": 1})
    assert answer.status_code == 413
    assert answer.headers["Content-Type"] == "application/problem+json"


def test_wrong_content_type_is_415(edge: Any, citizen: dict[str, str]) -> None:
    answer = post(edge, citizen, "name=x", **{"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 415
    assert answer.headers["Content-Type"] == "application/problem+json"


def test_same_key_and_body_replay_without_doing_the_work_again(
    edge: Any, citizen: dict[str, str]
) -> None:
    before = len(EXECUTIONS)
    first = post(edge, citizen, {"name": "once", "count": 2}, **{"Idempotency-Key": "k-replay"})
    second = post(edge, citizen, {"name": "once", "count": 2}, **{"Idempotency-Key": "k-replay"})
    assert first.status_code == second.status_code == 201
    assert first.json_body == second.json_body
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert len(EXECUTIONS) == before + 1


def test_same_key_with_another_body_is_422(edge: Any, citizen: dict[str, str]) -> None:
    post(edge, citizen, {"name": "a", "count": 1}, **{"Idempotency-Key": "k-reuse"})
    answer = post(edge, citizen, {"name": "b", "count": 1}, **{"Idempotency-Key": "k-reuse"})
    assert answer.status_code == 422
    assert answer.json_body["type"] == "urn:khidmat:problem:idempotency-key-reused"
    assert fields(answer) == {"Idempotency-Key"}


def test_keys_are_per_caller(edge: Any, token: Any) -> None:
    answers = []
    for sub in ("caller-1", "caller-2"):
        headers = {
            "Authorization": f"Bearer {token('citizen', sub=sub)}",
            "Content-Type": "application/json",
            "Idempotency-Key": "shared-key",
        }
        answers.append(post(edge, headers, {"name": "n", "count": 1}))
    assert answers[0].json_body["id"] != answers[1].json_body["id"]


def test_without_a_key_each_post_creates(edge: Any, citizen: dict[str, str]) -> None:
    one = post(edge, citizen, {"name": "n", "count": 1})
    two = post(edge, citizen, {"name": "n", "count": 1})
    assert one.json_body["id"] != two.json_body["id"]


def test_a_bad_key_is_400(edge: Any, citizen: dict[str, str]) -> None:
    answer = post(edge, citizen, {"name": "n", "count": 1}, **{"Idempotency-Key": "x" * 200})
    assert answer.status_code == 400 and fields(answer) == {"Idempotency-Key"}


def test_concurrent_retries_do_the_work_once(edge: Any, citizen: dict[str, str]) -> None:
    before = len(EXECUTIONS)
    body = {"name": "race", "count": 3, "slow": True}

    def send(_: int) -> Any:
        with Client(edge_app, stage_name="local") as own:
            return post(own, citizen, body, **{"Idempotency-Key": "k-race"})

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(send, range(4)))
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {201, 409}
    assert statuses.count(201) >= 1
    assert len(EXECUTIONS) == before + 1
    for answer in answers:
        if answer.status_code == 409:
            assert answer.headers["Retry-After"] == "1"
    replay = post(edge, citizen, body, **{"Idempotency-Key": "k-race"})
    assert replay.status_code == 201 and replay.headers.get("Idempotent-Replayed") == "true"


def test_unexpected_error_is_a_500_problem_without_trace_or_personal_data(edge: Any) -> None:
    handler = logger.registered_handler  # the app's own handler and formatter
    assert isinstance(handler, logging.StreamHandler)
    sink = io.StringIO()
    previous = handler.setStream(sink)
    try:
        answer = edge.http.get("/boom", headers={"Accept-Language": "fr"})
    finally:
        handler.setStream(previous)
    assert answer.status_code == 500
    problem = answer.json_body
    assert problem["title"] == "Erreur interne"
    assert problem["correlation_id"] == answer.headers["X-Correlation-Id"]
    assert "Traceback" not in answer.body.decode() and "AB123456" not in answer.body.decode()
    logged = sink.getvalue()
    assert "RuntimeError" in logged and "Traceback" in logged
    assert "AB123456" not in logged and "212612345678" not in logged
