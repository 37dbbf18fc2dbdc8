"""``make run`` seeds its demo data in a process that has not imported the app yet
(``scripts/run_local.py``): the seed must assemble what it needs itself. A refactor once
broke it there while every test passed, since the tests' process had imported the app
first. Here the seed runs in a fresh interpreter, against moto, as ``make run`` does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FRESH = """
import os, sys
from pathlib import Path
from moto import mock_aws
from infra import moto_atomic
from scripts.local_stack import FAKE_CREDENTIALS, provision
from scripts.seed import seed

assert "app" not in sys.modules and "chalicelib.services" not in sys.modules
moto_atomic.install()
os.environ.update(FAKE_CREDENTIALS)
with mock_aws():
    env = provision("local", Path(sys.argv[1]))
    os.environ.update(env)
    for line in seed(env):
        print("seed:", line)
"""


def test_the_demo_seed_runs_in_a_fresh_process(tmp_path: Path) -> None:
    skip = {"AWS_ENDPOINT_URL", "PYTHONPROFILEIMPORTTIME"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    done = subprocess.run(
        [sys.executable, "-c", FRESH, str(tmp_path)],
        cwd=ROOT,
        env={**env, "KHIDMAT_STAGE": "local"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seeded = [line for line in done.stdout.splitlines() if line.startswith("seed: ")]
    assert "seed: demo marker (reference table)" in seeded
    assert len(seeded) > 5, seeded  # each service's demo data says what it wrote
