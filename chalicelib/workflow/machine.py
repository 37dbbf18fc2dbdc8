"""A case type's lifecycle, declared as data: states, transitions, who may fire them, the
guards they check, the effects they have (notify, start or stop a timer, export) and the
legal clocks they start, pause, resume, extend and stop."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple

from chalicelib.workflow.case import Case

# The records below are NamedTuples, not frozen dataclasses: every first case read loads the
# machines, and Python 3.11 compiles six methods per dataclass (about 4 M instructions each,
# docs/decisions.md §18) where a NamedTuple costs a third of that. Effects are told apart by
# isinstance, never by equality (a NamedTuple equals any tuple of the same values).
_NONE: Mapping[str, str] = MappingProxyType({})

# Who may fire a transition, besides the staff roles each service names.
CITIZEN_ROLE = frozenset({"citizen"})  # the case's owner (checked by the engine)
SYSTEM_ROLE = frozenset({"system"})  # the timers and other automatic actors


class StateKind(StrEnum):
    INITIAL = "initial"
    ACTIVE = "active"  # the administration's turn
    WAITING = "waiting"  # the applicant's turn, or a timer's
    TERMINAL = "terminal"


class State(NamedTuple):
    name: str
    kind: StateKind = StateKind.ACTIVE
    description: str = ""
    refusal: bool = False  # a refusal must give its reasons: every way in requires one
    # The administration decided on the merits here (granted, refused, approved ...): the
    # public statistics count a case's first arrival in such a state, terminal or not.
    decision: bool = False


# A guard answers None when the transition may happen, or why it may not.
Guard = Callable[[Case, Mapping[str, Any]], str | None]


class Notify(NamedTuple):
    """Tell someone (the case's owner by default) with a template of the notify catalogue."""

    template: str
    recipient: str = "owner"
    channels: tuple[str, ...] = ("email", "sms")


class StartTimer(NamedTuple):
    """Arm a deadline ``days`` (or ``seconds``) from now; on expiry fire ``on_expiry``.

    Or, with ``at``, at a moment the case itself knows: ``at`` names a key holding an ISO 8601
    UTC datetime, looked up in the transition's payload, then in what it sets, then in the
    case's payload (24 hours before a booked slot). No moment there (absent, null, empty):
    no timer, and a running one of that name stops (the slot moved to the next morning)."""

    name: str
    on_expiry: str
    days: int = 0
    seconds: int = 0
    at: str = ""


class CancelTimer(NamedTuple):
    name: str


class Export(NamedTuple):
    """Hand the case to another system (Massar, the Official Bulletin ...) through a queue."""

    target: str


Effect = Notify | StartTimer | CancelTimer | Export


class Extension(NamedTuple):
    """The transition that may extend a clock, once, by ``days`` (an expertise ordered)."""

    by: str
    days: int


class Clock(NamedTuple):
    """A time the law gives, counted from the transitions that start it. When it runs out
    it fires ``on_expiry`` (nothing, if empty: it only shows). ``seconds`` replaces the
    days, for tests that run a clock for real (an extension then adds its days as seconds).
    """

    name: str
    days: int
    working_days: bool = False
    start: tuple[str, ...] = ()
    pause: tuple[str, ...] = ()
    resume: tuple[str, ...] = ()
    stop: tuple[str, ...] = ()
    extension: Extension | None = None
    on_expiry: str = ""
    silence_is_consent: bool = False  # running out grants the request
    appeal: bool = False  # the window to contest a decision: its end is named in the notice
    legal_basis: Mapping[str, str] = _NONE  # ar, fr, en
    seconds: int = 0
    # Where the length comes from: a seed and article ("seed 002, art. 6"), or "unverified"
    # when no source text in the project states the figure.
    source: str = "unverified"
    # The key, in the starting transition's payload, of the ISO date the clock counts from
    # when the law counts from a date the office records rather than from the transition
    # (the acknowledgement of receipt of a notified decision); absent there: the transition.
    start_at: str = ""

    def roles_of(self, transition: str) -> list[str]:
        """What ``transition`` does to this clock (a well-formed clock: one thing at most)."""
        extension = (self.extension.by,) if self.extension else ()
        lists = {
            "start": self.start,
            "pause": self.pause,
            "resume": self.resume,
            "stop": self.stop,
            "extension": extension,
            "on_expiry": (self.on_expiry,),
        }
        return [role for role, names in lists.items() if transition in names]


PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"


class DocumentRule(NamedTuple):
    """A kind of document a case takes: whether it is required, how big, of which types."""

    kind: str
    required: bool = True
    max_bytes: int = 10 * 1024 * 1024
    content_types: tuple[str, ...] = (PDF, JPEG, PNG)
    titles: Mapping[str, str] = _NONE  # ar, fr, en


class Transition(NamedTuple):
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
    clocks: tuple[Clock, ...] = ()
    _by_name: dict[str, Transition] = field(default_factory=dict, init=False, repr=False)
    # The rules of one case, when they depend on what it is about (an equivalence file's
    # checklist depends on its diploma level and training); each must be one of ``documents``.
    case_documents: Callable[[Case], tuple[DocumentRule, ...]] | None = None
    # Staff outside the case's office who work it for now, as (role, office) pairs: the
    # sector committee that holds an equivalence file. They see it as its office does.
    guests: Callable[[Case], frozenset[tuple[str, str]]] | None = None
    # Payload keys, and keys of a history entry's data, that only staff read: the working
    # notes of whoever decides (a committee's per-criterion assessment before its decision
    # is notified). The case's owner sees the state of the file and what was notified.
    internal: tuple[str, ...] = ()
    # A citizen reaches a case of this type only signed in with the electronic ID card
    # (acr=cnie), on every route that reaches it: the shared access layer checks it
    # (``workflow.access``), so no route of its own or generic one can forget it.
    requires_cnie: bool = False

    def __post_init__(self) -> None:
        names = {s.name for s in self.states}
        refusals = {s.name for s in self.states if s.refusal}
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
                if isinstance(effect, StartTimer) and effect.at and (effect.days or effect.seconds):
                    raise ValueError(f"{self.case_type}.{t.name}: {effect.name} is due at a moment")
            if t.target in refusals and not t.requires_reason:
                raise ValueError(f"{self.case_type}.{t.name}: a refusal must require a reason")
            self._by_name[t.name] = t
        for clock in self.clocks:
            self._check_clock(clock)

    def _check_clock(self, clock: Clock) -> None:
        where = f"{self.case_type}: clock {clock.name}"
        if [c.name for c in self.clocks].count(clock.name) != 1:
            raise ValueError(f"{where} is declared twice")
        if clock.days <= 0 and clock.seconds <= 0:
            raise ValueError(f"{where} has no length")
        if not clock.start:
            raise ValueError(f"{where}: no transition starts it")
        extension = (clock.extension.by,) if clock.extension else ()
        named = {*clock.start, *clock.pause, *clock.resume, *clock.stop, *extension}
        # "created" (workflow.legal.CREATED): the case's creation, for a case born filed.
        unknown = (named | ({clock.on_expiry} - {""})) - self.transition_names - {"created"}
        if unknown:
            raise ValueError(f"{where}: no transition {sorted(unknown)}")
        for name in named:
            if len(clock.roles_of(name)) > 1:
                raise ValueError(f"{where}: {name} does {clock.roles_of(name)}; one at most")
        if clock.extension and not self._by_name[clock.extension.by].requires_reason:
            raise ValueError(f"{where}: {clock.extension.by} extends it, so it needs a reason")
        if clock.silence_is_consent and not clock.on_expiry:
            raise ValueError(f"{where}: silence is consent, but nothing fires when it runs out")

    @property
    def transition_names(self) -> set[str]:
        return {t.name for t in self.transitions}

    @property
    def staff_roles(self) -> frozenset[str]:
        """The staff roles that work this case type: those of its transitions."""
        roles = frozenset(r for t in self.transitions for r in t.roles)
        return roles - CITIZEN_ROLE - SYSTEM_ROLE

    @property
    def initial(self) -> State:
        return next(s for s in self.states if s.kind is StateKind.INITIAL)

    def state(self, name: str) -> State:
        return next(s for s in self.states if s.name == name)

    def transition(self, name: str) -> Transition | None:
        return self._by_name.get(name)

    def available(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def clock(self, name: str) -> Clock | None:
        return next((c for c in self.clocks if c.name == name), None)

    def document_rule(self, kind: str) -> DocumentRule | None:
        return next((d for d in self.documents if d.kind == kind), None)

    def guests_of(self, case: Case) -> frozenset[tuple[str, str]]:
        return self.guests(case) if self.guests else frozenset()

    def documents_of(self, case: Case) -> tuple[DocumentRule, ...]:
        """The rules ``case`` follows: its own, or its type's."""
        return self.case_documents(case) if self.case_documents else self.documents
