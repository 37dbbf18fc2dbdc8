"""The cold start a citizen feels: a fresh process that imports the app and serves one
request of a kind (a case read, a booking, a results read, a search), as Lambda does on a
cold container: the API Gateway event handed to ``app``, its DynamoDB and other AWS calls
made over HTTP to a moto server. Timed from the process's start to its end, like the import
floor of bench/coldstart.py, which it is printed beside.

Nothing of this runs in the bench's own process: a host process starts the moto server,
deploys the stack, seeds it and prepares each request (fresh objects where the request
changes them: each booking books its own request); the cold processes then each serve one.
So the bench's process keeps no client or connection pointing at a server that is gone.
"""

from __future__ import annotations

import json
import os
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
    for _ in range(RUNS):
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
        "case read": [read] * RUNS,
        "booking": bookings,
        "results read": [results] * RUNS,
        "search": [search] * RUNS,
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


def _cold_request(event: dict[str, Any], env: dict[str, str]) -> tuple[float, int, float]:
    """The process's wall time, the answer's status, and the time after ``import app``
    (the request itself: what it imports on first use and its AWS calls)."""
    started = time.perf_counter()
    done = subprocess.run(
        [_python(), "-c", CHILD, json.dumps(event)],
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
    return elapsed, int(code), float(after_import)


def _cold_floor(code: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([_python(), "-c", code], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - started) * 1000


def measure(floor_code: str) -> Figures:
    """Median wall time of each kind's first request on a cold process, beside the import
    floor (``floor_code``) run in the same rounds, so that a busy moment weighs on both."""
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
            requests: dict[str, list[float]] = {kind: [] for kind in KINDS}
            for n in range(RUNS):
                floors.append(_cold_floor(floor_code, env))
                for kind in KINDS[n % len(KINDS) :] + KINDS[: n % len(KINDS)]:
                    elapsed, status, after = _cold_request(prepared["events"][kind][n], env)
                    timings[kind].append(elapsed)
                    requests[kind].append(after)
                    statuses[kind].add(status)
        finally:
            if hosting.stdin is not None:
                hosting.stdin.close()
            try:
                hosting.wait(timeout=30)
            except subprocess.TimeoutExpired:
                hosting.kill()
            log.close()
    floor_ms = statistics.median(floors)
    figures: Figures = {"first_request.runs": RUNS, "first_request.floor_ms": round(floor_ms, 1)}
    for kind in KINDS:
        key = kind.replace(" ", "_")
        median = statistics.median(timings[kind])
        figures[f"first_request.{key}_ms"] = round(median, 1)
        figures[f"first_request.{key}_ratio"] = round(median / floor_ms, 2)
        figures[f"first_request.{key}_after_import_ms"] = round(
            statistics.median(requests[kind]), 1
        )
        figures[f"first_request.{key}_status"] = ",".join(str(s) for s in sorted(statuses[kind]))
    figures["first_request.instructions"] = perf_instructions()
    return figures


def perf_instructions() -> str:
    """Whether ``perf`` can count CPU instructions here (a VM often exposes no counter)."""
    import shutil

    if shutil.which("perf") is None:
        return "not available (no perf)"
    done = subprocess.run(
        ["perf", "stat", "-x,", "-e", "instructions:u", "true"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or "<not supported>" in done.stderr or "<not counted>" in done.stderr:
        return "not available (perf_event_open: no hardware instruction counter on this machine)"
    return "available"


def report(figures: dict[str, object]) -> list[str]:
    floor = figures["first_request.floor_ms"]
    lines = [
        f"{'':<32}first request on a cold process (median of {figures['first_request.runs']}, "
        f"wall time from process start; the import floor in the same rounds {floor} ms;"
        " AWS calls go to a local moto server):"
    ]
    for kind in KINDS:
        key = kind.replace(" ", "_")
        lines.append(
            f"{'':<34}{kind:<14}{figures[f'first_request.{key}_ms']:>7.0f} ms  "
            f"ratio {figures[f'first_request.{key}_ratio']:.2f}  "
            f"(after `import app`: {figures[f'first_request.{key}_after_import_ms']:.0f} ms)  "
            f"[{figures[f'first_request.{key}_status']}]"
        )
    lines.append(f"{'':<34}CPU instructions of these: {figures['first_request.instructions']}")
    return lines
