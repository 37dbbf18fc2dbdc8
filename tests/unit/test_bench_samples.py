"""``make bench`` measures every route: a route without a bench sample (bench/routes.py,
bench/consular.py or a service's BENCH in tests/support/route_samples) fails here, and so
does a sample without its floor and the reason for it. Pure: nothing is called."""

from __future__ import annotations

import pytest

from app import app
from bench import cost
from bench.calls import Sample, all_samples, over_floor
from chalicelib.api.routing import specs_of

SPECS = {(s.method, s.path): s for s in specs_of(app)}
SAMPLES = all_samples()


def test_every_route_has_a_bench_sample() -> None:
    missing = sorted(set(SPECS) - set(SAMPLES))
    assert not missing, f"add a bench sample (bench/routes.py) for {missing}"


def test_every_bench_sample_is_a_route() -> None:
    assert not sorted(set(SAMPLES) - set(SPECS)), "a bench sample names no route"


@pytest.mark.parametrize("key", sorted(SAMPLES), ids=lambda k: f"{k[0]} {k[1]}")
def test_every_sample_has_its_floor_and_why(key: tuple[str, str]) -> None:
    sample = SAMPLES[key]
    assert sample.floor is not None and sample.floor >= 0
    assert sample.why.strip(), "say in a line why the floor is what it is"


@pytest.mark.parametrize("key", sorted(SAMPLES), ids=lambda k: f"{k[0]} {k[1]}")
def test_every_path_value_has_a_source(key: tuple[str, str]) -> None:
    """A path value comes from the sample, its setup, or the matrix's sample."""
    sample, spec = SAMPLES[key], SPECS[key]
    if sample.matrix or sample.setup is not None:
        return
    assert set(spec.path_params) <= set(sample.path)


def test_a_route_above_its_floor_is_listed() -> None:
    figures: dict[str, object] = {
        "dynamodb_calls.GET /a": 3,
        "floor.GET /a": 2,
        "dynamodb_calls.GET /b": 5,
        "floor.GET /b": 4,
        "dynamodb_calls.GET /c": "failed: boom",
        "floor.GET /c": 1,
    }
    assert over_floor(figures) == ["GET /a"]  # 5 is 125 % of 4: not above


def test_request_units_follow_dynamodb_rules() -> None:
    small = {"id": {"S": "x" * 100}}
    big = {"id": {"S": "x" * 5000}}
    assert cost.units("GetItem", {}, {"Item": small}) == cost.Units(read=0.5)
    assert cost.units("GetItem", {"ConsistentRead": True}, {"Item": big}) == cost.Units(read=2)
    assert cost.units("PutItem", {"Item": {"id": {"S": "x" * 1500}}}, {}) == cost.Units(write=2)
    transaction = {"TransactItems": [{"Put": {"Item": small}}, {"Update": {"Key": small}}]}
    assert cost.units("TransactWriteItems", transaction, {}) == cost.Units(write=4)
    assert cost.units("DescribeTable", {}, {}) == cost.Units()


def test_cost_per_million() -> None:
    usd = cost.usd_per_million(cost.Units(read=1, write=1), duration_ms=10, memory=1024)
    assert usd["dynamodb"] == pytest.approx(
        cost.USD_PER_MILLION_READ_UNITS + cost.USD_PER_MILLION_WRITE_UNITS
    )
    assert usd["api"] == cost.USD_PER_MILLION_API_REQUESTS
    assert usd["total"] == pytest.approx(usd["dynamodb"] + usd["lambda"] + usd["api"])
    assert cost.rounded(12.3456) == "12" and cost.rounded(0.01234) == "0.012"


def test_sample_defaults_are_a_plain_call() -> None:
    assert Sample().floor is None and not Sample().matrix


def test_a_cold_request_is_the_event_api_gateway_hands_lambda() -> None:
    from bench.first_requests import event

    made = event("POST", "/cases/{case_id}/documents", {"case_id": "c1"}, {"a": "b"}, {}, {"x": 1})
    assert made["path"] == "/cases/c1/documents"
    assert made["requestContext"]["resourcePath"] == "/cases/{case_id}/documents"
    assert made["multiValueQueryStringParameters"] == {"a": ["b"]}
    assert made["pathParameters"] == {"case_id": "c1"} and made["body"] == '{"x": 1}'
    assert (app.routes[made["resource"]]["POST"]).view_args == ["case_id"]
