"""Putting an HTTP app together: the middleware first, then the blueprints."""

from __future__ import annotations

from collections.abc import Callable

from chalice import Blueprint, Chalice, Response  # type: ignore[attr-defined]
from chalice.app import Request

from chalicelib.api.middleware import http_middleware
from chalicelib.api.routing import CURRENT_APP


def assemble(app: Chalice, *blueprints: Blueprint) -> Chalice:
    def middleware(request: Request, get_response: Callable[[Request], Response]) -> Response:
        token = CURRENT_APP.set(app)
        try:
            return http_middleware(request, get_response)
        finally:
            CURRENT_APP.reset(token)

    app.register_middleware(middleware, "http")
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    return app
