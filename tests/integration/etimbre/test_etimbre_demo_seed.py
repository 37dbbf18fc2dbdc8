"""The demo data: written once, safe to run twice, and it says it is demo data."""

from __future__ import annotations

from typing import Any

from chalicelib.services.etimbre import settlement_file
from chalicelib.store.etimbre import reads
from scripts.demo import etimbre as demo


def test_the_demo_stamps_are_seeded_once(stack: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(demo, "_start_gateway", lambda env: [])
    first = demo.seed(stack.env)
    again = demo.seed(stack.env)
    assert "new: valid, used, expired" in first[0] and "new" not in again[0]
    states = {n: reads.get(demo._id(n)) for n in ("valid", "used", "expired")}
    assert {n: s.state for n, s in states.items() if s} == {
        "valid": "paid",
        "used": "used",
        "expired": "expired",
    }
    valid = states["valid"]
    assert valid is not None and valid.fee_reference.startswith("DEMO DATA")
    assert reads.by_number(demo._number("valid")) is not None
    day = valid.created_at.date().isoformat()
    assert "45.00" in (settlement_file.read(settlement_file.key_for(day)) or "")
