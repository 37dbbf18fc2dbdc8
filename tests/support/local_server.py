"""The real app served over HTTP by Chalice's local server, in a thread of the test process.

The thread shares the process with in-process moto (``mock_aws`` patches botocore for every
thread), so requests reach the same mocked AWS as the rest of the test session. The port is
chosen by the OS (bind to port 0): no race with other pytest-xdist workers.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from chalice.cli.factory import CLIFactory
from chalice.local import ChaliceRequestHandler, LocalChalice, LocalDevServer

ROOT = Path(__file__).resolve().parents[2]


class _QuietHandler(ChaliceRequestHandler):  # type: ignore[misc]
    """No access-log line on stderr per request."""

    def log_message(self, format: str, *args: Any) -> None:
        return None


@contextmanager
def _environment(variables: dict[str, str]) -> Iterator[None]:
    """The stage's environment variables, as ``chalice local`` sets them; restored after."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def _thread_local_requests(app: Any) -> Iterator[None]:
    """What ``chalice.local.create_local_server`` does to the app, undone afterwards.

    The threaded server handles each connection in its own thread, so ``current_request`` must
    be thread-local (``LocalChalice``). Chalice swaps the app's class for good (and cannot do it
    twice in one process); here the swap lasts as long as the server.
    """
    original = app.__class__
    app.__class__ = type(f"Local{original.__name__}", (LocalChalice, original), {})
    try:
        yield
    finally:
        app.__class__ = original


@contextmanager
def serving(app: Any, stage: str = "local", project_dir: Path = ROOT) -> Iterator[str]:
    """Serve ``app`` with the given Chalice stage on 127.0.0.1; yields the base URL."""
    config = CLIFactory(str(project_dir)).create_config_obj(chalice_stage_name=stage)
    with _environment(dict(config.environment_variables)), _thread_local_requests(app):
        server = LocalDevServer(app, config, "127.0.0.1", 0, handler_cls=_QuietHandler)
        http = server.server
        http.daemon_threads = True
        thread = threading.Thread(
            target=http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        try:
            host, port = http.server_address[:2]
            yield f"http://{host}:{port}"
        finally:
            http.shutdown()
            http.server_close()
            thread.join(timeout=5)
