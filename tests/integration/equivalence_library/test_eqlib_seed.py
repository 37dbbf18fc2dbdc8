"""The demo seed for ``make run``: 2,000 DEMO decisions through the real import path."""

from __future__ import annotations

from typing import Any

from chalicelib.services.equivalence.library import index, search
from scripts.demo import equivalence


def test_seed_imports_demo_decisions_and_is_safe_to_run_twice(stack: Any) -> None:
    first = equivalence.seed(stack.env)
    second = equivalence.seed(stack.env)
    assert len(first) == len(second) == 6
    assert "HEC (8)" in first[-1]
    assert "(already there)" in second[1]  # the guide: built once
    loaded = search.current_index()
    assert loaded is not None and loaded.decisions >= equivalence.DEMO_DECISIONS
    found, _ = search.search(loaded, "", index.Filters(), 5, 0)
    assert all(item["demo"] and item["number"].startswith("DEMO-") for item in found)


def test_seed_files_in_several_states_with_history_and_audit(stack: Any) -> None:
    import app as app_module
    from chalicelib.audit.chain import TRANSITIONS
    from chalicelib.store import audit
    from chalicelib.store import cases as store
    from chalicelib.workflow import lifecycle
    from scripts.demo import equivalence_files as files
    from scripts.local_events import Pump

    first, again = files.seed_files(), files.seed_files()
    assert first == again and f"SUB={files.AMINA}" in first[0]
    states = {}
    for subject in (files.AMINA, files.YOUSSEF):
        owned = store.of_owner(f"citizen:{subject}", 20, None).cases
        states[subject] = sorted(c.state for c in owned)
        assert all(c.payload["diploma"]["demo"] == files.NOTICE for c in owned)
    # run twice, still two files each
    assert states == {
        files.AMINA: ["draft", "granted"],
        files.YOUSSEF: ["submitted", "with_committee"],
    }
    amina = store.of_owner(f"citizen:{files.AMINA}", 20, None).cases
    granted = next(c for c in amina if c.state == "granted")
    _, history = lifecycle.find_with_history(granted.id)
    events = [h.event for h in history]
    assert {"submit", "accept_file", "refer", "propose", "decide"} <= set(events)
    assert granted.payload["decisions"][0]["bo"]["number"] == "DEMO-7480"
    Pump(app_module, stack.env).drain()  # the stream writes the transitions' audit records
    assert len(audit.chain_of(granted.id, TRANSITIONS)) >= 6
