"""Figures of a service (and office) over the window: one Query, then pure arithmetic."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from chalicelib.stats import histogram, rules
from chalicelib.store import stats as store
from chalicelib.workflow.machine import Machine


@dataclass(frozen=True)
class Summary:
    decided: int
    within: int
    median_days: int | None
    p90_days: int | None

    @property
    def within_share(self) -> float | None:
        return round(self.within / self.decided, 4) if self.decided else None


@dataclass(frozen=True)
class Report:
    service: str
    office: str | None
    window: rules.Window
    summary: Summary
    legal_days: int | None  # the decision clock's length; None: the type has none


def summarise(months: Iterable[rules.Month]) -> Summary:
    months = list(months)
    merged = histogram.merge(m.histogram for m in months)
    return Summary(
        decided=sum(m.decided for m in months),
        within=sum(m.within for m in months),
        median_days=histogram.percentile(merged, histogram.MEDIAN),
        p90_days=histogram.percentile(merged, histogram.P90),
    )


def processing_times(machine: Machine, office: str | None, today: date) -> Report:
    window = rules.window(today)
    months = store.months(
        machine.case_type, office or store.ALL_OFFICES, window.months[0], window.months[-1]
    )
    legal_days = rules.config_for(machine).legal_days
    return Report(machine.case_type, office, window, summarise(months), legal_days)
