"""The cold start a citizen feels: a fresh process that imports the app and serves one
request of a kind (a case read, a booking, a results read, a search), as Lambda does on a
cold container: the API Gateway event handed to ``app``, its DynamoDB and other AWS calls
made over HTTP to a moto server. Timed from the process's start to its end, like the import
floor of bench/coldstart.py, which it is printed beside.

Nothing of this runs in the bench's own process: a host process starts the moto server,
deploys the stack, seeds it and prepares each request (fresh objects where the request
changes them: each booking books its own request); the cold processes then each serve one.
So the bench's process keeps no client or connection pointing at a server that is gone.

Beside the import floor, a second floor: the stack's (``STACK_FLOOR``), a cold process that
imports what DESIGN.md puts in every handler (Chalice, boto3, PynamoDB, Powertools' Logger and
Metrics, pydantic with one model) and reads one item from DynamoDB: what any request of any
app on this stack costs before its own code. When valgrind is installed, each kind's first
request is also counted in CPU instructions (callgrind: the same count whatever else the
machine is doing, the moto server's work in its own process not counted), and the case read
once more without bytecode, as a package that carries none runs it on Lambda (decision 76).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
KINDS = ("case read", "booking", "results read", "search")
GOAL_RATIO = 1.25  # of the import floor, for each kind (the goal)
SKIP_ENV = {"PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE", "AWS_ENDPOINT_URL"}

# One request in a cold process: what the Lambda runtime does, minus the runtime itself.
CHILD = """
import json, sys, time
event = json.loads(sys.argv[1])
from app import app
imported = time.perf_counter()

class Context:
    function_name = "khidmat-dev"
    memory_limit_in_mb = 1769
    invoked_function_arn = "arn:aws:lambda:eu-west-3:123456789012:function:khidmat-dev"
    aws_request_id = "bench-first-request"
    def get_remaining_time_in_millis(self):
        return 30000

status = app(event, Context())["statusCode"]
print("STATUS", status, round((time.perf_counter() - imported) * 1000, 1))
"""

# What any request on this stack costs before the app's own code: the libraries of every
# handler, one model, one GetItem (an item that does not exist: the call, not the data).
STACK_FLOOR = """
import os
import chalice, boto3, pynamodb.models
from aws_lambda_powertools import Logger, Metrics
from pydantic import BaseModel
from pynamodb.attributes import UnicodeAttribute

class Answer(BaseModel):
    id: str

class Item(pynamodb.models.Model):
    class Meta:
        table_name = os.environ["CASES_TABLE"]
        region = os.environ["AWS_REGION"]
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)

try:
    Item.get("STACK-FLOOR", "NONE")
except Item.DoesNotExist:
    pass
Answer(id="none").model_dump_json()
"""

Figures = dict[str, float | int | str | list[str]]


def event(
    method: str,
    template: str,
    values: dict[str, str],
    query: dict[str, str],
    headers: dict[str, str],
    body: Any = None,
) -> dict[str, Any]:
    """An API Gateway (REST, proxy) event, as Lambda hands it to the app."""
    path = template
    for name, value in values.items():
        path = path.replace(f"{{{name}}}", value)
    return {
        "resource": template,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} or None,
        "pathParameters": values or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": template,
            "httpMethod": method,
            "path": f"/api{path}",
            "stage": "api",
            "requestId": "bench-first-request",
            "identity": {"sourceIp": "192.0.2.10"},
        },
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
    }


def _headers(token: str = "", body: bool = False) -> dict[str, str]:
    headers = {"Accept-Language": "fr", "Host": "api.example.invalid"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body:
        headers["Content-Type"] = "application/json"
    return headers


def _prepare(key_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """RUNS events of each kind, the objects they name written first."""
    from bench import consular
    from scripts.devtokens import mint
    from tests.support.route_samples.equivalence import equivalence_file
    from tests.support.route_samples.matrix import OWNER_SUB

    owner = mint("citizen", sub=OWNER_SUB, acr="cnie", directory=key_dir)
    case = equivalence_file()
    read = event("GET", "/cases/{case_id}", case, {}, _headers(owner))
    bookings = []
    for _ in range(RUNS + 1):  # one more for the count of instructions
        values = consular._to_book()
        token = mint("citizen", sub=values.pop("sub"), acr="cnie", directory=key_dir)
        body = json.loads(values.pop("body"))
        template = "/consular/appointment-requests/{case_id}/booking"
        bookings.append(event("POST", template, values, {}, _headers(token, True), body))
    candidate = mint("citizen", acr="cnie", directory=key_dir)  # the demo candidate's CNIe
    results = event("GET", "/bac/me/results", {}, {}, _headers(candidate))
    query = {"q": "دكتوراه الطب", "country": "EG"}
    search = event("GET", "/equivalence/decisions", {}, query, _headers())
    return {
        "case read": [read] * (RUNS + 1),
        "booking": bookings,
        "results read": [results] * (RUNS + 1),
        "search": [search] * (RUNS + 1),
    }


def host(out: str, port: int) -> None:
    """Run in its own process: the moto server, the stack, the requests (written to
    ``out`` with the app's environment); then serve until stdin closes."""
    import logging
    import warnings

    from moto.server import ThreadedMotoServer

    from infra import moto_atomic
    from scripts.local_stack import FAKE_CREDENTIALS, provision
    from scripts.seed import seed

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("moto").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=UserWarning, module="moto")
    moto_atomic.install()
    os.environ.update(FAKE_CREDENTIALS)
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        with tempfile.TemporaryDirectory() as key_dir:
            env = provision("local", Path(key_dir))
            os.environ.update(env)
            seed(env)
            from chalicelib.observability import logger

            logger.setLevel("WARNING")
            events = _prepare(Path(key_dir))
            child_env = {
                **FAKE_CREDENTIALS,
                **env,
                "AWS_ENDPOINT_URL": os.environ["AWS_ENDPOINT_URL"],
            }
            child_env["POWERTOOLS_METRICS_DISABLED"] = "true"
            partial = Path(out + ".part")
            partial.write_text(json.dumps({"env": child_env, "events": events}))
            partial.rename(out)  # whole or absent
            sys.stdin.read()  # until the bench is done with the server
    finally:
        server.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def _cold_request(
    event: dict[str, Any], env: dict[str, str], under: tuple[str, ...] = ()
) -> tuple[float, int, float, str]:
    """The process's wall time, the answer's status, the time after ``import app`` (the
    request itself: what it imports on first use and its AWS calls), and its stderr."""
    started = time.perf_counter()
    done = subprocess.run(
        [*under, _python(), "-c", CHILD, json.dumps(event)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = (time.perf_counter() - started) * 1000
    status = [line for line in done.stdout.splitlines() if line.startswith("STATUS ")]
    if done.returncode != 0 or not status:
        raise RuntimeError(f"a cold request failed:\n{done.stderr[-2000:]}")
    _, code, after_import = status[-1].split()
    return elapsed, int(code), float(after_import), done.stderr


def _cold_code(code: str, env: dict[str, str], under: tuple[str, ...] = ()) -> tuple[float, str]:
    """The wall time of a fresh process running ``code``, and its stderr."""
    started = time.perf_counter()
    done = subprocess.run(
        [*under, _python(), "-c", code],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"`python -c {code!r}` failed:\n{done.stderr[-2000:]}")
    return (time.perf_counter() - started) * 1000, done.stderr


CALLGRIND = ("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null")


def collected(stderr: str) -> int:
    """The instruction count callgrind printed on ``stderr``."""
    found = re.search(r"Collected : (\d+)", stderr)
    if found is None:
        raise RuntimeError(f"callgrind gave no count:\n{stderr[-2000:]}")
    return int(found.group(1))


def _without_bytecode(env: dict[str, str], scratch: Path) -> dict[str, str]:
    """An environment where Python finds no bytecode and writes none: an empty cache
    elsewhere, as on Lambda with a package that carries none."""
    empty = scratch / "no-bytecode"
    empty.mkdir(exist_ok=True)
    return {**env, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(empty)}


def instruction_figures(
    floor_code: str, events: dict[str, list[dict[str, Any]]], env: dict[str, str], scratch: Path
) -> Figures:
    """One callgrind run of each: the two floors, each kind's first request (its last
    prepared event, which the timed runs left unused), and the case read without bytecode."""
    if shutil.which("valgrind") is None:
        return {"first_request.instructions": "valgrind not installed"}
    figures: Figures = {
        "first_request.floor_instructions": collected(_cold_code(floor_code, env, CALLGRIND)[1]),
        "first_request.stack_floor_instructions": collected(
            _cold_code(STACK_FLOOR, env, CALLGRIND)[1]
        ),
    }
    for kind in KINDS:
        *_, stderr = _cold_request(events[kind][RUNS], env, CALLGRIND)
        figures[f"first_request.{_key(kind)}_instructions"] = collected(stderr)
    bare = _without_bytecode(env, scratch)
    *_, stderr = _cold_request(events["case read"][RUNS], bare, CALLGRIND)
    figures["first_request.case_read_without_bytecode_instructions"] = collected(stderr)
    return figures


def _key(kind: str) -> str:
    return kind.replace(" ", "_")


def measure(floor_code: str) -> Figures:
    """Median wall time of each kind's first request on a cold process, beside the import
    floor (``floor_code``) and the stack floor run in the same rounds, so that a busy moment
    weighs on all; then their CPU instructions."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "requests.json"
        code = f"from bench.first_requests import host; host({str(out)!r}, {port})"
        base = {k: v for k, v in os.environ.items() if k not in SKIP_ENV}
        log = (Path(scratch) / "host.log").open("w")  # a file: a full pipe would stall it
        hosting = subprocess.Popen(
            [_python(), "-c", code],
            cwd=ROOT,
            env={**base, "KHIDMAT_STAGE": "local"},
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=log,
            text=True,
        )
        try:
            deadline = time.monotonic() + 300
            while not out.exists():
                if hosting.poll() is not None or time.monotonic() > deadline:
                    text = (Path(scratch) / "host.log").read_text()[-2000:]
                    raise RuntimeError(f"the host did not start:\n{text}")
                time.sleep(0.2)
            prepared = json.loads(out.read_text())
            env = {**base, **prepared["env"], "KHIDMAT_STAGE": "local"}
            timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
            statuses: dict[str, set[int]] = {kind: set() for kind in KINDS}
            floors: list[float] = []
            stack_floors: list[float] = []
            requests: dict[str, list[float]] = {kind: [] for kind in KINDS}
            for n in range(RUNS):
                floors.append(_cold_code(floor_code, env)[0])
                stack_floors.append(_cold_code(STACK_FLOOR, env)[0])
                for kind in KINDS[n % len(KINDS) :] + KINDS[: n % len(KINDS)]:
                    elapsed, status, after, _ = _cold_request(prepared["events"][kind][n], env)
                    timings[kind].append(elapsed)
                    requests[kind].append(after)
                    statuses[kind].add(status)
            counted = instruction_figures(floor_code, prepared["events"], env, Path(scratch))
        finally:
            if hosting.stdin is not None:
                hosting.stdin.close()
            try:
                hosting.wait(timeout=30)
            except subprocess.TimeoutExpired:
                hosting.kill()
            log.close()
    floor_ms, stack_ms = statistics.median(floors), statistics.median(stack_floors)
    figures: Figures = {
        "first_request.runs": RUNS,
        "first_request.floor_ms": round(floor_ms, 1),
        "first_request.stack_floor_ms": round(stack_ms, 1),
        "first_request.goal_ratio": GOAL_RATIO,
    }
    for kind in KINDS:
        median = statistics.median(timings[kind])
        figures[f"first_request.{_key(kind)}_ms"] = round(median, 1)
        figures[f"first_request.{_key(kind)}_ratio"] = round(median / floor_ms, 2)
        figures[f"first_request.{_key(kind)}_stack_ratio"] = round(median / stack_ms, 2)
        figures[f"first_request.{_key(kind)}_after_import_ms"] = round(
            statistics.median(requests[kind]), 1
        )
        figures[f"first_request.{_key(kind)}_status"] = ",".join(
            str(s) for s in sorted(statuses[kind])
        )
    return {**figures, **counted}


def report(figures: dict[str, object]) -> list[str]:
    floor, stack = figures["first_request.floor_ms"], figures["first_request.stack_floor_ms"]
    lines = [
        f"{'':<32}first request on a cold process (median of {figures['first_request.runs']}, "
        f"wall time from process start, AWS calls to a local moto server); in the same rounds "
        f"the import floor {floor} ms and the stack floor {stack} ms (the libraries of every "
        "handler, one pydantic model, one GetItem):"
    ]
    for kind in KINDS:
        key = _key(kind)
        lines.append(
            f"{'':<34}{kind:<14}{figures[f'first_request.{key}_ms']:>7.0f} ms  "
            f"import floor x{figures[f'first_request.{key}_ratio']:.2f}  "
            f"stack floor x{figures[f'first_request.{key}_stack_ratio']:.2f}  "
            f"(after `import app`: {figures[f'first_request.{key}_after_import_ms']:.0f} ms)  "
            f"[{figures[f'first_request.{key}_status']}]"
        )
    return lines + _instruction_lines(figures)


def _instruction_lines(figures: dict[str, object]) -> list[str]:
    if "first_request.floor_instructions" not in figures:
        return [f"{'':<34}CPU instructions: {figures.get('first_request.instructions')}"]

    def count(name: str) -> int:
        return int(str(figures[f"first_request.{name}_instructions"]))

    floor, stack = count("floor"), count("stack_floor")
    goal = float(str(figures["first_request.goal_ratio"]))
    lines = [
        f"{'':<32}CPU instructions (callgrind, one run each): import floor {floor / 1e6:,.0f} M, "
        f"stack floor {stack / 1e6:,.0f} M (x{stack / floor:.2f} the import floor)"
    ]
    for kind in KINDS:
        n = count(_key(kind))
        met = "met" if n <= goal * floor else "not met"
        lines.append(
            f"{'':<34}{kind:<14}{n / 1e6:>7,.0f} M  import floor x{n / floor:.2f} "
            f"(goal <= {goal}: {met})  stack floor x{n / stack:.2f}"
        )
    bare, case_read = count("case_read_without_bytecode"), count("case_read")
    lines.append(
        f"{'':<34}the case read without bytecode (a package that carries none, on Lambda): "
        f"{bare / 1e6:,.0f} M, x{bare / case_read:.1f} the same with it (make bytecode)"
    )
    return lines
