"""The published processing times of the higher track count every decision on the merits: a
grant counts once (signed, then published: the signature is the decision), a refusal by
registered letter counts, and a file still with its committee does not."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.services.equivalence.machines import HIGHER
from chalicelib.stats import report, rules
from tests.e2e.equivalence.eq_support import Journey


def decided(office: str) -> int:
    today = rules.local_day(datetime.now(UTC))
    return report.processing_times(HIGHER, office, today).summary.decided


def test_grants_and_refusals_are_counted_once_each(journey: Journey) -> None:
    journey.pump.drain()
    before = decided("MESRSI")
    journey.granted()
    journey.pump.drain()
    assert decided("MESRSI") == before + 1  # decided, then published: one decision
    journey.refused()
    journey.filed()
    journey.to_committee("law")  # still with its committee: not a decision
    journey.pump.drain()
    assert decided("MESRSI") == before + 2
