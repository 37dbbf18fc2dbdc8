"""``Idempotency-Key`` on POSTs that create things.

The same caller, route, key and body get the stored answer without the work being done
again; the same key with another body is a 422; a second request while the first still
runs is a 409. Records live 24 hours in the idempotency table (Powertools' layer).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from chalicelib.refusals import FieldError, Refusal
from chalicelib.store.idempotency import persistence_layer

HEADER = "idempotency-key"
MAX_KEY_LENGTH = 128
KEY_PATTERN = r"[!-~]{1,128}"  # printable ASCII without spaces, as /openapi.json says
EXPIRES_AFTER_SECONDS = 24 * 3600

StoredReply = dict[str, Any]  # {"status": int, "headers": {...}, "body": JSON}

_work: ContextVar[Callable[[], StoredReply]] = ContextVar("idempotent_work")


def check_key(key: str) -> str:
    if not re.fullmatch(KEY_PATTERN, key):
        raise Refusal(
            "malformed-request",
            errors=[
                FieldError(
                    "Idempotency-Key",
                    f"1 to {MAX_KEY_LENGTH} printable ASCII characters, no spaces",
                )
            ],
        )
    return key


def run_once(
    scope: str, key: str, body: bytes, work: Callable[[], StoredReply], lambda_context: Any = None
) -> StoredReply:
    """Do ``work`` once for (scope, key); later calls with the same body get its reply.

    The Lambda context lets an in-progress record expire with the invocation, so a request
    that died mid-way does not block its retries for long."""
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    request = {"key": f"{scope}|{check_key(key)}", "body": hashlib.sha256(body).hexdigest()}
    runner, config = _runner()
    if lambda_context is not None and hasattr(lambda_context, "get_remaining_time_in_millis"):
        config.register_lambda_context(lambda_context)
    token = _work.set(work)
    try:
        reply: StoredReply = runner(request=request)
    except IdempotencyValidationError as error:
        raise Refusal(
            "idempotency-key-reused",
            "This Idempotency-Key was used with another request body.",
            errors=[FieldError("Idempotency-Key", "already used with another body", "reused")],
        ) from error
    except IdempotencyAlreadyInProgressError as error:
        raise Refusal(
            "idempotency-in-progress",
            "The first request with this Idempotency-Key is still running; retry shortly.",
            retry_after=1,
        ) from error
    finally:
        _work.reset(token)
    return reply


@lru_cache(maxsize=1)
def _runner() -> tuple[Callable[..., StoredReply], Any]:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

    config = IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="body",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=EXPIRES_AFTER_SECONDS,
    )

    def perform(request: dict[str, str]) -> StoredReply:
        return _work.get()()

    runner: Callable[..., StoredReply] = idempotent_function(
        data_keyword_argument="request", persistence_store=persistence_layer(), config=config
    )(perform)
    return runner, config
