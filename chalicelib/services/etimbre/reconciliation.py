"""The Treasury's reconciliation: a day's totals from the aggregates kept on write, the
anomalies flagged that day, and the gateway's settlement file matched against the stamps."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chalicelib.refusals import Refusal
from chalicelib.services.etimbre import domain, ports
from chalicelib.services.etimbre import problems as _problems  # noqa: F401  (registers slugs)


@dataclass(frozen=True)
class Row:
    consulate: str
    service: str
    channel: str
    state: str
    count: int
    amount: Decimal


def totals(day: str, consulate: str | None) -> list[Row]:
    """The day's totals from the aggregate rows kept on write: one Query, no stamp read."""
    rows = []
    for item in ports.reads().aggregates(day, consulate):
        where, service, channel = item.sk.split("#")
        for state in domain.STATES:
            count = int(getattr(item, f"{state}_count") or 0)
            if count:
                cents = int(getattr(item, f"{state}_cents") or 0)
                rows.append(Row(where, service, channel, state, count, domain.from_cents(cents)))
    return rows


def flags(day: str) -> list[dict[str, Any]]:
    return [
        {"stamp_id": a.stamp_id, "kind": a.kind, "at": a.at.isoformat(), **dict(a.details or {})}
        for a in ports.reads().anomalies(day)
    ]


def match_settlement(day: str, key: str) -> domain.Matching:
    """The gateway's settlement file for ``day`` (CSV in S3) against our stamps."""
    text = ports.settlements().read(key)
    if text is None:
        raise Refusal(
            "etimbre-settlement-missing", f"No settlement file at {key} (yet).", extra={"key": key}
        )
    lines, unreadable = domain.parse_settlement(text)
    ours = ports.reads().many(line.reference for line in lines if line.reference.isalnum())
    # A stamp we know but never took a payment for is missing on our side, like an unknown one.
    paid_ours = {stamp_id: stamp for stamp_id, stamp in ours.items() if stamp.payment_id}
    result = domain.match_settlement(lines, paid_ours, ports.reads().paid_on(day))
    result.problems += [{"kind": "unreadable", "line": line} for line in unreadable]
    return result
