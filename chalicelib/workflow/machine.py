"""A case type's lifecycle, declared as data: states, transitions, who may fire them, the
guards they check and the effects they have (notify, start or stop a timer, export)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from chalicelib.workflow.case import Case


class StateKind(StrEnum):
    INITIAL = "initial"
    ACTIVE = "active"  # the administration's turn
    WAITING = "waiting"  # the applicant's turn, or a timer's
    TERMINAL = "terminal"


@dataclass(frozen=True)
class State:
    name: str
    kind: StateKind = StateKind.ACTIVE
    description: str = ""


# A guard answers None when the transition may happen, or why it may not.
Guard = Callable[[Case, Mapping[str, Any]], str | None]


@dataclass(frozen=True)
class Notify:
    """Tell someone (the case's owner by default) with a template of the notify catalogue."""

    template: str
    recipient: str = "owner"
    channels: tuple[str, ...] = ("email", "sms")


@dataclass(frozen=True)
class StartTimer:
    """Arm a deadline ``days`` (or ``seconds``) from now; on expiry fire ``on_expiry``."""

    name: str
    on_expiry: str
    days: int = 0
    seconds: int = 0


@dataclass(frozen=True)
class CancelTimer:
    name: str


@dataclass(frozen=True)
class Export:
    """Hand the case to another system (Massar, the Official Bulletin ...) through a queue."""

    target: str


Effect = Notify | StartTimer | CancelTimer | Export


PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"


@dataclass(frozen=True)
class DocumentRule:
    """A kind of document a case takes: whether it is required, how big, of which types."""

    kind: str
    required: bool = True
    max_bytes: int = 10 * 1024 * 1024
    content_types: tuple[str, ...] = (PDF, JPEG, PNG)
    titles: Mapping[str, str] = field(default_factory=dict)  # ar, fr, en


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    guard: Guard | None = None
    effects: tuple[Effect, ...] = ()
    requires_reason: bool = False
    same_office: bool = True  # staff must belong to the case's office
    description: str = ""


@dataclass(frozen=True)
class Machine:
    case_type: str
    prefix: str  # of human references: EQ-2026-000123
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    title: str = ""
    documents: tuple[DocumentRule, ...] = ()
    _by_name: dict[str, Transition] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        names = {s.name for s in self.states}
        initial = [s for s in self.states if s.kind is StateKind.INITIAL]
        if len(initial) != 1:
            raise ValueError(f"{self.case_type}: exactly one initial state is needed")
        for t in self.transitions:
            unknown = {*t.sources, t.target} - names
            if unknown:
                raise ValueError(f"{self.case_type}.{t.name}: unknown states {sorted(unknown)}")
            for effect in t.effects:
                if isinstance(effect, StartTimer) and effect.on_expiry not in self.transition_names:
                    raise ValueError(f"{self.case_type}.{t.name}: no transition {effect.on_expiry}")
            self._by_name[t.name] = t

    @property
    def transition_names(self) -> set[str]:
        return {t.name for t in self.transitions}

    @property
    def initial(self) -> State:
        return next(s for s in self.states if s.kind is StateKind.INITIAL)

    def state(self, name: str) -> State:
        return next(s for s in self.states if s.name == name)

    def transition(self, name: str) -> Transition | None:
        return self._by_name.get(name)

    def available(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def document_rule(self, kind: str) -> DocumentRule | None:
        return next((d for d in self.documents if d.kind == kind), None)
