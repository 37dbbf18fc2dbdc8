"""The administration's decision clock of law 55.19 (simplification of administrative
procedures), as every case type that ends in an administrative decision declares it.

Seed 000 (MEN press release, 21 Nov 2023) cites law 55.19 as the law that sets processing
deadlines and the delivery of administrative decisions; none of the seeds states the length.
The 60 calendar days used wherever a text gives no figure of its own are therefore marked
``unverified`` in the data, to be confirmed against the law's text by an operator.
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.workflow.machine import Clock, Extension, Machine

DECISION_CLOCK = "decision"
CREATED = "created"  # the pseudo-transition of a case's creation: a clock may start on it
LAW_55_19_DAYS = 60
LAW_55_19_SOURCE = "unverified (law 55.19 is cited by seed 000; its 60 days are not in the seeds)"
LAW_55_19: Mapping[str, str] = {
    "ar": "القانون رقم 55.19 المتعلق بتبسيط المساطر والإجراءات الإدارية: أجل معالجة الطلب "
    "وتسليم القرار الإداري (60 يوما، رقم غير مؤكد في النصوص المرجعية).",
    "fr": "Loi n° 55-19 relative à la simplification des procédures et formalités "
    "administratives : délai de traitement de la demande et de délivrance de la décision "
    "(60 jours, chiffre non vérifié dans les textes sources).",
    "en": "Law 55.19 on the simplification of administrative procedures: the time to process "
    "the request and deliver the decision (60 days, a figure not verified in the source texts).",
}


def decision_clock(
    *,
    start: tuple[str, ...],
    stop: tuple[str, ...],
    pause: tuple[str, ...] = (),
    resume: tuple[str, ...] = (),
    extension: Extension | None = None,
    days: int = LAW_55_19_DAYS,
    working_days: bool = False,
    source: str = LAW_55_19_SOURCE,
    legal_basis: Mapping[str, str] = LAW_55_19,
    on_expiry: str = "",
    silence_is_consent: bool = False,
) -> Clock:
    """The administration's time to decide. ``start`` may name ``CREATED`` for a case born
    filed (its initial state is already the administration's turn). Silence is consent only
    where a text lists the decision: off unless a case type says otherwise, with its source."""
    return Clock(
        DECISION_CLOCK,
        days=days,
        working_days=working_days,
        start=start,
        pause=pause,
        resume=resume,
        stop=stop,
        extension=extension,
        on_expiry=on_expiry,
        silence_is_consent=silence_is_consent,
        legal_basis=legal_basis,
        source=source,
    )


def decision_clock_of(machine: Machine) -> Clock | None:
    """The case type's decision clock, if it ends in an administrative decision."""
    return machine.clock(DECISION_CLOCK)


def born_filed(machine: Machine) -> bool:
    """Whether a case of this type is filed when it is created (no draft): its decision
    clock starts at ``CREATED``, so the creation is the filing."""
    clock = decision_clock_of(machine)
    return clock is not None and CREATED in clock.start


def decision_states(machine: Machine) -> frozenset[str]:
    """The states where the administration has decided on the merits (``State.decision``)."""
    return frozenset(s.name for s in machine.states if s.decision)
