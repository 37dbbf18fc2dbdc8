"""``make run``: moto server, the stack deployed into it, demo data, then ``chalice local``.

Ctrl-C stops everything it started. Ports: API on PORT (8000), moto on MOTO_PORT (5010).
The terminal shows short lines for a person; the app's JSON log lines go to
``.local/app.log`` (``scripts/local_console.py``).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parent.parent


def _start_moto(port: int) -> Any:
    from moto.server import ThreadedMotoServer

    from infra import moto_atomic
    from scripts.local_console import quiet_closed_gaps

    moto_atomic.install()
    os.environ["MOTO_PORT"] = str(port)  # lets moto's Step Functions call its own SQS
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per AWS call
    quiet_closed_gaps()
    warnings.filterwarnings("ignore", category=UserWarning, module="moto")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    config = json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/moto-api/config",
        data=config,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 (a fixed local URL)
    return server


def _wait_until_serving(api: subprocess.Popen[bytes], port: int, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and api.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.2)
    return False


def _banner(port: int, log: Path) -> str:
    url = f"http://127.0.0.1:{port}"
    return (
        f"\nKhidmat API on {url}  (docs: {url}/docs)\n"
        f"  a token:  TOKEN=$(make -s token ROLE=citizen)\n"
        f'  then:     curl -H "Authorization: Bearer $TOKEN" {url}/health\n'
        f"  app logs: {log.relative_to(ROOT)} (JSON: requests, document checks, notifications,"
        f" metrics)\n"
        f"  Ctrl-C stops the API and moto. One line per request below.\n"
    )


def _start_event_pump(env: dict[str, str], say: TextIO) -> threading.Event:
    """Deliver the stream and queue events to the app's handlers, as AWS would."""
    import app as app_module
    from scripts.local_events import Pump

    stop = threading.Event()
    pump = Pump(app_module, env)
    threading.Thread(target=pump.run_forever, args=(stop,), daemon=True).start()
    print("events: stream and queues pumped to the app's handlers every second", file=say)
    return stop


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    moto_port = int(os.environ.get("MOTO_PORT", "5010"))
    from scripts.local_console import LOG_ENV, LOG_FILE, to_file
    from scripts.local_stack import FAKE_CREDENTIALS, provision
    from scripts.seed import seed

    say = to_file(LOG_FILE, fresh=True)  # print(..., file=say) for the person at the terminal
    os.environ.update(FAKE_CREDENTIALS)
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{moto_port}"
    print(f"moto: starting on 127.0.0.1:{moto_port}", file=say, flush=True)
    server = _start_moto(moto_port)
    try:
        env = provision("local", port=port)
        print("stack: infra/template.yaml deployed into moto (stack khidmat-local)", file=say)
        os.environ.update(env)  # the seed writes through the app's own store code
        for item in seed(env):
            print(f"seed: {item}", file=say, flush=True)
        stop_pump = _start_event_pump(env, say)
        child_env = {**os.environ, LOG_ENV: str(LOG_FILE)}
        api = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scripts.chalice_local",  # chalice local, with the cloud's 404 for unknown paths
                "local",
                "--no-autoreload",
                "--stage",
                "local",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=child_env,
            stdout=say,
        )
        signal.signal(signal.SIGTERM, lambda *_: api.terminate())
        if _wait_until_serving(api, port):
            print(_banner(port, LOG_FILE), file=say, flush=True)
        try:
            return api.wait()
        except KeyboardInterrupt:
            api.terminate()
            api.wait(timeout=10)
            return 0
    finally:
        if "stop_pump" in locals():
            stop_pump.set()
        server.stop()
        print("stopped: API and moto", file=say, flush=True)


if __name__ == "__main__":
    sys.exit(main())
