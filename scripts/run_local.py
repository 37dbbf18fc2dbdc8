"""``make run``: moto server, the stack deployed into it, demo data, then ``chalice local``.

Ctrl-C stops everything it started. Ports: API on PORT (8000), moto on MOTO_PORT (5010).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import urllib.request
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _start_moto(port: int) -> Any:
    from moto.server import ThreadedMotoServer

    from infra import moto_atomic

    moto_atomic.install()
    os.environ["MOTO_PORT"] = str(port)  # lets moto's Step Functions call its own SQS
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per AWS call
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


def _start_event_pump(env: dict[str, str]) -> threading.Event:
    """Deliver the stream and queue events to the app's handlers, as AWS would."""
    import app as app_module
    from scripts.local_events import Pump

    stop = threading.Event()
    pump = Pump(app_module, env)
    threading.Thread(target=pump.run_forever, args=(stop,), daemon=True).start()
    print("events: stream and queues pumped to the app's handlers every second", flush=True)
    return stop


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    moto_port = int(os.environ.get("MOTO_PORT", "5010"))
    from scripts.local_stack import FAKE_CREDENTIALS, provision
    from scripts.seed import seed

    os.environ.update(FAKE_CREDENTIALS)
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{moto_port}"
    print(f"moto: starting on 127.0.0.1:{moto_port}", flush=True)
    server = _start_moto(moto_port)
    try:
        env = provision("local", port=port)
        print("stack: infra/template.yaml deployed into moto (stack khidmat-local)", flush=True)
        os.environ.update(env)  # the seed writes through the app's own store code
        for item in seed(env):
            print(f"seed: {item}", flush=True)
        stop_pump = _start_event_pump(env)
        child_env = dict(os.environ)
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
        )
        print(
            f"\nKhidmat API on http://127.0.0.1:{port}  (docs: http://127.0.0.1:{port}/docs)\n"
            f"  a token:  TOKEN=$(make -s token ROLE=citizen)\n"
            f'  then:     curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:{port}/health\n'
            f"  Ctrl-C stops the API and moto.\n",
            flush=True,
        )
        signal.signal(signal.SIGTERM, lambda *_: api.terminate())
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
        print("stopped: API and moto", flush=True)


if __name__ == "__main__":
    sys.exit(main())
