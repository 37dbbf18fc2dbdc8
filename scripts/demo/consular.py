"""Demo data of this service for ``make run``: marked as demo data, safe to run twice.

Every consulate of the catalogue gets a demo calendar (weekday mornings and afternoons,
counters per service), so that a validated request finds slots to book.
"""

from __future__ import annotations

from datetime import UTC, datetime

DEMO_BY = "demo-data (scripts/demo/consular.py)"
HOURS = [{"start": "09:00", "end": "12:30"}, {"start": "14:00", "end": "16:00"}]


def seed(env: dict[str, str]) -> list[str]:
    from chalicelib import consulates
    from chalicelib.store.consular import repository

    now = datetime.now(UTC)
    for consulate in consulates.CONSULATES:
        counters = {s: (3 if s == "passport" else 2) for s in consulate.services}
        body = {
            "hours": {str(d): HOURS for d in range(5)},
            "counters": counters,
            "closed": [],
            "demo": True,
        }
        repository.put_calendar(consulate.code, body, DEMO_BY, now)
    return [f"{len(consulates.CONSULATES)} demo consular calendars (appointments)"]
