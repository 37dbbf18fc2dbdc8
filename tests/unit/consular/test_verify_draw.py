"""``make verify-draw`` on a round's public JSON alone (decision 58): a faithful draw passes;
a changed order, seed or allocation is caught."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from chalicelib.services.consular import draws
from scripts import verify_draw

DAKAR = ZoneInfo("Africa/Dakar")
SEED = bytes(range(32, 64))


def published() -> dict[str, object]:
    """A round of 8 entries for 4 seats, as the public route shows it once drawn."""
    references = [draws.entry_reference(b"k" * 32, f"case-{n}") for n in range(8)]
    choices = {r: ["2030-01-07/am"] if n % 2 else ["2030-01-07"] for n, r in enumerate(references)}
    seats = {"2030-01-07T09:00:00Z": 2, "2030-01-07T14:00:00Z": 2}
    offered = [
        draws.Seat(datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(UTC), n)
        for s, n in seats.items()
    ]
    ordered = draws.order(SEED, references)
    parsed = {r: [c for c in map(draws.parse_choice, cs) if c] for r, cs in choices.items()}
    outcome = draws.allocate(ordered, parsed, offered, DAKAR)
    entries = [
        {
            "reference": r,
            "choices": choices[r],
            "slot": outcome.won[r].strftime("%Y-%m-%dT%H:%M:%SZ") if r in outcome.won else None,
        }
        for r in ordered
    ]
    return {
        "id": "r1",
        "state": "done",
        "time_zone": "Africa/Dakar",
        "seed": SEED.hex(),
        "commitment": draws.commitment(SEED),
        "seats": seats,
        "entries": entries,
        "order": ordered,
    }


def test_a_faithful_draw_passes_and_each_forgery_is_named(tmp_path: Path) -> None:
    public = published()
    assert verify_draw.check(public) == []
    saved = tmp_path / "round.json"
    saved.write_text(json.dumps(public))
    assert verify_draw.main(["--file", str(saved)]) == 0

    entries = [dict(e) for e in public["entries"]]  # type: ignore[attr-defined]
    winner = next(e for e in entries if e["slot"])
    loser = next(e for e in entries if not e["slot"])
    winner["slot"], loser["slot"] = None, "2030-01-07T09:00:00Z"  # a seat given to another
    moved = verify_draw.check({**public, "entries": entries})
    assert len(moved) == 2 and all("recomputed" in m for m in moved)

    other = bytes(32)
    assert "commitment" in verify_draw.check({**public, "seed": other.hex()})[0]
    assert "not drawn" in verify_draw.check({**public, "seed": None})[0]
