"""The Massar adapter: registers a pupil in Massar, the ministry's school information
system, and returns the pupil code Massar gives.

``MASSAR_ENDPOINT`` names Massar's API; every call carries an ``Idempotency-Key`` (the
request's case id), so a retried call registers nobody twice. Without an endpoint (``make
run``, tests: the local stage only) an in-process stand-in answers as Massar does; on any
other stage an empty endpoint raises ``MassarNotConfigured``: no pupil code is ever made up.
``serve`` puts the stand-in behind HTTP, to test the client or to point ``MASSAR_ENDPOINT``
at it.

What an answer means: a pupil code is a registration; a 4xx about the pupil is Massar's
refusal for good (``MassarRefused``: the request settles, nobody retries it). Everything else
is transient and retried (``MassarUnavailable``): 5xx, timeouts, unreachable, the throttles
(408, 425, 429), and the 4xx that refuse our client rather than the pupil (credentials,
endpoint, media type): settling every approved request because our token expired would tell
every guardian their child was refused; those go to the dead-letter queue for an operator.
"""

from __future__ import annotations

import hashlib
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from chalicelib.settings import get_settings

TIMEOUT_SECONDS = 10
THROTTLES = frozenset({408, 425, 429})  # try again later
# 4xx that refuse our client, not the pupil: a deployment to fix, then the export retried
NOT_ABOUT_THE_PUPIL = frozenset({401, 403, 404, 405, 406, 407, 415})
MAX_REASON = 500  # characters of Massar's reason kept on the case


class MassarUnavailable(Exception):
    """Massar did not acknowledge the pupil: the export is retried later."""


class MassarRefused(Exception):
    """Massar refused the pupil for good (``status``, Massar's ``reason``): never retried."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"Massar refused the pupil (HTTP {status})")
        self.status = status
        self.reason = reason


def refuses_for_good(status: int) -> bool:
    """Whether an HTTP status of Massar is a refusal of the pupil that no retry changes."""
    return 400 <= status < 500 and status not in THROTTLES | NOT_ABOUT_THE_PUPIL


def failure(status: int, reason: str = "") -> Exception:
    """The exception an HTTP failure ``status`` of Massar stands for."""
    if refuses_for_good(status):
        words = " ".join(reason.split())[:MAX_REASON]
        return MassarRefused(status, words or f"Massar refused the pupil (HTTP {status}).")
    return MassarUnavailable(f"HTTP {status}")


def _reason_in(body: bytes) -> str:
    """Massar's words in an error answer: a problem's detail or title, or the text."""
    text = body[: 4 * MAX_REASON].decode("utf-8", "replace")
    try:
        answer = json.loads(text)
    except ValueError:
        return text
    if isinstance(answer, dict):
        for key in ("detail", "message", "title", "error"):
            if isinstance(answer.get(key), str) and answer[key].strip():
                return str(answer[key])
    return ""


class MassarNotConfigured(RuntimeError):
    """A deployed stage without MASSAR_ENDPOINT: a deployment error, never a stand-in code."""


class Massar(Protocol):
    def register(self, pupil: Mapping[str, Any], key: str) -> str: ...


class HttpMassar:
    def __init__(
        self, endpoint: str, timeout: float = TIMEOUT_SECONDS, credentials: str = ""
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.timeout = timeout
        self.credentials = credentials  # a bearer token; empty only on the local stage

    def register(self, pupil: Mapping[str, Any], key: str) -> str:
        if not self.endpoint.startswith(("https://", "http://")):
            raise MassarUnavailable("MASSAR_ENDPOINT must be an http(s) URL")
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            f"{self.endpoint}/pupils",
            data=json.dumps(pupil, ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": key,
                **({"Authorization": f"Bearer {self.credentials}"} if self.credentials else {}),
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                body = json.loads(answer.read())
        except urllib.error.HTTPError as error:
            raise failure(error.code, _reason_in(error.read())) from error
        except (urllib.error.URLError, TimeoutError, ValueError) as error:
            raise MassarUnavailable(type(error).__name__) from error
        code = body.get("pupil_code") if isinstance(body, dict) else None
        if not isinstance(code, str) or not code:
            raise MassarUnavailable("no pupil code in Massar's answer")
        return code


class StandInMassar:
    """Answers like Massar: one pupil code per idempotency key (a letter and 9 digits).
    ``answer(key, status, reason)`` makes the next call for ``key`` fail with that HTTP
    status: a refusal for good (a 4xx about the pupil) or a transient failure."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.codes: dict[str, str] = {}
        self.received: list[str] = []  # idempotency keys, in order of arrival
        self.failures_to_come = 0  # the next calls fail, as Massar sometimes does
        self.answers: dict[str, tuple[int, str]] = {}  # key -> the next call's failure

    def answer(self, key: str, status: int, reason: str = "") -> None:
        with self._lock:
            self.answers[key] = (status, reason)

    def register(self, pupil: Mapping[str, Any], key: str) -> str:
        with self._lock:
            self.received.append(key)
            if key in self.answers:
                raise failure(*self.answers.pop(key))
            if self.failures_to_come:
                self.failures_to_come -= 1
                raise MassarUnavailable("Massar stand-in: temporarily unavailable")
            if key not in self.codes:
                digits = int(hashlib.sha256(key.encode()).hexdigest(), 16) % 10**9
                self.codes[key] = f"P{digits:09d}"
            return self.codes[key]


STAND_IN = StandInMassar()


def massar() -> Massar:
    settings = get_settings()
    if settings.massar_endpoint and settings.stage == "local":
        return HttpMassar(settings.massar_endpoint)
    if settings.massar_endpoint:
        # Pupils' civil status crosses the network: only over https, only with credentials.
        if not settings.massar_endpoint.startswith("https://"):
            raise MassarNotConfigured(f"MASSAR_ENDPOINT must be https on stage {settings.stage!r}")
        from chalicelib.store.secrets import massar_credentials

        credentials = massar_credentials()
        if not credentials:
            raise MassarNotConfigured(f"no Massar credentials on stage {settings.stage!r}")
        return HttpMassar(settings.massar_endpoint, credentials=credentials)
    if settings.stage != "local":
        raise MassarNotConfigured(
            f"MASSAR_ENDPOINT is empty on stage {settings.stage!r}: only the local stage may "
            "use the in-process Massar stand-in"
        )
    return STAND_IN


def serve(stand_in: StandInMassar, port: int = 0) -> ThreadingHTTPServer:
    """The stand-in behind HTTP on 127.0.0.1 (``server_address`` tells the port)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            pupil = json.loads(self.rfile.read(length) or b"{}")
            key = self.headers.get("Idempotency-Key", "")
            status, reason = stand_in.answers.get(key, (503, "temporarily unavailable"))
            try:
                code = stand_in.register(pupil, key)
            except (MassarRefused, MassarUnavailable):
                self._problem(status, reason)  # the failure planned, or an outage
                return
            body = json.dumps({"pupil_code": code}).encode()
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def _problem(self, status: int, detail: str) -> None:
            body = json.dumps({"status": status, "detail": detail}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/problem+json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:  # no personal data in logs
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
