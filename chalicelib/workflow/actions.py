"""Firing a transition on behalf of a caller: the caller gets the case as it now stands, or
the engine's refusal, or the lost race, as they are."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chalicelib.identity import Principal
from chalicelib.refusals import Refusal
from chalicelib.store.cases import Also
from chalicelib.workflow import access, lifecycle
from chalicelib.workflow.case import Case
from chalicelib.workflow.machine import Machine


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
        raise Refusal("not-found")
    # A refusal of the engine, or a lost race (a failed ``also`` names itself), goes up as is.
    actor = access.actor_of(principal)
    return lifecycle.act(machine, case, action, actor, payload, reason, also=also).case
