"""Cold start: the wall time of a fresh process running ``import app``, beside a floor.

The floor is what any Lambda on this stack pays before our code runs (chalice, boto3,
PynamoDB models), measured in the same run: absolute milliseconds depend on the machine,
the ratio app / floor is what our own import chain adds and what the goal is about.

``import app`` loads neither the case engine nor the AWS clients: routes import them on
first call. So the figure a citizen feels on a cold container is shown beside it too: a
process that imports the app and then what ``GET /cases/{id}`` loads (the engine and its
store). Wall time on a shared VM drifts by 10 to 20 % between runs; when valgrind is
installed, the same three imports are also counted in CPU instructions, which repeat to
a few parts in a thousand whatever else the machine is doing.

The imports are not the whole of it: bench/first_requests.py serves one request of each
kind a citizen makes (a case read, a booking, a results read, a search) on a cold process,
its AWS calls over HTTP to a moto server, and prints each beside the import floor and the
stack's floor, in wall time and CPU instructions (decision 76).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import first_requests

ROOT = Path(__file__).resolve().parent.parent
RUNS = 10
WARM_UPS = 2  # the first runs write .pyc files; they are not cold starts a Lambda sees
GOAL_RATIO = 1.25
APP = "import app"
FLOOR = "import chalice, boto3, pynamodb.models"
# Shown beside it, not the goal's measure: the floor plus Powertools' Logger and Metrics,
# which DESIGN.md asks of every handler, so any Lambda of this stack pays them too.
FLOOR_POWERTOOLS = FLOOR + "; from aws_lambda_powertools import Logger, Metrics"
# What the first request that reads a case imports on top of the app (api/routes/cases.py).
FIRST_CASE_READ = (
    APP + "; from chalicelib.workflow import access, lifecycle, registry"
    "; from chalicelib.api.routes import case_views"
    "; from chalicelib.store import cases"
)
# Modules that cost tens of milliseconds and that most requests never need: each one present
# after `import app` is a candidate to import on first use instead.
HEAVY = (
    "aws_xray_sdk",
    "jwt",
    "cryptography",
    "fpdf",
    "PIL",
    "aws_lambda_powertools.utilities.idempotency",
    "pydantic",
    "pynamodb",
    "boto3",
)

Figures = dict[str, float | int | str | list[str]]


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def _child_env() -> dict[str, str]:
    # An import-time profile or a bytecode ban left in the shell would distort every run.
    skip = {"PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE"}
    # A function always starts with its stage (the app refuses to start without one).
    return {**{k: v for k, v in os.environ.items() if k not in skip}, "KHIDMAT_STAGE": "local"}


def _run(code: str, under: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter running ``code`` (``under`` a tool such as valgrind)."""
    done = subprocess.run(
        [*under, _python(), "-c", code],
        cwd=ROOT,
        env=_child_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"`python -c {code!r}` failed:\n{done.stderr[-2000:]}")
    return done


def _wall_ms(code: str) -> float:
    started = time.perf_counter()
    _run(code)
    return (time.perf_counter() - started) * 1000


def heavy_modules() -> list[str]:
    """Which of HEAVY a fresh ``import app`` has loaded."""
    probe = f"import json, sys, app; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    return [str(m) for m in json.loads(_run(probe).stdout)]


def instructions(code: str) -> int | None:
    """CPU instructions of a fresh process running ``code``, counted by callgrind; None
    without valgrind. The count includes the interpreter's own start, as the wall time does."""
    if shutil.which("valgrind") is None:
        return None
    _run(code)  # writes any stale .pyc first: compiling a module is not a cold start's cost
    return first_requests.collected(_run(code, under=first_requests.CALLGRIND).stderr)


def instruction_figures() -> Figures:
    counts = {code: instructions(code) for code in (FLOOR, APP, FIRST_CASE_READ)}
    floor = counts[FLOOR]
    if floor is None:
        return {"coldstart.instructions": "valgrind not installed"}
    app, first = counts[APP] or 0, counts[FIRST_CASE_READ] or 0
    return {
        "coldstart.floor_instructions": floor,
        "coldstart.app_instructions": app,
        "coldstart.first_case_read_instructions": first,
        "coldstart.ratio_instructions": round(app / floor, 2),
        "coldstart.first_case_read_ratio_instructions": round(first / floor, 2),
    }


def measure(runs: int = RUNS) -> Figures:
    kinds = (APP, FLOOR, FLOOR_POWERTOOLS, FIRST_CASE_READ)
    for _ in range(WARM_UPS):
        for code in kinds:
            _wall_ms(code)
    timings: dict[str, list[float]] = {code: [] for code in kinds}
    for n in range(runs):
        # Interleaved, and the order turns each round, so a noisy moment or a warm page
        # cache favours no kind of run.
        for code in kinds[n % len(kinds) :] + kinds[: n % len(kinds)]:
            timings[code].append(_wall_ms(code))
    app, floor = statistics.median(timings[APP]), statistics.median(timings[FLOOR])
    powertools = statistics.median(timings[FLOOR_POWERTOOLS])
    first = statistics.median(timings[FIRST_CASE_READ])
    ratio = app / floor
    return {
        "coldstart.app_ms": round(app, 1),
        "coldstart.floor_ms": round(floor, 1),
        "coldstart.ratio": round(ratio, 2),
        "coldstart.floor_powertools_ms": round(powertools, 1),
        "coldstart.ratio_powertools": round(app / powertools, 2),
        "coldstart.first_case_read_ms": round(first, 1),
        "coldstart.first_case_read_ratio": round(first / floor, 2),
        "coldstart.goal_ratio": GOAL_RATIO,
        "coldstart.goal": "met" if ratio <= GOAL_RATIO else "not met",
        "coldstart.runs": runs,
        "coldstart.heavy_modules": heavy_modules(),
        **instruction_figures(),
        # What a citizen feels: a cold process serving one real request of each kind.
        **first_requests.measure(FLOOR),
    }


def report(figures: dict[str, object]) -> list[str]:
    heavy = figures["coldstart.heavy_modules"]
    names = ", ".join(str(m) for m in heavy) if isinstance(heavy, list) and heavy else "none"
    return [
        f"{'cold start':<32}app {figures['coldstart.app_ms']:.0f} ms   "
        f"floor {figures['coldstart.floor_ms']:.0f} ms   "
        f"ratio {figures['coldstart.ratio']:.2f} "
        f"(goal <= {figures['coldstart.goal_ratio']}: {figures['coldstart.goal']})",
        f"{'':<32}beside the floor with Powertools Logger/Metrics "
        f"({figures['coldstart.floor_powertools_ms']:.0f} ms): "
        f"ratio {figures['coldstart.ratio_powertools']:.2f}",
        f"{'':<32}first case read (app + case engine + store): "
        f"{figures['coldstart.first_case_read_ms']:.0f} ms, "
        f"ratio {figures['coldstart.first_case_read_ratio']:.2f}",
        f"{'':<32}heavy modules loaded by `import app`: {names}",
        *_instruction_lines(figures),
        *first_requests.report(figures),
    ]


def _instruction_lines(figures: dict[str, object]) -> list[str]:
    if "coldstart.floor_instructions" not in figures:
        return [f"{'':<32}instructions: {figures.get('coldstart.instructions')}"]

    def millions(kind: str) -> str:
        return f"{int(str(figures[f'coldstart.{kind}_instructions'])) / 1e6:.0f} M"

    return [
        f"{'':<32}CPU instructions (callgrind): floor {millions('floor')}   "
        f"app {millions('app')} (ratio {figures['coldstart.ratio_instructions']:.2f})   "
        f"first case read {millions('first_case_read')} "
        f"(ratio {figures['coldstart.first_case_read_ratio_instructions']:.2f})",
    ]
