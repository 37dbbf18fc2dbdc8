"""A local stand-in for the card payment gateway (``make run`` and the tests), over real HTTP.

It opens sessions and refunds as the real one would (idempotent on our reference, signed
requests checked), and plays the card payer: a success, a refusal, a late callback (held
until released) or a duplicated one. Its callbacks are signed with the shared secret like
the real gateway's. It also writes the day's settlement file (CSV) that the Treasury matches.

Run alone: ``python -m scripts.standins.payment_gateway --port 8010``.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from chalicelib.services.etimbre import domain

JSON = "application/json"
# (body, headers) -> (status, answer): how a callback reaches the app.
Deliver = Callable[[bytes, dict[str, str]], tuple[int, Any]]


def http_delivery(webhook_url: str) -> Deliver:
    def deliver(body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        request = urllib.request.Request(  # noqa: S310  (a local http URL)
            webhook_url, data=body, method="POST", headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    return deliver


@dataclass
class StandInGateway:
    secret: str
    deliver: Deliver
    base_url: str = ""
    sessions: dict[str, dict[str, str]] = field(default_factory=dict)  # by session id
    by_reference: dict[str, str] = field(default_factory=dict)  # reference -> session id
    payments: list[dict[str, str]] = field(default_factory=list)  # settled successes
    refunds: dict[str, str] = field(default_factory=dict)  # reference -> refund id
    refund_calls: int = 0
    held: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    clock: Callable[[], float] = time.time  # when it signs (tests move it with the app's)

    # --- what the app calls --------------------------------------------------------------

    def open_session(self, payload: dict[str, str]) -> dict[str, str]:
        with self.lock:
            existing = self.by_reference.get(payload["reference"])
            if existing is None:
                existing = "sess_" + uuid.uuid4().hex[:16]
                self.sessions[existing] = dict(payload)
                self.by_reference[payload["reference"]] = existing
        return {"session_id": existing, "pay_url": f"{self.base_url}/pay/{existing}"}

    def refund(self, payload: dict[str, str]) -> dict[str, str]:
        with self.lock:
            self.refund_calls += 1
            refund_id = self.refunds.setdefault(payload["reference"], "rf_" + uuid.uuid4().hex[:16])
        return {"refund_id": refund_id}

    # --- the card payer -----------------------------------------------------------------

    def pay(
        self,
        session_id: str,
        outcome: str = "success",
        *,
        amount: str | None = None,
        currency: str | None = None,
        duplicate: bool = False,
        late: bool = False,
    ) -> list[tuple[int, Any]]:
        """The payer pays (or the card is refused); returns the app's answers. ``late``
        holds the callback until ``release()``; ``duplicate`` sends it twice."""
        session = self.sessions[session_id]
        succeeded = outcome == "success"
        payment_id = "pay_" + uuid.uuid4().hex[:16]
        event = {
            "event_id": "evt_" + uuid.uuid4().hex[:16],
            "type": "payment.succeeded" if succeeded else "payment.failed",
            "session_id": session_id,
            "payment_id": payment_id,
            "reference": session["reference"],
            "amount": amount or session["amount"],
            "currency": currency or session["currency"],
            "occurred_at": datetime.now(UTC).isoformat(),
        }
        if succeeded:
            with self.lock:
                self.payments.append(
                    {k: event[k] for k in ("payment_id", "reference", "amount", "currency")}
                )
        callback = self.signed(event)
        if late:
            self.held.append(callback)
            return []
        answers = [self.deliver(*callback)]
        if duplicate:
            # The gateway's retry, a moment later, signed again (a new timestamp): a replay
            # of the very same signed request is something else, and answers 401.
            answers.append(self.deliver(*self.signed(event, later=1)))
        return answers

    def release(self) -> list[tuple[int, Any]]:
        """Deliver the held (late) callbacks, re-signed at delivery time as a retry is."""
        held, self.held = self.held, []
        return [self.deliver(*self.signed(json.loads(body))) for body, _ in held]

    def signed(self, event: dict[str, Any], later: int = 0) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(event, separators=(",", ":")).encode()
        timestamp = str(int(self.clock()) + later)
        return body, {
            "Content-Type": "application/json",
            "X-Gateway-Timestamp": timestamp,
            "X-Gateway-Signature": domain.signature(self.secret, timestamp, body),
        }

    def settlement_csv(self) -> str:
        lines = ["payment_id,reference,amount,currency"]
        lines += [
            f"{p['payment_id']},{p['reference']},{Decimal(p['amount'])},{p['currency']}"
            for p in self.payments
        ]
        return "\n".join(lines) + "\n"

    # --- over HTTP ------------------------------------------------------------------------

    def serve(self, port: int = 0) -> ThreadingHTTPServer:
        """Serve on 127.0.0.1 in a daemon thread; ``base_url`` tells where."""
        server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


def _handler(gateway: StandInGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _answer(
            self, status: int, payload: Any, content_type: str = "application/json"
        ) -> None:
            data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            url = urlparse(self.path)
            if url.path in ("/sessions", "/refunds"):
                why = domain.verify_signature(
                    gateway.secret,
                    self.headers.get("X-Gateway-Timestamp", ""),
                    body,
                    self.headers.get("X-Gateway-Signature", ""),
                    datetime.now(UTC),
                )
                if why:
                    self._answer(401, {"error": why})
                    return
                payload = json.loads(body)
                opened = url.path == "/sessions"
                self._answer(
                    200, gateway.open_session(payload) if opened else gateway.refund(payload)
                )
            elif url.path.startswith("/pay/"):
                outcome = parse_qs(url.query).get("outcome", ["success"])[0]
                answers = gateway.pay(url.path.rsplit("/", 1)[-1], outcome)
                self._answer(200, {"callbacks": answers})
            else:
                self._answer(404, {"error": "not found"})

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path.startswith("/pay/") and url.path[5:] in gateway.sessions:
                session = gateway.sessions[url.path[5:]]
                page = (
                    "<!doctype html><meta charset=utf-8><title>Stand-in gateway</title>"
                    f"<p>Demo payment of {session['amount']} {session['currency']}</p>"
                    f'<form method=post action="{url.path}?outcome=success">'
                    "<button>Pay</button></form>"
                    f'<form method=post action="{url.path}?outcome=refusal">'
                    "<button>Refuse the card</button></form>"
                )
                self._answer(200, page, "text/html; charset=utf-8")
            elif url.path == "/settlement.csv":
                self._answer(200, gateway.settlement_csv(), "text/csv")
            else:
                self._answer(404, {"error": "not found"})

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8010)
    parser.add_argument("--webhook", default="http://127.0.0.1:8000/etimbre/payments/webhook")
    parser.add_argument("--secret", default="")
    options = parser.parse_args()
    from chalicelib.services.etimbre.gateway import LOCAL_SECRET

    gateway = StandInGateway(options.secret or LOCAL_SECRET, http_delivery(options.webhook))
    server = gateway.serve(options.port)
    print(f"stand-in gateway on {gateway.base_url}, callbacks to {options.webhook}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


_RUNNING: list[StandInGateway] = []
_IN_PROCESS: list[StandInGateway] = []


def in_process() -> StandInGateway:
    """The stand-in the app uses when no gateway URL is set (local stage): no HTTP, and
    its callbacks go nowhere."""
    if not _IN_PROCESS:
        _IN_PROCESS.append(
            StandInGateway(secret="", deliver=lambda body, headers: (0, None), base_url="local:")
        )
    return _IN_PROCESS[0]


def wire_in_process() -> None:
    """Give the app's gateway client the in-process stand-in (the local stage with no
    PAYMENT_GATEWAY_URL): the local stack and ``chalice local`` call this, the app never
    imports it."""
    from chalicelib.services.etimbre import gateway

    def answer(path: str, payload: dict[str, Any]) -> dict[str, Any]:
        standin = in_process()
        return standin.open_session(payload) if path == "/sessions" else standin.refund(payload)

    gateway.use_local_transport(answer)


def use_standin(deliver: Deliver) -> StandInGateway:
    """The process's stand-in (started once), delivering its callbacks with ``deliver``, and
    the app's settings pointed at it: for the tests, the bench and ``make run``."""
    import os

    from chalicelib.services.etimbre.gateway import secret
    from chalicelib.settings import get_settings

    if not _RUNNING:
        gateway = StandInGateway(secret="", deliver=deliver)
        gateway.serve()
        _RUNNING.append(gateway)
    gateway = _RUNNING[0]
    os.environ["PAYMENT_GATEWAY_URL"] = gateway.base_url
    get_settings.cache_clear()
    gateway.secret = secret()
    gateway.deliver = deliver
    gateway.clock = time.time
    return gateway


if __name__ == "__main__":
    main()
