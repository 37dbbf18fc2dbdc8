"""boto3 clients, built on first use (never at import) and shared by the adapters, and the
one botocore session per thread behind every client, boto3's and PynamoDB's.

A botocore session reads botocore's JSON models from disk the first time it builds a client
of a kind: for DynamoDB about 350 million CPU instructions, nearly half of the import floor
of a cold start (decision 72). PynamoDB gives each of its connections a session of its own,
so a cold request that read a case with one model and counted a rate limit with a boto3
client paid it twice, and a booking, which touches several models, five times.
``share_with_pynamodb`` points PynamoDB at this thread's session. A session per thread,
because botocore's sessions are not thread-safe (PynamoDB keeps its own per thread for that
reason); a client, once built, is."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.settings import get_settings

if TYPE_CHECKING:
    import boto3.session
    import botocore.session

_local = threading.local()


def boto3_session() -> boto3.session.Session:
    """This thread's boto3 session (its botocore session is ``botocore_session()``)."""
    found: boto3.session.Session | None = getattr(_local, "session", None)
    if found is None:
        import boto3.session

        found = _local.session = boto3.session.Session()
    return found


def botocore_session() -> botocore.session.Session:
    session: botocore.session.Session = boto3_session()._session
    return session


def share_with_pynamodb() -> None:
    """PynamoDB's connections take this thread's session instead of a new one each."""
    from pynamodb.connection import base

    base.get_session = botocore_session  # type: ignore[attr-defined]


@lru_cache(maxsize=16)
def client(service: str) -> Any:
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10
    )
    return boto3_session().client(service, region_name=get_settings().region, config=config)
