"""``make verify-draw ROUND=<id>``: recompute a consular release round's draw from its public
JSON alone (decision 58), with nothing but the standard library: no database, no app code.

    python -m scripts.verify_draw --round <id>                      # the API of `make run`
    python -m scripts.verify_draw --round <id> --api https://api.example
    python -m scripts.verify_draw --file round.json                 # a copy of the JSON

It checks that the seed matches the commitment published before entries opened, that the
published order is the entry references sorted by HMAC-SHA256(seed, reference), and that
each entry in that order got the earliest of its acceptable slots with a seat left (the
consulate's local time, half-days split at noon). Exit code 1 on the first mismatch.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

LOCAL_API = "http://127.0.0.1:8000"


def order(seed: bytes, references: list[str]) -> list[str]:
    """The documented permutation (docs/consular.md)."""
    return sorted(
        references,
        key=lambda r: (hmac.new(seed, r.encode("ascii"), hashlib.sha256).hexdigest(), r),
    )


def _covers(choice: str, local: datetime) -> bool:
    day, _, half = choice.partition("/")
    if local.date().isoformat() != day:
        return False
    return not half or (half == "am") == (local.hour < 12)


def allocation(public: dict[str, Any], drawn: list[str]) -> dict[str, str | None]:
    """Each reference in order: the earliest acceptable slot with a seat left, or None."""
    zone = ZoneInfo(public["time_zone"])
    left = dict(public["seats"])
    choices = {e["reference"]: e["choices"] for e in public["entries"]}
    starts = sorted(left)
    won: dict[str, str | None] = {}
    for ref in drawn:
        local = {
            s: datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(zone) for s in starts
        }
        slot = next(
            (s for s in starts if left[s] > 0 and any(_covers(c, local[s]) for c in choices[ref])),
            None,
        )
        if slot is not None:
            left[slot] -= 1
        won[ref] = slot
    return won


def check(public: dict[str, Any]) -> list[str]:
    """What does not match (empty: the draw is the one the commitment bound)."""
    if not public.get("seed"):
        return [f"round {public.get('id')} is {public.get('state')}: not drawn yet"]
    seed = bytes.fromhex(public["seed"])
    if hashlib.sha256(seed).hexdigest() != public["commitment"]:
        return ["the seed does not match the commitment published before entries"]
    references = [e["reference"] for e in public["entries"]]
    drawn = order(seed, references)
    if drawn != public["order"] or drawn != references:
        return ["the published order is not the one the seed and the entries give"]
    won = allocation(public, drawn)
    return [
        f"entry {e['reference'][:12]}...: published {e['slot']}, recomputed {won[e['reference']]}"
        for e in public["entries"]
        if e["slot"] != won[e["reference"]]
    ]


def fetch(round_id: str, api: str) -> dict[str, Any]:
    url = f"{api.rstrip('/')}/public/consular/releases/{round_id}"
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - an http(s) URL given
        data: dict[str, Any] = json.load(answer)
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--round", help="the round's id, read from the API")
    source.add_argument("--file", type=Path, help="the round's public JSON, saved")
    parser.add_argument("--api", default=LOCAL_API, help=f"the API's base URL ({LOCAL_API})")
    args = parser.parse_args(argv)
    public = json.loads(args.file.read_text()) if args.file else fetch(args.round, args.api)
    problems = check(public)
    for problem in problems:
        print(f"MISMATCH: {problem}")
    if problems:
        return 1
    won = sum(1 for e in public["entries"] if e["slot"])
    print(
        f"round {public['id']}: seed matches the commitment {public['commitment'][:16]}...; "
        f"order of {len(public['order'])} entries recomputed; {won} seats and "
        f"{len(public['order']) - won} on the waiting list, as published"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
