"""Table names come from settings at run time, not at import: ``bound(Model)`` points a
PynamoDB model at the table the current settings name."""

from __future__ import annotations

from typing import TypeVar

from pynamodb.models import Model

from chalicelib.settings import get_settings

M = TypeVar("M", bound=type[Model])


def bound(model: M) -> M:
    settings = get_settings()
    model.Meta.table_name = getattr(settings, model.Meta.settings_key)  # type: ignore[attr-defined]
    model.Meta.region = settings.region
    return model
