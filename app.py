"""Khidmat: the Chalice application. It registers the blueprints, the HTTP middleware and the
event handlers; everything else lives in chalicelib/."""

from chalice import Chalice  # type: ignore[attr-defined]

from chalicelib.api.middleware import http_middleware
from chalicelib.platform.routes import platform

# Powertools' Logger owns logging; Chalice's own handler would print every line twice.
app = Chalice(app_name="khidmat", configure_logs=False)
app.register_middleware(http_middleware, "http")
app.register_blueprint(platform)
