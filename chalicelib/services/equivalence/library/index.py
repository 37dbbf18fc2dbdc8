"""The decisions catalogue as one SQLite file with an FTS5 full-text index.

Built in one go on import (the catalogue is read-mostly: a few imports a year, many reads),
then read-only on every Lambda container. Text is folded by ``normalise`` before it is
indexed and before it is searched, so FTS5 only has to split words. Arabic words are also
indexed without their article and clitics (``الطب`` -> ``طب``, ``والهندسة`` -> ``هندسه``),
so a query with or without the article finds them.

Ranking: bm25 with the diploma title weighing most, then institution and equivalent, then
the rest (country names, level, field, conditions, BO number); ties go to newer decisions.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.services.equivalence.library.countries import COUNTRIES
from chalicelib.services.equivalence.library.decisions import Decision, from_public
from chalicelib.services.equivalence.library.levels import DECISION_LEVELS
from chalicelib.services.equivalence.library.normalise import normalise, words
from chalicelib.services.equivalence.requirements import TRAININGS

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE decisions(
  id INTEGER PRIMARY KEY,  -- in order of decision date: newest = highest id
  number TEXT NOT NULL UNIQUE,
  year INTEGER NOT NULL,
  country TEXT NOT NULL,
  level TEXT NOT NULL,
  field TEXT NOT NULL,
  institution_key TEXT NOT NULL
);
CREATE TABLE docs(id INTEGER PRIMARY KEY, doc TEXT NOT NULL);  -- the public JSON, apart
CREATE VIRTUAL TABLE decisions_fts USING fts5(
  diploma, institution, equivalent, other,
  content='', tokenize='unicode61 remove_diacritics 0'
);
"""
# Filters combine; these indexes serve the common ones without the full-text part.
INDEXES = """
CREATE INDEX decisions_by_year ON decisions(year, id);
CREATE INDEX decisions_by_country ON decisions(country, id);
CREATE INDEX decisions_by_institution ON decisions(institution_key, id);
CREATE INDEX decisions_by_level ON decisions(level, field, id);
"""
# bm25 weights of the columns (in _RANKED): diploma 10, institution 4, equivalent 4, other 1.
# bm25 costs about 2 microseconds per matching row: a word in half the catalogue
# ("université") would cost 100 ms to rank exactly on 100,000 decisions. So a query ranks
# the WINDOW most recent matches (all of them when there are fewer, the usual case for a
# precise query); older matches of a very common word come after.
# See docs/equivalence-search.md.
WINDOW = 1500
_CLITICS = ("وال", "بال", "كال", "فال", "لل", "ال")


def _with_bare_forms(text: str) -> str:
    """Normalised text plus each Arabic word without its article/clitic prefix."""
    folded = normalise(text)
    extra = []
    for word in folded.split():
        for clitic in _CLITICS:
            if word.startswith(clitic) and len(word) - len(clitic) >= 2:
                extra.append(word[len(clitic) :])
                break
    return " ".join([folded, *extra])


def _other_text(d: Decision) -> str:
    fr, ar = COUNTRIES[d.country]
    level, field = DECISION_LEVELS[d.level]["titles"], TRAININGS[d.field]["titles"]
    parts = [fr, ar, level["fr"], level["ar"], field["fr"], field["ar"], d.conditions, d.reasons]
    parts += [d.bo_number, d.number]
    return " ".join(parts)


@dataclass(frozen=True)
class BuildStats:
    decisions: int
    bytes: int


def build(decisions: Iterable[Decision], path: Path, version: str) -> BuildStats:
    """Write a fresh index file at ``path`` (replacing any) from the decisions, numbered
    in order of decision date so that the newest has the highest id."""
    ordered = sorted(decisions, key=lambda d: (d.decision_date, d.number))
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        with db:
            db.executemany(
                "INSERT INTO decisions VALUES (?,?,?,?,?,?,?)",
                (
                    (n, d.number, d.year, d.country, d.level, d.field, normalise(d.institution))
                    for n, d in enumerate(ordered, 1)
                ),
            )
            db.executemany(
                "INSERT INTO docs VALUES (?,?)",
                (
                    (n, json.dumps(d.public(), ensure_ascii=False, separators=(",", ":")))
                    for n, d in enumerate(ordered, 1)
                ),
            )
            db.executemany(
                "INSERT INTO decisions_fts(rowid, diploma, institution, equivalent, other)"
                " VALUES (?,?,?,?,?)",
                (
                    (
                        n,
                        _with_bare_forms(d.diploma),
                        _with_bare_forms(d.institution),
                        _with_bare_forms(d.equivalent),
                        _with_bare_forms(_other_text(d)),
                    )
                    for n, d in enumerate(ordered, 1)
                ),
            )
            db.executescript(INDEXES)
            db.execute("INSERT INTO decisions_fts(decisions_fts) VALUES ('optimize')")
            db.execute(
                "INSERT INTO meta VALUES ('version', ?), ('count', ?)", (version, str(len(ordered)))
            )
        db.execute("ANALYZE")
        db.execute("VACUUM")
    finally:
        db.close()
    return BuildStats(len(ordered), path.stat().st_size)


def open_read_only(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    db.execute("PRAGMA query_only=1")
    return db


def all_decisions(db: sqlite3.Connection) -> Iterable[Decision]:
    for (doc,) in db.execute("SELECT doc FROM docs ORDER BY id"):
        yield from_public(json.loads(doc))


def count(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT count(*) FROM decisions").fetchone()[0])


@dataclass(frozen=True)
class Filters:
    country: str | None = None
    institution: str | None = None
    year: int | None = None
    level: str | None = None
    field: str | None = None


# Words too common to narrow a search: left out of a query (unless it has nothing else),
# still indexed. Folded forms.
STOPWORDS = frozenset(
    [
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "d",
        "en",
        "et",
        "a",
        "au",
        "aux",
        "un",
        "une",
        "pour",
        "par",
        "sur",
        "dans",
        "في",
        "من",
        "على",
        "الى",
        "عن",
        "و",
        "ب",
        "ل",
        "مع",
    ]
)


def match_expression(query: str) -> str | None:
    """The FTS5 query for free text: every word must appear; the last word may also be the
    start of a word (``doctorat medec`` finds ``medecine``), as when typing. Very common
    words are left out. None when the text has no word at all."""
    terms = words(query)[:12]
    if not terms:
        return None
    meaningful = [t for t in terms if t not in STOPWORDS] or terms
    quoted = [f'"{t}"' for t in meaningful]  # folded words hold no quote
    if len(meaningful[-1]) >= 3:
        quoted[-1] += "*"
    return " AND ".join(quoted)


def _where(filters: Filters) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("d.country", filters.country),
        ("d.year", filters.year),
        ("d.level", filters.level),
        ("d.field", filters.field),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if filters.institution:
        clauses.append("d.institution_key = ?")
        params.append(normalise(filters.institution))
    return clauses, params


# The SQL below is assembled from fixed fragments only (column names chosen in _where);
# every value a caller gives is a bound parameter.
_RANKED = (
    "SELECT docs.doc, c.score FROM ("
    " SELECT decisions_fts.rowid AS id, bm25(decisions_fts, 10.0, 4.0, 4.0, 1.0) AS score"
    " FROM decisions_fts JOIN decisions d ON d.id = decisions_fts.rowid"
    " WHERE decisions_fts MATCH ?{filters} ORDER BY decisions_fts.rowid DESC LIMIT ?"
    ") c JOIN docs ON docs.id = c.id ORDER BY c.score, c.id DESC LIMIT ? OFFSET ?"
)
_NEWEST = (
    "SELECT docs.doc, 0 FROM (SELECT d.id FROM decisions d WHERE 1{filters}"
    " ORDER BY d.id DESC LIMIT ? OFFSET ?) c JOIN docs ON docs.id = c.id ORDER BY c.id DESC"
)


def search(
    db: sqlite3.Connection, query: str, filters: Filters, limit: int, offset: int
) -> tuple[list[dict[str, Any]], bool]:
    """One page of decisions (best match first, or newest first without ``query``) and
    whether there is a next page."""
    clauses, params = _where(filters)
    conditions = "".join(f" AND {c}" for c in clauses)
    expression = match_expression(query) if query else None
    if query and expression is None:
        return [], False
    if expression is not None:
        # Rank the newest WINDOW matches (enough for this page) by bm25; see WINDOW.
        window = max(WINDOW, offset + limit + 1)
        sql = _RANKED.format(filters=conditions)
        arguments = [expression, *params, window, limit + 1, offset]
    else:
        sql = _NEWEST.format(filters=conditions)
        arguments = [*params, limit + 1, offset]
    found = db.execute(sql, arguments).fetchall()
    items = []
    for doc, score in found[:limit]:
        item = json.loads(doc)
        item["score"] = round(-float(score), 3) if expression is not None else None
        items.append(item)
    return items, len(found) > limit


def similar(
    db: sqlite3.Connection, institution: str, diploma: str, limit: int
) -> list[dict[str, Any]]:
    """Decisions for this institution (folded, exactly) whose diploma shares the title's
    words, best match first: the applicant's precedents."""
    terms = words(diploma)[:12]
    if not terms:
        return []
    # Any word of the title may match (OR): titles are written many ways; bm25 ranks.
    expression = "{diploma}: (" + " OR ".join(f'"{t}"' for t in terms) + ")"
    sql = _RANKED.format(filters=" AND d.institution_key = ?")
    found: Sequence[tuple[str, float]] = db.execute(
        sql, (expression, normalise(institution), WINDOW, limit, 0)
    ).fetchall()
    return [json.loads(doc) for doc, _ in found]
