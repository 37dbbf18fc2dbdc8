"""Table names come from settings at run time, not at import: ``bound(Model)`` points a
PynamoDB model at the table the current settings name. ``connection()`` is the one
connection the stores' transactions go through; every PynamoDB connection builds its client
from the thread's botocore session (``chalicelib.aws``)."""

from __future__ import annotations

from functools import lru_cache
from typing import TypeVar

from pynamodb.connection import Connection
from pynamodb.models import Model

from chalicelib import aws
from chalicelib.settings import get_settings

aws.share_with_pynamodb()

M = TypeVar("M", bound=type[Model])


def bound(model: M) -> M:
    settings = get_settings()
    model.Meta.table_name = getattr(settings, model.Meta.settings_key)  # type: ignore[attr-defined]
    model.Meta.region = settings.region
    return model


@lru_cache(maxsize=1)
def connection() -> Connection:
    """For ``TransactWrite``: one for the process, its client built once."""
    return Connection(region=get_settings().region)
