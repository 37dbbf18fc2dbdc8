"""A real browser for the tests of HTML pages: headless Chromium, DOM dumped to stdout.

``page_text(url)`` is what a citizen's browser builds from a page (parsed, with its
character set, direction and escaping applied), not the bytes the server sent.
Tests that use it carry ``@needs_chromium``: they are skipped on a developer machine
without Chromium, but never in CI (``CI=true``), where ``.ci/run`` installs it and a
missing browser must fail the run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_SECONDS = 60
# No sandbox (containers, root), no GPU, and nothing of the browser's own traffic:
# no QUIC, updates, sync or background fetches, a fresh profile each time.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


needs_chromium = pytest.mark.skipif(
    not chromium_available() and not in_ci(),
    reason=f"{CHROMIUM} is not installed (apt-get install -y chromium); CI=true runs it",
)


def page_text(url: str) -> str:
    """The DOM of ``url`` as headless Chromium serialises it after loading the page."""
    if not chromium_available():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium")
    profile = tempfile.mkdtemp(prefix="khidmat-chromium-")
    try:
        done = subprocess.run(
            [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if done.returncode != 0:
        stderr = done.stderr.decode(errors="replace")[-2000:]
        raise RuntimeError(f"chromium exited with {done.returncode} for {url}:\n{stderr}")
    return done.stdout.decode("utf-8")
