"""``make schools CSV=path``: load a school map (CSV) into the stack of ``make run``.

The same import as ``POST /enrollment/schools/import`` (admin), run here against the moto
server: good lines are loaded, each bad line is printed with its field and why, and the
exit status is 1 if any line was refused.

    python -m scripts.schools path/to/schools.csv [--stage local]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scripts.outbox import connect


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("csv", type=Path, help="the school map, UTF-8 CSV with a header")
    parser.add_argument("--stage", default="local")
    args = parser.parse_args(argv)
    try:
        text = args.csv.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"cannot read {args.csv}: {error}")
        return 1
    try:
        connect(args.stage)
    except Exception as error:  # no server, or no stack in it: say what to do
        print(f"no Khidmat stack on the moto server ({error}); start it with `make run`")
        return 1
    from chalicelib.services.enrollment import school_import

    report = school_import.load(text)
    print(f"{report['loaded']} of {report['read']} schools loaded from {args.csv}")
    for problem in report["errors"]:
        print(f"  line {problem['line']}, {problem['field']}: {problem['message']}")
    if report["errors_total"] > len(report["errors"]):
        print(f"  ... {report['errors_total'] - len(report['errors'])} more")
    return 1 if report["errors_total"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
