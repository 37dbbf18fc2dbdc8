"""``chalice local``, answering an unknown path as the deployed API does.

API Gateway answers a path no route matches itself; in the cloud its gateway responses
(infra/gateway.json) make that a 404 problem. chalice local imitates API Gateway's default
(403 "Missing Authentication Token"), so this launcher gives it the same gateway response.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from chalice import local
from chalice.cli import main

from scripts import local_console
from scripts.gateway_responses import responses


def _unknown_path_response() -> dict[str, Any]:
    body = responses()["MISSING_AUTHENTICATION_TOKEN"]
    headers = {
        name.rsplit(".", 1)[-1]: value.strip("'")
        for name, value in body["responseParameters"].items()
    }
    return {
        "statusCode": int(body["statusCode"]),
        "headers": headers,
        "multiValueHeaders": {},
        "body": body["responseTemplates"]["application/json"],
    }


_original = local.LocalGateway.handle_request


def handle_request(self: Any, method: str, path: str, headers: Any, body: Any) -> Any:
    try:
        return _original(self, method, path, headers, body)
    except local.ForbiddenError as error:
        if b"Missing Authentication Token" not in (error.body or b""):
            raise
        return _unknown_path_response()


local.LocalGateway.handle_request = handle_request  # type: ignore[method-assign]


def _console(log: Path) -> None:
    """Under make run: the app's JSON lines to ``log``, one short line per request here."""
    terminal = local_console.to_file(log)
    handler = local.ChaliceRequestHandler
    original = handler._generic_handle

    def timed(self: Any) -> None:
        self.khidmat_started = time.perf_counter()
        original(self)

    def log_request(self: Any, code: Any = "-", size: Any = "-") -> None:
        ms = (time.perf_counter() - getattr(self, "khidmat_started", time.perf_counter())) * 1000
        line = local_console.request_line(self.command, self.path, int(code), ms)
        print(line, file=terminal, flush=True)

    def log_message(self: Any, format: str, *args: Any) -> None:  # errors: to the file
        print(format % args, flush=True)

    handler._generic_handle = timed  # type: ignore[method-assign]
    for method in ("GET", "PUT", "POST", "HEAD", "DELETE", "PATCH", "OPTIONS"):
        setattr(handler, f"do_{method}", timed)
    handler.log_request = log_request  # type: ignore[method-assign]
    handler.log_message = log_message  # type: ignore[method-assign]


if __name__ == "__main__":
    from scripts.standins.payment_gateway import wire_in_process

    if os.environ.get(local_console.LOG_ENV):
        _console(Path(os.environ[local_console.LOG_ENV]))

    wire_in_process()  # the local stage's payment gateway, in this process (not packaged)
    sys.exit(main())
