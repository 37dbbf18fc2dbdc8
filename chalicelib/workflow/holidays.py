"""Moroccan public holidays, as data per year (``holidays.toml``), for working-day clocks.

The data file is read once per process, like an import; the domain code takes the dates as
an argument. ``python -m chalicelib.workflow.holidays [first last]`` writes the file again:
civil holidays on fixed dates, Hijri-dated ones converted with hijridate (Umm al-Qura).
"""

from __future__ import annotations

import json
import sys
import tomllib
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).with_name("holidays.toml")
YENNAYER_SINCE = 2024  # the Amazigh new year became a paid public holiday in 2024

# (month, day, fr, ar): the civil calendar's holidays.
CIVIL = (
    (1, 1, "Nouvel an", "رأس السنة الميلادية"),
    (1, 11, "Manifeste de l'indépendance", "ذكرى تقديم وثيقة الاستقلال"),
    (1, 14, "Nouvel an amazigh (Yennayer)", "رأس السنة الأمازيغية"),
    (5, 1, "Fête du travail", "عيد الشغل"),
    (7, 30, "Fête du trône", "عيد العرش"),
    (8, 14, "Allégeance de Oued Eddahab", "ذكرى استرجاع إقليم وادي الذهب"),
    (8, 20, "Révolution du roi et du peuple", "ذكرى ثورة الملك والشعب"),
    (8, 21, "Fête de la jeunesse", "عيد الشباب"),
    (11, 6, "Marche verte", "ذكرى المسيرة الخضراء"),
    (11, 18, "Fête de l'indépendance", "عيد الاستقلال"),
)
# (Hijri month, day, fr, ar): the religious holidays, dated in the Hijri calendar.
HIJRI = (
    (1, 1, "1er Moharram (nouvel an de l'hégire)", "فاتح محرم"),
    (3, 12, "Aïd al-Mawlid", "عيد المولد النبوي"),
    (3, 13, "Aïd al-Mawlid (2e jour)", "عيد المولد النبوي (اليوم الثاني)"),
    (10, 1, "Aïd al-Fitr", "عيد الفطر"),
    (10, 2, "Aïd al-Fitr (2e jour)", "عيد الفطر (اليوم الثاني)"),
    (12, 10, "Aïd al-Adha", "عيد الأضحى"),
    (12, 11, "Aïd al-Adha (2e jour)", "عيد الأضحى (اليوم الثاني)"),
)

HEADER = """\
# Moroccan public holidays, by year: working-day clocks skip them, and weekends.
#
# Written by `python -m chalicelib.workflow.holidays {first} {last}`. Civil holidays fall on
# fixed dates. Hijri-dated ones are converted with hijridate (the Umm al-Qura calendar), but
# in Morocco they follow the local sighting of the moon, announced by the ministry of Habous
# and Islamic affairs on the eve, and often fall a day later than Umm al-Qura says.
# THIS FILE IS THE PLACE TO CORRECT SUCH A DATE: change the holiday's `date` (keep its
# `hijri`), add a comment saying who announced it, and commit. Running the generator again
# overwrites corrections: diff before committing. Add the next years before they begin
# (a unit test fails when next year is missing).
"""


class Holiday(NamedTuple):
    date: date
    fr: str
    ar: str
    hijri: str = ""  # the Hijri date it celebrates, YYYY-MM-DD, for those that have one


def generate(first: int, last: int) -> list[Holiday]:
    """The holidays of the Gregorian years ``first`` to ``last``, in date order."""
    from hijridate import Gregorian, Hijri  # only the generator and its tests need it

    years = range(first, last + 1)
    found = [
        Holiday(date(y, m, d), fr, ar)
        for y in years
        for m, d, fr, ar in CIVIL
        if (m, d) != (1, 14) or y >= YENNAYER_SINCE
    ]
    opening, closing = Gregorian(first, 1, 1).to_hijri(), Gregorian(last, 12, 31).to_hijri()
    for hijri_year in range(opening.year, closing.year + 1):
        for month, day, fr, ar in HIJRI:
            gregorian = Hijri(hijri_year, month, day).to_gregorian()
            when = date(gregorian.year, gregorian.month, gregorian.day)
            if when.year in years:
                found.append(Holiday(when, fr, ar, f"{hijri_year:04d}-{month:02d}-{day:02d}"))
    return sorted(found, key=lambda h: (h.date, h.hijri))


def to_toml(holidays: list[Holiday]) -> str:
    years = sorted({h.date.year for h in holidays})
    lines = [HEADER.format(first=years[0], last=years[-1])]
    for year in years:
        lines.append(f"# --- {year} " + "-" * 80)
        for h in (h for h in holidays if h.date.year == year):
            lines += [
                "[[holiday]]",
                f"date = {h.date.isoformat()}",
                f"fr = {json.dumps(h.fr, ensure_ascii=False)}",
                f"ar = {json.dumps(h.ar, ensure_ascii=False)}",
            ]
            lines += [f'hijri = "{h.hijri}"'] if h.hijri else []
            lines.append("")
    return "\n".join(lines)


def parse(text: str) -> list[Holiday]:
    return [
        Holiday(entry["date"], entry["fr"], entry["ar"], entry.get("hijri", ""))
        for entry in tomllib.loads(text)["holiday"]
    ]


@lru_cache(maxsize=1)
def moroccan() -> frozenset[date]:
    """Every public holiday of the data file."""
    return frozenset(h.date for h in parse(DATA.read_text(encoding="utf-8")))


def main(argv: list[str]) -> None:
    first, last = (int(argv[0]), int(argv[1])) if len(argv) == 2 else (2024, 2030)
    DATA.write_text(to_toml(generate(first, last)), encoding="utf-8")
    print(f"wrote {DATA} for {first}-{last}")


if __name__ == "__main__":
    main(sys.argv[1:])
