"""How a session's marks make the general average, the outcome and the mention: the rule of
the session, as data. The general average weighs three components (the continuous
assessment of the final year, the regional exam of the first year, the national exam), per
stream; the national exam's own average weighs its subjects by their coefficients
(``domain.STREAMS``).

No seed states any of these figures (seed 003 is about the e-services, not the grading):
the weights below are the ones commonly published for the Moroccan baccalaureate, kept as
data marked ``source: "unverified"`` and shown with every result, until a text is cited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

UNVERIFIED = "unverified"
CONTINUOUS, REGIONAL, NATIONAL = "continuous_assessment", "regional_exam", "national_exam"
COMPONENTS = (CONTINUOUS, REGIONAL, NATIONAL)
COMPONENT_TITLES: dict[str, tuple[str, str]] = {  # (fr, ar)
    CONTINUOUS: ("Contrôle continu", "المراقبة المستمرة"),
    REGIONAL: ("Examen régional", "الامتحان الجهوي"),
    NATIONAL: ("Examen national", "الامتحان الوطني"),
}


@dataclass(frozen=True)
class GradingRule:
    """The rule of the sessions from ``since`` on (until a later rule): the weights of the
    components per stream (percent, summing to 100), the pass mark, the catch-up session's
    floor and the mentions; ``source`` cites the text, or says it is unverified."""

    since: int
    weights: Mapping[str, Mapping[str, int]]  # stream -> component -> percent
    pass_mark: Decimal
    resit_from: Decimal  # from here up to the pass mark: the catch-up session
    mentions: tuple[tuple[Decimal, str], ...]  # (lowest average, mention), best first
    source: str = UNVERIFIED
    note: str = ""

    def weights_of(self, stream: str) -> Mapping[str, int]:
        return self.weights[stream]


def _same_for(
    streams: tuple[str, ...], weights: Mapping[str, int]
) -> Mapping[str, Mapping[str, int]]:
    frozen = MappingProxyType(dict(weights))
    return MappingProxyType(dict.fromkeys(streams, frozen))


def _rules() -> tuple[GradingRule, ...]:
    from chalicelib.services.bac.domain import STREAMS

    common = {CONTINUOUS: 25, REGIONAL: 25, NATIONAL: 50}
    return (
        GradingRule(
            # The first session this service serves (seed 003's); earlier ones, if ever
            # imported, are graded by it too: it is no more verified for them.
            since=2024,
            weights=_same_for(tuple(STREAMS), common),
            pass_mark=Decimal(10),
            resit_from=Decimal(8),
            mentions=(
                (Decimal(16), "tres_bien"),
                (Decimal(14), "bien"),
                (Decimal(12), "assez_bien"),
                (Decimal(10), "passable"),
            ),
            source=UNVERIFIED,
            note="Weights commonly published for the Moroccan baccalaureate (continuous "
            "assessment 25%, regional exam 25%, national exam 50%); no seed states them "
            "and no legal text is cited: unverified.",
        ),
    )


RULES: tuple[GradingRule, ...] = _rules()


def rule_for(year: int) -> GradingRule:
    """The rule of session ``year``: the latest one in force then (the first one before)."""
    in_force = [r for r in RULES if r.since <= year]
    return max(in_force, key=lambda r: r.since) if in_force else min(RULES, key=lambda r: r.since)


TWO_PLACES = Decimal("0.01")


def rounded(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, ROUND_HALF_UP)


def general_average(rule: GradingRule, stream: str, components: Mapping[str, Decimal]) -> Decimal:
    """The weighted average of the components (each 0 to 20), two decimals, half up."""
    weights = rule.weights_of(stream)
    total = sum((components[c] * w for c, w in weights.items()), Decimal(0))
    return rounded(total / sum(weights.values()))


def outcome_and_mention(rule: GradingRule, average: Decimal) -> tuple[str, str]:
    if average >= rule.pass_mark:
        return "admitted", next(name for floor, name in rule.mentions if average >= floor)
    return ("resit" if average >= rule.resit_from else "not_admitted"), ""
