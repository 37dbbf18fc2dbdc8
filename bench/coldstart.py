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
# Shown beside it, not the goal's measure: the floor plus Powertools' Logger and Metrics,
# which DESIGN.md asks of every handler, so any Lambda of this stack pays them too.
FLOOR_POWERTOOLS = FLOOR + "; from aws_lambda_powertools import Logger, Metrics"
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
    kinds = (APP, FLOOR, FLOOR_POWERTOOLS)
    for _ in range(WARM_UPS):
        for code in kinds:
            _wall_ms(code)
    timings: dict[str, list[float]] = {code: [] for code in kinds}
    for n in range(runs):
        # Interleaved, and the order turns each round, so a noisy moment or a warm page
        # cache favours no kind of run.
        for code in kinds[n % 3 :] + kinds[: n % 3]:
            timings[code].append(_wall_ms(code))
    app, floor = statistics.median(timings[APP]), statistics.median(timings[FLOOR])
    powertools = statistics.median(timings[FLOOR_POWERTOOLS])
    ratio = app / floor
    return {
        "coldstart.app_ms": round(app, 1),
        "coldstart.floor_ms": round(floor, 1),
        "coldstart.ratio": round(ratio, 2),
        "coldstart.floor_powertools_ms": round(powertools, 1),
        "coldstart.ratio_powertools": round(app / powertools, 2),
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
        f"{'':<32}beside the floor with Powertools Logger/Metrics "
        f"({figures['coldstart.floor_powertools_ms']:.0f} ms): "
        f"ratio {figures['coldstart.ratio_powertools']:.2f}",
        f"{'':<32}heavy modules loaded by `import app`: {names}",
    ]
