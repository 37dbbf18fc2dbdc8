"""AWS calls per request, route by route, counted in in-process moto.

Each route is called twice through chalice's test client with a token of a role it allows:
first on a fresh instance (the app's caches cleared), then warm. DynamoDB calls are what
a request costs in latency and capacity; the warm figure is what a busy Lambda pays.
The stack is built exactly as the tests build it (tests/conftest.py).

Every route has a sample (``all_samples``; tests/unit/test_bench_samples.py holds it so),
with its floor: the fewest DynamoDB calls its contract needs. Each route's line gives its
request units and USD per million requests (bench/cost.py); the routes more than
OVER_FLOOR times their floor are listed at the end with the reason written in the sample.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from bench import cost
from chalicelib import clock

if TYPE_CHECKING:
    # The app's modules are imported only once the stack's environment is set, as
    # tests/conftest.py does: nothing may read settings from the developer's shell.
    from chalicelib.api.routing import RouteSpec
    from tests.support.aws_calls import ApiCall

ROOT = Path(__file__).resolve().parent.parent
NOT_MEASURED = "not measured"
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
    cnie: str = ""  # the CNIe number in a citizen's token, where the route reads it
    accept: str = ""  # the Accept header, for a route answering a PDF
    idempotency_key: bool = False  # a fresh Idempotency-Key on each call
    # Creates the object the route names and returns its path values; run before each call
    # (cold and warm), so that a write finds a fresh object each time.
    setup: Callable[[], dict[str, str]] | None = None
    # Call the route as tests/e2e/test_authorization_matrix.py does (its setup, path, query
    # and body, the owner or office of the objects it creates); fields set here win.
    matrix: bool = False
    # The fewest DynamoDB calls the route's contract needs on the sampled path, warm, and
    # why. A signed-in call always takes one: its rate counter.
    floor: int | None = None
    why: str = ""
    over: str = ""  # why the route makes more calls than its floor, where it does


# (method, path) -> sample values. A route with no entry in any of SOURCES is reported "not
# measured" (tests/unit/test_bench_samples.py fails on it).
SAMPLES: dict[tuple[str, str], Sample] = {
    ("GET", "/audit"): Sample(
        query={"case": "DEMO-0001"},  # the case scripts/seed.py writes
        floor=3,
        why="rate counter, the case (by reference), its audit partition",
    ),
    # A day with no digest yet: the cost of the lookup itself.
    ("GET", "/public/audit-digests/{date}"): Sample(
        path={"date": "2026-01-01"}, floor=0, why="digests are S3 objects"
    ),
}


def all_samples() -> dict[tuple[str, str], Sample]:
    """Every bench sample: SAMPLES, the services' BENCH (tests/support/route_samples) and
    the bench files' BENCH (bench/routes.py, bench/consular.py). A route in two is an error."""
    from bench import consular, routes
    from tests.support.route_samples import collected

    merged: dict[tuple[str, str], Sample] = {}
    for part in (SAMPLES, collected("BENCH"), routes.BENCH, consular.BENCH):
        twice = merged.keys() & part.keys()
        if twice:
            raise ValueError(f"bench samples given twice: {sorted(twice)}")
        merged.update(part)
    return merged


@dataclass(frozen=True)
class Observed:
    status: int
    calls: list[ApiCall]
    units: cost.Units = field(default_factory=cost.Units)
    ms: float = 0.0
    problem: str = ""  # a refusal's problem type and detail, to see what was measured

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
            with cost.metered():  # under the recorder: it records what the meter asked
                RECORDER.install()
                try:
                    yield Path(key_dir)
                finally:
                    RECORDER.uninstall()
                    caches.cold_start()  # nothing cached may point at the stopped mock
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _resolved(spec: RouteSpec, sample: Sample) -> Sample:
    """A sample "as the matrix calls it" made concrete; any other sample as it is."""
    if not sample.matrix:
        return sample
    from tests.e2e.test_authorization_matrix import SAMPLES as MATRIX
    from tests.support.route_samples.matrix import OFFICE, OWNER_SUB

    given = MATRIX[(spec.method, spec.path)]
    # The matrix's objects are its citizen's: a citizen reads them as their owner.
    roles = spec.access.roles
    role = sample.role or ("citizen" if "citizen" in roles else sorted(roles)[0])
    office = sample.office or given.offices.get(role, OFFICE)
    path = {name: "x" for name in spec.path_params} | given.path | sample.path
    if spec.access.office_param:
        path[spec.access.office_param] = office
    body = sample.body
    if body is None and given.body:
        body = json.loads(given.body)
    return replace(
        sample,
        path=path,
        query=sample.query or dict(parse_qsl(given.query)),
        body=body,
        role=role,
        office=office,
        sub=sample.sub or (OWNER_SUB if role == "citizen" else ""),
        setup=sample.setup or given.setup,
    )


# Values a setup may return besides the path's: who calls (their ``sub``), the JSON body,
# and the app's clock during the call (ISO 8601), for what only the setup knows.
CALLER, BODY, NOW = "sub", "body", "now"


def _prepared(spec: RouteSpec, sample: Sample) -> tuple[str, Sample, str]:
    """One call's URL and sample (the setup's caller and body in it), and its clock ("" for
    the real one); the sample's setup first creates what the call names."""
    values = {**sample.path, **(sample.setup() if sample.setup else {})}
    now = values.pop(NOW, "")
    if CALLER in values:
        sample = replace(sample, sub=values.pop(CALLER))
    if BODY in values:
        sample = replace(sample, body=json.loads(values.pop(BODY)))
    url = re.sub(r"{(\w+)}", lambda m: values[m.group(1)], spec.path)
    return (f"{url}?{urlencode(sample.query)}" if sample.query else url), sample, now


def _headers(spec: RouteSpec, sample: Sample, key_dir: Path) -> dict[str, str]:
    from scripts.devtokens import mint

    headers = {"Accept-Language": "en"}
    if sample.accept:
        headers["Accept"] = sample.accept
    if sample.idempotency_key:
        headers["Idempotency-Key"] = f"bench-{uuid.uuid4()}"
    if spec.body is not None:
        headers["Content-Type"] = "application/json"
    if spec.access.public:
        return headers
    role = sample.role or sorted(spec.access.roles)[0]
    token = mint(
        role,
        office=sample.office or sample.path.get(spec.access.office_param, ""),
        # The matrix signs its citizens in with the e-ID card, as a CNIe route needs.
        acr="cnie" if spec.access.cnie or (sample.matrix and role == "citizen") else "",
        sub=sample.sub,
        cnie=sample.cnie,
        directory=key_dir,
    )
    headers["Authorization"] = f"Bearer {token}"
    return headers


def _call(client: Any, spec: RouteSpec, sample: Sample, key_dir: Path, cold: bool) -> Observed:
    from unittest import mock

    from tests.support import caches
    from tests.support.aws_calls import RECORDER

    url, sample, now = _prepared(spec, sample)
    headers = _headers(spec, sample, key_dir)
    body = b"" if sample.body is None else json.dumps(sample.body).encode()
    frozen = (
        mock.patch.object(clock, "now", return_value=datetime.fromisoformat(now))
        if now
        else nullcontext()
    )
    if cold:
        caches.cold_start()  # after the setup: the call runs on a fresh instance
    with frozen:
        RECORDER.clear()
        cost.METER.clear()
        started = time.perf_counter()
        answer = client.http.request(spec.method, url, headers=headers, body=body)
        elapsed = (time.perf_counter() - started) * 1000
    status = int(answer.status_code)
    problem = ""
    if status >= 400 and isinstance(answer.json_body, dict):
        found = answer.json_body
        problem = f"{found.get('type', '')}: {found.get('detail', '')} {found.get('errors', '')}"
    return Observed(status, list(RECORDER.calls), cost.METER.total, elapsed, problem[:300])


def _ops(calls: list[ApiCall], qualified: bool) -> str:
    """Like "Query x2, GetItem x1", in the order they were first made."""
    names = Counter(f"{c.service}.{c.operation}" if qualified else c.operation for c in calls)
    return ", ".join(f"{name} x{count}" for name, count in names.items())


def _detail(call: ApiCall) -> str:
    """One DynamoDB call in a few words: what it did, where, on which key."""
    params = call.params
    where = params.get("TableName", "") + (
        f"/{params['IndexName']}" if "IndexName" in params else ""
    )
    key = params.get("KeyConditionExpression") or params.get("Key") or ""
    if call.operation == "TransactWriteItems":
        key = [next(iter(i)) for i in params.get("TransactItems", [])]
    values = params.get("ExpressionAttributeValues", {})
    return f"{call.operation} {where} {key} {values if call.operation == 'Query' else ''}"[:240]


def _figures(name: str, cold: Observed, warm: Observed, sample: Sample) -> Figures:
    figures: Figures = {f"status.{name}": warm.status}
    if warm.problem:
        figures[f"problem.{name}"] = warm.problem
    for suffix, seen in (("_cold", cold), ("", warm)):
        figures[f"dynamodb_calls{suffix}.{name}"] = len(seen.of("dynamodb"))
        figures[f"dynamodb_ops{suffix}.{name}"] = _ops(seen.of("dynamodb"), qualified=False)
        figures[f"aws_calls{suffix}.{name}"] = len(seen.calls)
        figures[f"aws_ops{suffix}.{name}"] = _ops(seen.calls, qualified=True)
        figures[f"read_units{suffix}.{name}"] = seen.units.read
        figures[f"write_units{suffix}.{name}"] = seen.units.write
    figures[f"dynamodb_detail.{name}"] = [_detail(c) for c in warm.of("dynamodb")]
    figures[f"warm_ms.{name}"] = round(warm.ms, 1)
    usd = cost.usd_per_million(warm.units, warm.ms, cost.memory_mb())
    figures[f"usd_per_million.{name}"] = float(cost.rounded(usd["total"]))
    figures[f"usd_per_million_dynamodb.{name}"] = float(cost.rounded(usd["dynamodb"]))
    if sample.floor is not None:
        figures[f"floor.{name}"] = sample.floor
        figures[f"floor_why.{name}"] = sample.why
    return figures


def _measure_route(client: Any, spec: RouteSpec, key_dir: Path) -> Figures:
    name = f"{spec.method} {spec.path}"
    given = all_samples().get((spec.method, spec.path))
    if given is None:
        return {f"dynamodb_calls.{name}": NOT_MEASURED}
    try:
        sample = _resolved(spec, given)
        cold = _call(client, spec, sample, key_dir, cold=True)
        warm = _call(client, spec, sample, key_dir, cold=False)
    except Exception as error:  # one broken route must not hide the figures of the others
        return {f"dynamodb_calls.{name}": f"failed: {type(error).__name__}: {error}"}
    return _figures(name, cold, warm, sample)


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


OVER_FLOOR = 1.25  # a route making more DynamoDB calls than this times its floor is listed


def _route_lines(figures: dict[str, object], name: str) -> list[str]:
    outcome = figures[f"dynamodb_calls.{name}"]
    if outcome == NOT_MEASURED:
        return [f"{name:<32}{NOT_MEASURED} (add a sample to bench/routes.py)"]
    if isinstance(outcome, str):
        return [f"{name:<32}{outcome}"]

    def dynamodb(suffix: str) -> str:
        ops = figures[f"dynamodb_ops{suffix}.{name}"]
        calls = f"{figures[f'dynamodb_calls{suffix}.{name}']}" + (f" ({ops})" if ops else "")
        read, write = figures[f"read_units{suffix}.{name}"], figures[f"write_units{suffix}.{name}"]
        return calls + (f" {read:g} RRU + {write:g} WRU" if ops else "")

    def others(suffix: str) -> str:
        ops = str(figures[f"aws_ops{suffix}.{name}"]).split(", ")
        return ", ".join(op for op in ops if op and not op.startswith("dynamodb.")) or "none"

    line = f"{name:<32}[{figures[f'status.{name}']}] dynamodb calls: cold {dynamodb('_cold')}"
    line += f"; warm {dynamodb('')}"
    if (others("_cold"), others("")) != ("none", "none"):
        line += f"; other AWS: cold {others('_cold')}, warm {others('')}"
    floor = figures.get(f"floor.{name}")
    second = (
        f"{'':<32}USD {figures[f'usd_per_million.{name}']:g} per million "
        f"(DynamoDB {figures[f'usd_per_million_dynamodb.{name}']:g}, "
        f"{figures[f'warm_ms.{name}']:.0f} ms); floor "
        + (f"{floor}: {figures[f'floor_why.{name}']}" if floor is not None else "not written")
    )
    if int(str(figures[f"status.{name}"])) >= 400:
        second += " (a refusal was measured: problem.* in results.json says which)"
    return [line, second]


def over_floor(figures: dict[str, object]) -> list[str]:
    """The routes whose warm DynamoDB calls exceed OVER_FLOOR times their floor."""
    prefix = "floor."
    over = []
    for key in figures:
        if not key.startswith(prefix):
            continue
        name = key[len(prefix) :]
        floor, calls = int(str(figures[key])), figures[f"dynamodb_calls.{name}"]
        if isinstance(calls, int) and calls > floor * OVER_FLOOR:
            over.append(name)
    return over


def report(figures: dict[str, object]) -> list[str]:
    prefix = "dynamodb_calls."
    names = [key[len(prefix) :] for key in figures if key.startswith(prefix)]
    lines = [
        f"{'':<32}USD per million requests: DynamoDB on-demand units, Lambda at "
        f"{cost.memory_mb()} MB (prod) for the warm call's in-process time, API Gateway REST;",
        f"{'':<32}list prices of eu-west-3 to be checked (bench/cost.py). Units are estimated "
        "from the items sent and read (moto's own figures are flat).",
    ]
    for name in names:
        lines.extend(_route_lines(figures, name))
    over = over_floor(figures)
    lines.append("")
    lines.append(f"more than {OVER_FLOOR:.0%} of their floor (warm DynamoDB calls): {len(over)}")
    samples = _samples_by_name()
    for name in over:
        reason = samples[name].over if name in samples else ""
        lines.append(
            f"  {name}: {figures[f'dynamodb_calls.{name}']} calls, floor "
            f"{figures[f'floor.{name}']}: {reason or 'reason not written'}"
        )
    return lines


def _samples_by_name() -> dict[str, Sample]:
    try:
        return {f"{m} {p}": s for (m, p), s in all_samples().items()}
    except Exception:  # the report must print even where the samples do not import
        return {}
