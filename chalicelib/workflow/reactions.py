"""Reactions: what a service does once a transition of its case type has happened, when
that is more than the transition's own effects (a held seat runs out: offer it to the next
in line). The cases stream calls them for each new history entry (``HIST#``).

A service registers ``(case_type, event) -> "module:function"`` at import (the function is
imported on first use, so registering costs nothing at cold start). The function gets the
case as it is now and what happened; it must be idempotent, because stream records can be
delivered twice, and must check the case's state itself, because the case may have moved on.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.workflow.case import Case


@dataclass(frozen=True)
class Happened:
    """A history entry, as the stream shows it."""

    case_id: str
    event: str
    seq: int
    to_state: str


Reaction = Callable[["Case", Happened], None]

_REACTIONS: dict[tuple[str, str], str] = {}


def register(case_type: str, event: str, target: str) -> None:
    """After ``event`` on a case of ``case_type``, call ``target`` ("package.module:name")."""
    existing = _REACTIONS.get((case_type, event))
    if existing is not None and existing != target:
        raise ValueError(f"{case_type}.{event} already reacts with {existing}")
    _REACTIONS[(case_type, event)] = target


def registered() -> dict[tuple[str, str], str]:
    return dict(_REACTIONS)


def handle(images: Iterable[Mapping[str, Any]]) -> int:
    """Run the reactions of new history entries (stream images, DynamoDB JSON). Every one is
    tried; if any raised, the batch fails afterwards so that it is delivered again (the
    reactions that succeeded then find nothing left to do). Returns how many ran."""
    from chalicelib.workflow import lifecycle, registry

    registry.load_all()  # the services' machines register their reactions
    events = {event for _, event in _REACTIONS}
    ran, failures = 0, []
    for image in images:
        happened = _happened(image)
        if happened is None or happened.event not in events:
            continue  # most transitions have no reaction: the case is not even read
        case = lifecycle.find(happened.case_id)
        target = _REACTIONS.get((case.case_type, happened.event)) if case else None
        if case is None or target is None:
            continue
        try:
            _resolve(target)(case, happened)
        except Exception as error:  # the others still run; the batch is retried
            failures.append(error)
            continue
        ran += 1
    if failures:
        raise failures[0]
    return ran


def _happened(image: Mapping[str, Any]) -> Happened | None:
    def text(name: str) -> str:
        return str(image.get(name, {}).get("S", ""))

    pk, sk = text("pk"), text("sk")
    if not (pk.startswith("CASE#") and sk.startswith("HIST#")):
        return None
    seq = int(image.get("seq", {}).get("N", "0"))
    return Happened(pk.removeprefix("CASE#"), text("event"), seq, text("to_state"))


def _resolve(target: str) -> Reaction:
    module, _, name = target.partition(":")
    function: Reaction = getattr(importlib.import_module(module), name)
    return function
