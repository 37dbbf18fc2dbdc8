"""route() on a blueprint that several apps register (the app and the test apps)."""

from __future__ import annotations

from chalice import Blueprint, Chalice  # type: ignore[attr-defined]

from chalicelib.api.access import PUBLIC
from chalicelib.api.routing import Call, route, specs_of


def _blueprint() -> Blueprint:
    shared = Blueprint(__name__)

    @route(shared, "GET", "/things", summary="List", access=PUBLIC)
    def list_things(call: Call) -> list[str]:
        return []

    @route(
        shared,
        "POST",
        "/things",
        summary="Create",
        access=PUBLIC,
        body="chalicelib.api.schemas:Input",
    )
    def create_thing(call: Call) -> dict[str, str]:
        return {}

    return shared


def test_every_app_gets_each_route_with_its_method_and_content_types() -> None:
    shared = _blueprint()
    first, second = Chalice(app_name="first"), Chalice(app_name="second")
    first.register_blueprint(shared)
    second.register_blueprint(shared)  # Chalice alone would register the POST as a GET
    for app in (first, second):
        entries = app.routes["/things"]
        assert sorted(entries) == ["GET", "POST"]
        assert entries["POST"].content_types == ["application/json"]
        assert entries["POST"].view_name == "create_thing"
        assert {(s.method, s.path) for s in specs_of(app)} == {
            ("GET", "/things"),
            ("POST", "/things"),
        }
