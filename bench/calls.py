"""AWS calls per request, route by route, counted in in-process moto.

Each route is called twice through chalice's test client with a token of a role it allows:
first on a fresh instance (the app's caches cleared), then warm. DynamoDB calls are what
a request costs in latency and capacity; the warm figure is what a busy Lambda pays.
The stack is built exactly as the tests build it (tests/conftest.py).
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

if TYPE_CHECKING:
    # The app's modules are imported only once the stack's environment is set, as
    # tests/conftest.py does: nothing may read settings from the developer's shell.
    from chalicelib.api.routing import RouteSpec
    from tests.support.aws_calls import ApiCall

ROOT = Path(__file__).resolve().parent.parent
NOT_MEASURED = "not measured"
# DynamoDB operations that read or write items; the others (DescribeTable, ...) use no
# capacity, so they never make a route's capacity unknown.
DATA_OPERATIONS = frozenset(
    {
        *("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan"),
        *("BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems"),
        *("ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction"),
    }
)

Figures = dict[str, float | int | str | list[str]]


@dataclass(frozen=True)
class Sample:
    """What a route needs to be called: path and query values, a body, and who calls."""

    path: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None
    role: str = ""  # default: the first allowed role, alphabetically
    office: str = ""  # default: the route's office path parameter, if it has one
    sub: str = ""  # the owner of the sampled object, for routes that check ownership


# (method, path) -> sample values. A route with path parameters, a required query
# parameter or a body and no entry here is reported "not measured".
SAMPLES: dict[tuple[str, str], Sample] = {
    ("GET", "/audit"): Sample(query={"case": "DEMO-0001"}),  # the case scripts/seed.py writes
    # A day with no digest yet: the cost of the lookup itself.
    ("GET", "/public/audit-digests/{date}"): Sample(path={"date": "2026-01-01"}),
}


@dataclass(frozen=True)
class Observed:
    status: int
    calls: list[ApiCall]

    def of(self, service: str) -> list[ApiCall]:
        return [c for c in self.calls if c.service == service]


@contextmanager
def _local_stack() -> Iterator[Path]:
    """The template deployed into in-process moto, the app's env set, calls recorded."""
    from moto import mock_aws

    from infra import moto_atomic
    from scripts.local_stack import isolate_environment, provision

    saved = dict(os.environ)
    isolate_environment()
    moto_atomic.install()
    # moto warns about template resources it skips; infra/moto_gaps.py closes those gaps.
    logging.getLogger("moto").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=UserWarning, module="moto")
    from scripts.seed import seed
    from tests.support import caches
    from tests.support.aws_calls import RECORDER

    try:
        with mock_aws(), tempfile.TemporaryDirectory() as key_dir:
            env = provision("local", Path(key_dir))
            os.environ.update(env)
            seed(env)
            RECORDER.install()
            try:
                yield Path(key_dir)
            finally:
                RECORDER.uninstall()
                caches.cold_start()  # nothing cached may point at the stopped mock
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _request(spec: RouteSpec) -> tuple[str, Sample] | None:
    """The URL to call and its sample, or None when the route lacks sample values."""
    from tests.support.route_samples import collected

    sample = {**SAMPLES, **collected("BENCH")}.get((spec.method, spec.path))
    if sample is None:
        query = spec.query_model
        required = query is not None and any(f.is_required() for f in query.model_fields.values())
        if spec.path_params or required or spec.body is not None:
            return None
        sample = Sample()
    if any(p not in sample.path for p in spec.path_params):
        return None
    url = re.sub(r"{(\w+)}", lambda m: sample.path[m.group(1)], spec.path)
    return (f"{url}?{urlencode(sample.query)}" if sample.query else url), sample


def _headers(spec: RouteSpec, sample: Sample, key_dir: Path) -> dict[str, str]:
    from scripts.devtokens import mint

    headers = {"Accept-Language": "en"}
    if spec.body is not None:
        headers["Content-Type"] = "application/json"
    if spec.access.public:
        return headers
    token = mint(
        sample.role or sorted(spec.access.roles)[0],
        office=sample.office or sample.path.get(spec.access.office_param, ""),
        acr="cnie" if spec.access.cnie else "",
        sub=sample.sub,
        directory=key_dir,
    )
    headers["Authorization"] = f"Bearer {token}"
    return headers


def _call(client: Any, spec: RouteSpec, url: str, headers: dict[str, str], body: bytes) -> Observed:
    from tests.support.aws_calls import RECORDER

    RECORDER.clear()
    answer = client.http.request(spec.method, url, headers=headers, body=body)
    return Observed(int(answer.status_code), list(RECORDER.calls))


def _ops(calls: list[ApiCall], qualified: bool) -> str:
    """Like "Query x2, GetItem x1", in the order they were first made."""
    names = Counter(f"{c.service}.{c.operation}" if qualified else c.operation for c in calls)
    return ", ".join(f"{name} x{count}" for name, count in names.items())


def _capacity(calls: list[ApiCall]) -> float | str:
    # DynamoDB reports ConsumedCapacity only when the request asks for it (PynamoDB does);
    # a data call that did not ask could have cost anything.
    data = [c for c in calls if c.operation in DATA_OPERATIONS]
    if any(c.params.get("ReturnConsumedCapacity", "NONE") == "NONE" for c in data):
        return "unknown"
    return round(sum(c.consumed_capacity for c in data), 2)


def _figures(name: str, cold: Observed, warm: Observed) -> Figures:
    figures: Figures = {f"status.{name}": warm.status}
    for suffix, seen in (("_cold", cold), ("", warm)):
        figures[f"dynamodb_calls{suffix}.{name}"] = len(seen.of("dynamodb"))
        figures[f"dynamodb_ops{suffix}.{name}"] = _ops(seen.of("dynamodb"), qualified=False)
        figures[f"aws_calls{suffix}.{name}"] = len(seen.calls)
        figures[f"aws_ops{suffix}.{name}"] = _ops(seen.calls, qualified=True)
    figures[f"consumed_capacity.{name}"] = _capacity(warm.of("dynamodb"))
    return figures


def _measure_route(client: Any, spec: RouteSpec, key_dir: Path) -> Figures:
    from tests.support import caches

    name = f"{spec.method} {spec.path}"
    request = _request(spec)
    if request is None:
        return {f"dynamodb_calls.{name}": NOT_MEASURED}
    url, sample = request
    headers = _headers(spec, sample, key_dir)
    body = b"" if sample.body is None else json.dumps(sample.body).encode()
    caches.cold_start()  # this route's first call runs on a fresh instance
    try:
        cold = _call(client, spec, url, headers, body)
        warm = _call(client, spec, url, headers, body)
    except Exception as error:  # one broken route must not hide the figures of the others
        return {f"dynamodb_calls.{name}": f"failed: {type(error).__name__}: {error}"}
    return _figures(name, cold, warm)


def measure() -> Figures:
    with _local_stack() as key_dir:
        from chalice.test import Client

        from app import app
        from chalicelib.api.routing import specs_of
        from chalicelib.observability import logger

        logger.setLevel("WARNING")  # a log line per request would drown the table

        figures: Figures = {}
        with Client(app, stage_name="local", project_dir=str(ROOT)) as client:
            for spec in sorted(specs_of(app), key=lambda s: (s.path, s.method)):
                figures.update(_measure_route(client, spec, key_dir))
        return figures


def _route_line(figures: dict[str, object], name: str) -> str:
    outcome = figures[f"dynamodb_calls.{name}"]
    if outcome == NOT_MEASURED:
        return f"{name:<32}{NOT_MEASURED} (add it to BENCH in tests/support/route_samples/)"
    if isinstance(outcome, str):
        return f"{name:<32}{outcome}"

    def dynamodb(suffix: str) -> str:
        ops = figures[f"dynamodb_ops{suffix}.{name}"]
        return f"{figures[f'dynamodb_calls{suffix}.{name}']}" + (f" ({ops})" if ops else "")

    def others(suffix: str) -> str:
        ops = str(figures[f"aws_ops{suffix}.{name}"]).split(", ")
        return ", ".join(op for op in ops if op and not op.startswith("dynamodb.")) or "none"

    line = f"{name:<32}[{figures[f'status.{name}']}] dynamodb calls: cold {dynamodb('_cold')}"
    line += f", warm {dynamodb('')}"
    if figures[f"dynamodb_calls.{name}"]:
        line += f", capacity {figures[f'consumed_capacity.{name}']}"
    if (others("_cold"), others("")) != ("none", "none"):
        line += f"; other AWS: cold {others('_cold')}, warm {others('')}"
    return line


def report(figures: dict[str, object]) -> list[str]:
    prefix = "dynamodb_calls."
    names = [key[len(prefix) :] for key in figures if key.startswith(prefix)]
    return [_route_line(figures, name) for name in names]
