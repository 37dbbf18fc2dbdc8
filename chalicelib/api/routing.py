"""Routes with a contract: every route declares who may call it and the shapes it takes and
gives. The same declaration drives the checks at run time, ``/openapi.json`` and the
authorisation-matrix test, so they cannot drift apart.

A view receives a ``Call`` (the parsed request) and returns a pydantic model, a dict, or a
``Reply``. Anything it raises becomes a problem+json answer here.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
import sys
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from chalice import Blueprint, Response  # type: ignore[attr-defined]
from chalice.app import Request

from chalicelib.api import auth, idempotency, problems
from chalicelib.api.access import Access
from chalicelib.api.i18n import Language, negotiate
from chalicelib.api.problems import PROBLEM_CONTENT_TYPE
from chalicelib.identity import Principal
from chalicelib.observability import logger
from chalicelib.refusals import FieldError, Refusal
from chalicelib.settings import get_settings

if TYPE_CHECKING:
    from pydantic import BaseModel

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
# No request of the API nests past a few levels; a deeper body is refused before pydantic
# walks it (a thousand nested arrays overflowed the stack: a 500 on every POST).
MAX_JSON_DEPTH = 32
# Calls a signed-in identity may make in a minute, whatever the route: a person at a browser
# makes a few; an office's staff page through lists.
IDENTITY_CALLS_PER_MINUTE = {"citizen": 300, "staff": 1200}
# A model, or its dotted name ("chalicelib.services.bac.schemas:GrantIn"): a named model is
# imported on the route's first call, so that pydantic models stay out of the cold start.
# pydantic itself is imported on the first call that needs a model, never by `import app`.
ModelRef: TypeAlias = "type[BaseModel] | str"


@functools.cache
def resolve_model(ref: ModelRef) -> type[BaseModel]:
    from pydantic import BaseModel

    if isinstance(ref, str):
        module, _, name = ref.partition(":")
        model = getattr(importlib.import_module(module), name)
    else:
        model = ref
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"{ref} is not a pydantic model")
    return model


def is_model(value: object) -> bool:
    """Whether ``value`` is a pydantic model instance; if pydantic was never imported, it
    cannot be one, and asking costs no import."""
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(value, pydantic.BaseModel)


@dataclass(frozen=True)
class RouteSpec:
    method: str
    path: str
    summary: str
    access: Access
    tags: tuple[str, ...] = ()
    body: ModelRef | None = None
    query: ModelRef | None = None
    response: ModelRef | None = None
    status: int = 200
    media_type: str = JSON
    idempotent: bool = False
    errors: tuple[int, ...] = ()  # statuses the route itself may answer, besides the usual
    # Other media types the view may answer with, chosen by Accept (a PDF beside the JSON):
    # declared so that /openapi.json lists them and a 406 besides.
    alternates: tuple[str, ...] = ()
    path_model: ModelRef | None = None  # validates and documents the path parameters
    form: bool = False  # the body may also be a form (application/x-www-form-urlencoded)

    @property
    def body_model(self) -> type[BaseModel] | None:
        return None if self.body is None else resolve_model(self.body)

    @property
    def query_model(self) -> type[BaseModel] | None:
        return None if self.query is None else resolve_model(self.query)

    @property
    def response_model(self) -> type[BaseModel] | None:
        return None if self.response is None else resolve_model(self.response)

    @property
    def path_params_model(self) -> type[BaseModel] | None:
        return None if self.path_model is None else resolve_model(self.path_model)

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    @property
    def operation_id(self) -> str:
        words = re.sub(r"[{}]", "", self.path).replace(".", "").strip("/").replace("-", "_")
        return f"{self.method.lower()}_{words.replace('/', '_') or 'root'}"


SPEC_ATTRIBUTE = "__khidmat_route__"
# The request being served, set by the HTTP middleware: a blueprint registered on two apps
# (the app and a test app) would otherwise read the request of the app registered last.
CURRENT_REQUEST: ContextVar[Request | None] = ContextVar("current_request", default=None)
CURRENT_APP: ContextVar[Any] = ContextVar("current_app", default=None)


def specs_of(app: Any) -> list[RouteSpec]:
    """The declared routes of a Chalice app, read from its route table."""
    specs = []
    for methods in app.routes.values():
        for entry in methods.values():
            spec = getattr(entry.view_function, SPEC_ATTRIBUTE, None)
            if spec is None:
                raise TypeError(f"{entry.method} {entry.path} was not declared with route()")
            specs.append(spec)
    return specs


@dataclass
class Call:
    """One request as a view sees it: already authenticated, authorised and parsed."""

    request: Request
    spec: RouteSpec
    principal: Principal | None
    language: Language
    correlation_id: str
    body: Any = None
    query: Any = None

    def header(self, name: str) -> str | None:
        value = self.request.headers.get(name)
        return None if value is None else str(value)

    @property
    def user(self) -> Principal:
        """The principal of a route that is not public."""
        if self.principal is None:
            raise auth.unauthenticated("Sign in first.")
        return self.principal


@dataclass
class Reply:
    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = JSON


View = Callable[..., Any]


def route(
    blueprint: Blueprint,
    method: str,
    path: str,
    *,
    summary: str,
    access: Access,
    tags: tuple[str, ...] = (),
    body: ModelRef | None = None,
    query: ModelRef | None = None,
    response: ModelRef | None = None,
    status: int = 200,
    media_type: str = JSON,
    idempotent: bool = False,
    errors: tuple[int, ...] = (),
    alternates: tuple[str, ...] = (),
    path_model: ModelRef | None = None,
    form: bool = False,
) -> Callable[[View], View]:
    """``form``: the body may also come as application/x-www-form-urlencoded (an OAuth token
    endpoint, RFC 6749), validated by the same model as its JSON form."""
    spec = RouteSpec(
        method,
        path,
        summary,
        access,
        tags,
        body,
        query,
        response,
        status,
        media_type,
        idempotent,
        errors,
        alternates,
        path_model,
        form,
    )

    def register(view: View) -> View:
        @functools.wraps(view)
        def chalice_view(**path_params: str) -> Response:
            request = CURRENT_REQUEST.get() or blueprint.current_request
            app = CURRENT_APP.get() or blueprint.current_app
            context = getattr(app, "lambda_context", None)
            return handle(spec, view, request, path_params, context)

        setattr(chalice_view, SPEC_ATTRIBUTE, spec)
        options: dict[str, Any] = {"content_types": [JSON]} if body is not None else {}
        if form:
            options = {"content_types": [JSON, FORM]}
        _add_route(blueprint, path, method, chalice_view, options)
        return view

    return register


def _add_route(
    blueprint: Blueprint, path: str, method: str, view: View, options: dict[str, Any]
) -> None:
    """``blueprint.route(path, methods=[method], **options)(view)``, except that the route
    keeps its method and content types on every app the blueprint is registered on.

    Chalice pops ``methods`` and ``content_types`` out of the arguments a blueprint stored,
    so the second app that registered it (a test app beside the app) got every route as a
    GET taking JSON, and a path with a GET and a POST failed as a duplicate GET. Each app
    gets fresh arguments here, through the same deferred registration Chalice uses."""

    def register_on(app: Any, registration_options: dict[str, Any]) -> None:
        arguments = {"path": path, "kwargs": {"methods": [method], **options}}
        app._register_handler("route", view.__name__, view, view, arguments, registration_options)

    blueprint._deferred_registrations.append(register_on)


def handle(
    spec: RouteSpec,
    view: View,
    request: Request,
    path_params: dict[str, str],
    lambda_context: Any = None,
) -> Response:
    language = negotiate(request.headers.get("accept-language"))
    correlation_id = str(request.context.get("correlation_id", ""))
    try:
        call = _prepare(spec, request, path_params, language, correlation_id)
        key = request.headers.get(idempotency.HEADER) if spec.idempotent else None
        if key is None:
            return _to_response(_reply(spec, view(call, **path_params)))
        # The path as called (Chalice's request.path is the route's template).
        scope = f"{call.user.subject}|{spec.method} {actual_path(spec, path_params)}"
        executed: list[bool] = []

        def work() -> idempotency.StoredReply:
            executed.append(True)
            return _stored(spec, view(call, **path_params))

        stored = idempotency.run_once(scope, key, _raw(request), work, lambda_context)
        reply = _from_stored(stored)
        if not executed:
            reply.headers["Idempotent-Replayed"] = "true"
        return _to_response(reply)
    except Refusal as problem:
        return problem_response(problem, language, actual_path(spec, path_params))
    except Exception:
        logger.exception("unhandled error", extra={"route": f"{spec.method} {spec.path}"})
        return problem_response(
            Refusal(
                "internal-error",
                "Quote the correlation id when you report this.",
                extra={"correlation_id": correlation_id},
            ),
            language,
            actual_path(spec, path_params),
        )


def actual_path(spec: RouteSpec, path_params: dict[str, str]) -> str:
    path = spec.path
    for name, value in path_params.items():
        path = path.replace(f"{{{name}}}", value)
    return path


def problem_response(
    problem: Refusal, language: Language, instance: str, more: Mapping[str, str] | None = None
) -> Response:
    """The refusal as problem+json; ``more`` headers are the edge's own (a 405's Allow)."""
    headers: dict[str, str | list[str]] = {
        "Content-Type": PROBLEM_CONTENT_TYPE,
        "Content-Language": language,
        **problems.headers_of(problem),
        **(more or {}),
    }
    return Response(
        body=json.dumps(problems.body_of(problem, language, instance), ensure_ascii=False),
        status_code=problems.status_of(problem),
        headers=headers,
    )


def _prepare(
    spec: RouteSpec,
    request: Request,
    path_params: dict[str, str],
    language: Language,
    correlation_id: str,
) -> Call:
    principal = None
    if not spec.access.public:
        principal = auth.authenticate(request.headers.get("authorization"))
        auth.authorize(principal, spec.access, path_params)
        _limit_identity(principal)
    call = Call(request, spec, principal, language, correlation_id)
    if spec.path_model is not None:
        _validated(resolve_model(spec.path_model), path_params, "path")
    if spec.query is not None:
        call.query = _validated(
            resolve_model(spec.query), dict(request.query_params or {}), "query"
        )
    if spec.body is not None:
        content_type = str(request.headers.get("content-type") or "")
        raw_body = _form_body(request) if spec.form and content_type.startswith(FORM) else None
        body = _json_body(request) if raw_body is None else raw_body
        call.body = _validated(resolve_model(spec.body), body, "body")
    return call


def _limit_identity(principal: Principal) -> None:
    """Every signed-in call counts against its identity's allowance of the minute: a stolen
    or scripted account cannot hammer the API (the quotas of costly flows come on top)."""
    from chalicelib.api import ratelimit

    allowed = IDENTITY_CALLS_PER_MINUTE.get(
        principal.issuer_kind, min(IDENTITY_CALLS_PER_MINUTE.values())
    )
    ratelimit.limit_identity(principal.issuer_kind, principal.subject, "api", allowed)


def _raw(request: Request) -> bytes:
    raw = request.raw_body or b""
    return raw.encode() if isinstance(raw, str) else raw


def _form_body(request: Request) -> dict[str, str]:
    from urllib.parse import parse_qsl

    raw = _raw(request)
    if len(raw) > get_settings().max_body_bytes:
        raise Refusal("payload-too-large", f"At most {get_settings().max_body_bytes} bytes.")
    return dict(parse_qsl(raw.decode("utf-8", "replace")))


def _json_body(request: Request) -> Any:
    raw = _raw(request)
    if len(raw) > get_settings().max_body_bytes:
        raise Refusal("payload-too-large", f"At most {get_settings().max_body_bytes} bytes.")
    if not raw.strip():
        raise Refusal("malformed-request", errors=[FieldError("body", "a JSON body is required")])
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise Refusal(
            "malformed-request",
            errors=[FieldError("body", f"not valid JSON: {error}", "json_invalid")],
        ) from error
    except RecursionError as error:  # nested past the parser's own stack
        raise _too_deep() from error
    if _depth_exceeds(body, MAX_JSON_DEPTH):
        raise _too_deep()
    return body


def _too_deep() -> Refusal:
    detail = f"nested deeper than {MAX_JSON_DEPTH} levels"
    return Refusal("malformed-request", errors=[FieldError("body", detail, "json_too_deep")])


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether objects and arrays nest deeper than ``limit``; iterative, so a hostile body
    cannot exhaust the stack of the validator that would walk it next."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if not isinstance(node, dict | list):
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _validated(model: type[BaseModel], data: Any, where: str) -> BaseModel:
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise Refusal(
            "validation-failed",
            errors=[
                FieldError(".".join([where, *(str(p) for p in e["loc"])]), e["msg"], e["type"])
                for e in error.errors(include_url=False, include_input=False)
            ],
        ) from error


def _reply(spec: RouteSpec, result: Any) -> Reply:
    if isinstance(result, Reply):
        return result
    if is_model(result):
        result = result.model_dump(mode="json", by_alias=True)
    return Reply(result, spec.status, media_type=spec.media_type)


def _stored(spec: RouteSpec, result: Any) -> idempotency.StoredReply:
    reply = _reply(spec, result)
    return {
        "status": reply.status,
        "headers": reply.headers,
        "body": reply.body,
        "media_type": reply.media_type,
    }


def _from_stored(stored: idempotency.StoredReply) -> Reply:
    headers = dict(stored.get("headers") or {})
    return Reply(stored["body"], int(stored["status"]), headers, str(stored["media_type"]))


def _to_response(reply: Reply) -> Response:
    headers: dict[str, str | list[str]] = {"Content-Type": reply.media_type, **reply.headers}
    body = reply.body
    if reply.media_type == JSON and not isinstance(body, str | bytes):
        body = json.dumps(body, ensure_ascii=False, default=str)
    return Response(body=body, status_code=reply.status, headers=headers)
