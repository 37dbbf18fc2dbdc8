"""Times in messages: in Africa/Casablanca, written out in letters (never an ISO string).

Month names are Morocco's own in Arabic (ماي, يوليوز, غشت...), as citizens read them on
official letters.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Africa/Casablanca")

_MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "en": "January February March April May June July August September October November December",
    "ar": "يناير فبراير مارس أبريل ماي يونيو يوليوز غشت شتنبر أكتوبر نونبر دجنبر",
}
_DAYS = {  # Monday first, as datetime.weekday()
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    "ar": "الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت الأحد",
}
_TIME = {
    "fr": "{day} à {hour} h {minute:02d} (heure du Maroc)",
    "en": "{day} at {hour:02d}:{minute:02d} (Morocco time)",
    "ar": "{day} على الساعة {hour:02d}:{minute:02d} (بتوقيت المغرب)",
}


def parse(value: object) -> datetime | None:
    """An ISO 8601 string or a datetime, as an aware UTC time; None if it is neither."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def date_in_letters(moment: datetime, language: str) -> str:
    """``12 mai 2026``, ``12 May 2026``, ``12 ماي 2026`` (the local day in Casablanca)."""
    local = moment.astimezone(ZONE)
    month = _MONTHS[language].split()[local.month - 1]
    day = "1er" if language == "fr" and local.day == 1 else str(local.day)
    return f"{day} {month} {local.year}"


def time_in_letters(moment: datetime, language: str) -> str:
    """``mardi 12 mai 2026 à 14 h 30 (heure du Maroc)`` and its English and Arabic forms."""
    local = moment.astimezone(ZONE)
    weekday = _DAYS[language].split()[local.weekday()]
    day = f"{weekday} {date_in_letters(moment, language)}"
    return _TIME[language].format(day=day, hour=local.hour, minute=local.minute)
