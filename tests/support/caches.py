"""The app caches settings, clients and keys per cold start; tests start new ones."""

from __future__ import annotations

from chalicelib import aws, settings
from chalicelib.api import auth, idempotency
from chalicelib.api.routes import health, platform
from chalicelib.documents import signing
from chalicelib.services.equivalence import library_routes
from chalicelib.store import idempotency as idempotency_store
from chalicelib.store import secrets


def cold_start() -> None:
    for cached in (
        settings.get_settings,
        aws.client,
        auth._key_set,
        idempotency._runner,
        idempotency_store.persistence_layer,
        signing.jwk_of,
        secrets.cursor_key,
        platform._document,
        library_routes._guide,  # the guide read from S3 once per container
    ):
        cached.cache_clear()
    signing.forget_current_key()
    health._cached = None
