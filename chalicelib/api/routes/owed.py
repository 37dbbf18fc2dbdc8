"""The routes of the "documents owed" step (``workflow/owed.py``), one shape for every
service that has it: the office asks (``POST <case path>/request-documents``, with the
reason the applicant reads) and the applicant answers (``POST <case path>/complete``, once
the document is attached with ``POST /cases/{id}/documents``). A service names its case path,
who asks, its answer's shape, and the use case that fires the transition (with its own
writes beside it); the consular service had the same two paths first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib.api.access import Access, allow
from chalicelib.api.routing import Call, route
from chalicelib.identity import CITIZEN

BODY = "chalicelib.api.routes.case_schemas:OwedIn"
# (call, case id, transition, reason) -> the case as the service shows it
Perform = Callable[[Call, str, str, str], Any]


def register(
    blueprint: Blueprint,
    case_path: str,
    *,
    name: str,
    tags: tuple[str, ...],
    response: str,
    perform: Perform,
    asked_by: Access | None = None,
    answered_by: Access | None = None,
) -> None:
    """Add the answer route (and the asking one, when ``asked_by`` is given: a service whose
    staff act through a route of their own leaves it out). ``case_path`` ends with the case's
    path parameter, e.g. ``/enrollment/applications/{application_id}``."""
    param = case_path.rsplit("{", 1)[1].rstrip("}")

    def add(asking: bool, suffix: str, summary: str, access: Access) -> None:
        def view(call: Call, **params: str) -> Any:
            # the machines' module on first call, not at import: the cold start stays small
            from chalicelib.workflow.owed import ANSWER, ASK

            action = ASK if asking else ANSWER
            return perform(call, params[param], action, call.body.reason)

        view.__name__ = f"{name}_{suffix.replace('-', '_')}"
        route(
            blueprint,
            "POST",
            f"{case_path}/{suffix}",
            summary=summary,
            access=access,
            tags=tags,
            body=BODY,
            response=response,
            errors=(409, 422),
        )(view)

    if asked_by is not None:
        add(True, "request-documents", "Ask the applicant for a document, with a reason", asked_by)
    add(
        False,
        "complete",
        "Say the documents asked for are attached: the time to decide runs again",
        answered_by or allow(CITIZEN),
    )
