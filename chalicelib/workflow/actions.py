"""Firing a transition on behalf of an HTTP caller: the domain's refusals and lost races
become problems, and the caller gets the case as it now stands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chalicelib.api.principal import Principal
from chalicelib.api.problems import FieldError, Problem
from chalicelib.store.cases import Also, Conflict
from chalicelib.workflow import access, engine, service
from chalicelib.workflow.case import Case
from chalicelib.workflow.machine import Machine

_PROBLEMS = {
    "unknown_transition": "not-found",
    "wrong_state": "conflict",
    "guard_failed": "conflict",
    "already_extended": "conflict",
    "wrong_role": "forbidden",
    "wrong_office": "not-found",
    "reason_required": "validation-failed",
}


def perform(
    machine: Machine,
    principal: Principal,
    case_id: str,
    action: str,
    payload: Mapping[str, Any],
    reason: str,
    correlation_id: str,
    also: Sequence[Also] = (),
) -> Case:
    """Fire ``action`` as ``principal``; the case after it, or a problem saying why not.
    A failed ``also`` write answers 409 with its name as the refusal."""
    case = access.visible_case(principal, case_id, f"action {action}", correlation_id, read=False)
    if case.case_type != machine.case_type:
        raise Problem("not-found")
    try:
        actor = access.actor_of(principal)
        return service.act(machine, case, action, actor, payload, reason, also=also).case
    except engine.Refusal as refusal:
        errors = (
            [FieldError("reason", refusal.message, "required")]
            if refusal.code == "reason_required"
            else []
        )
        raise Problem(
            _PROBLEMS[refusal.code], refusal.message, errors=errors, extra={"refusal": refusal.code}
        ) from refusal
    except Conflict as error:
        raise Problem(
            "conflict",
            "The case changed meanwhile; reload it and try again."
            if "case" in error.failed
            else f"Refused: {', '.join(sorted(error.failed))} changed meanwhile.",
            extra={"refusal": "version_conflict" if "case" in error.failed else min(error.failed)},
        ) from error
