"""Cold start: the wall time of a fresh process running ``import app``, beside a floor.

The floor is what any Lambda on this stack pays before our code runs (chalice, boto3,
PynamoDB models), measured in the same run: absolute milliseconds depend on the machine,
the ratio app / floor is what our own import chain adds and what the goal is about.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 10
WARM_UPS = 2  # the first runs write .pyc files; they are not cold starts a Lambda sees
GOAL_RATIO = 1.25
APP = "import app"
FLOOR = "import chalice, boto3, pynamodb.models"
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
)

Figures = dict[str, float | int | str | list[str]]


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def _child_env() -> dict[str, str]:
    # An import-time profile or a bytecode ban left in the shell would distort every run.
    skip = {"PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE"}
    return {k: v for k, v in os.environ.items() if k not in skip}


def _run(code: str) -> str:
    done = subprocess.run(
        [_python(), "-c", code],
        cwd=ROOT,
        env=_child_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"`python -c {code!r}` failed:\n{done.stderr[-2000:]}")
    return done.stdout


def _wall_ms(code: str) -> float:
    started = time.perf_counter()
    _run(code)
    return (time.perf_counter() - started) * 1000


def heavy_modules() -> list[str]:
    """Which of HEAVY a fresh ``import app`` has loaded."""
    probe = f"import json, sys, app; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    return [str(m) for m in json.loads(_run(probe))]


def measure(runs: int = RUNS) -> Figures:
    for _ in range(WARM_UPS):
        _wall_ms(APP)
        _wall_ms(FLOOR)
    app_ms: list[float] = []
    floor_ms: list[float] = []
    for n in range(runs):
        # Interleaved, and the order flips each round, so a noisy moment or a warm page
        # cache favours neither kind of run.
        first, second = (APP, FLOOR) if n % 2 == 0 else (FLOOR, APP)
        timings = {first: _wall_ms(first), second: _wall_ms(second)}
        app_ms.append(timings[APP])
        floor_ms.append(timings[FLOOR])
    app, floor = statistics.median(app_ms), statistics.median(floor_ms)
    ratio = app / floor
    return {
        "coldstart.app_ms": round(app, 1),
        "coldstart.floor_ms": round(floor, 1),
        "coldstart.ratio": round(ratio, 2),
        "coldstart.goal_ratio": GOAL_RATIO,
        "coldstart.goal": "met" if ratio <= GOAL_RATIO else "not met",
        "coldstart.runs": runs,
        "coldstart.heavy_modules": heavy_modules(),
    }


def report(figures: dict[str, object]) -> list[str]:
    heavy = figures["coldstart.heavy_modules"]
    names = ", ".join(str(m) for m in heavy) if isinstance(heavy, list) and heavy else "none"
    return [
        f"{'cold start':<32}app {figures['coldstart.app_ms']:.0f} ms   "
        f"floor {figures['coldstart.floor_ms']:.0f} ms   "
        f"ratio {figures['coldstart.ratio']:.2f} "
        f"(goal <= {figures['coldstart.goal_ratio']}: {figures['coldstart.goal']})",
        f"{'':<32}heavy modules loaded by `import app`: {names}",
    ]
