"""docs/law.md maps each clause of the source texts to the code that enforces it and the test
that proves it. This keeps the map honest: every row names a seed that exists, code that
exists (a file, and the name it cites in it) and a test function that exists; a clause the
code does not enforce says why instead, in the code column."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAW = ROOT / "docs" / "law.md"
SEEDS = ("000", "001", "002", "003", "004")
CITED = re.compile(r"`([^`]+)`")
PATH = re.compile(r"^[\w.-]+/[\w./-]+(::[\w.]+)?$")  # a file, maybe with a name in it
NOT_ENFORCED = "not enforced:"


def rows() -> list[list[str]]:
    """The table rows: | seed | clause | says | code | test |."""
    table = []
    for line in LAW.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 5 and cells[0][:3] in SEEDS:
            table.append(cells)
    return table


@cache
def names_in(path: Path) -> frozenset[str]:
    """Every function, class and top-level assignment named in a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found |= {t.id for t in targets if isinstance(t, ast.Name)}
    return frozenset(found)


def missing(citation: str) -> str | None:
    """Why ``path`` or ``path::name`` does not exist, or None."""
    path_text, _, name = citation.partition("::")
    path = ROOT / path_text
    if not path.exists():
        return f"no file {path_text}"
    if name and path.suffix == ".py" and name.split(".")[-1] not in names_in(path):
        return f"no {name} in {path_text}"
    return None


def test_the_map_covers_every_seed() -> None:
    seeds = {row[0][:3] for row in rows()}
    assert seeds == set(SEEDS), f"no row for seeds {sorted(set(SEEDS) - seeds)}"


def test_every_row_cites_code_and_a_test_that_exist_or_says_why_not() -> None:
    problems = []
    for seed, clause, _, code, test in rows():
        where = f"{seed} {clause}"
        if code.lower().startswith(NOT_ENFORCED):
            if len(code) < len(NOT_ENFORCED) + 10:
                problems.append(f"{where}: say why it is not enforced")
            continue
        cited_code, cited_tests = CITED.findall(code), CITED.findall(test)
        if not cited_code:
            problems.append(f"{where}: no code cited")
        if not [t for t in cited_tests if t.startswith("tests/")]:
            problems.append(f"{where}: no test cited")
        for citation in [*cited_code, *cited_tests]:
            if PATH.match(citation) and (why := missing(citation)):
                problems.append(f"{where}: {why}")
    assert not problems, "\n".join(problems)


def test_every_seed_file_cited_exists() -> None:
    seeds = ROOT.parent / "shared" / "seeds"
    if not seeds.exists():
        pytest.skip("no shared/ beside this checkout")
    present = {p.name[:3] for p in seeds.glob("0*.txt")}
    assert set(SEEDS) <= present
