"""Cold start: a fresh ``import app`` loads none of the heavy modules, pydantic first.

Routes name their models as strings ("module:Class", resolved on the first call) and import
schemas inside their views, so the models, and pydantic with them, wait for a request that
needs them. A failure names the import chain that pulled the module in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.coldstart import HEAVY

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: records, for each heavy module, the project files on the
# stack when it was first imported.
PROBE = """
import importlib.abc, json, sys, traceback
HEAVY = {heavy!r}
ROOT = {root!r}
chains = {{}}

class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name in HEAVY and name not in sys.modules and name not in chains:
            chains[name] = [
                f"{{f.filename.removeprefix(ROOT + '/')}}:{{f.lineno}}"
                for f in traceback.extract_stack()
                if f.filename.startswith(ROOT) and "/.venv/" not in f.filename
            ]
        return None

sys.meta_path.insert(0, Watch())
import app
print(json.dumps({{m: chains.get(m, []) for m in HEAVY if m in sys.modules}}))
"""


def _loaded_by_import_app() -> dict[str, list[str]]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPROFILEIMPORTTIME"}
    env["KHIDMAT_STAGE"] = "local"  # a function always starts with its stage
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY, root=str(ROOT))],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    loaded: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_import_app_leaves_pydantic_and_the_other_heavy_modules_out() -> None:
    loaded = _loaded_by_import_app()
    assert "pydantic" in HEAVY
    report = "\n".join(f"{m}, imported by:\n    " + "\n    ".join(c) for m, c in loaded.items())
    assert not loaded, (
        "`import app` loads modules that must wait for first use (name route models as "
        "'module:Class' strings, import schemas inside views or under TYPE_CHECKING, "
        "defer heavy imports into the functions that need them):\n" + report
    )
