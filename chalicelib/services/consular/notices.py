"""What the citizen reads about an appointment, in their language: the date and time in the
consulate's own zone, the address, what to bring, and the iCalendar event of the booking."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib import clock
from chalicelib.consulates import Consulate, Service
from chalicelib.notify import dates

_TIME = {
    "fr": "{day} à {hour} h {minute:02d} (heure locale de {city})",
    "en": "{day} at {hour:02d}:{minute:02d} ({city} local time)",
    "ar": "{day} على الساعة {hour:02d}:{minute:02d} (بالتوقيت المحلي لـ{city})",
}


def appointment_text(start: datetime, consulate: Consulate, language: str) -> str:
    """``mardi 12 mai 2026 à 9 h 30 (heure locale de Paris)``."""
    lang = language if language in _TIME else "fr"
    local = start.astimezone(ZoneInfo(consulate.time_zone))
    weekday = dates._DAYS[lang].split()[local.weekday()]
    month = dates._MONTHS[lang].split()[local.month - 1]
    day = "1er" if lang == "fr" and local.day == 1 else str(local.day)
    text = f"{weekday} {day} {month} {local.year}"
    return _TIME[lang].format(day=text, hour=local.hour, minute=local.minute, city=consulate.city)


def notice(
    start: datetime, consulate: Consulate, service: Service, language: str
) -> dict[str, str]:
    """The values the appointment's messages show (``{appointment}``, ``{address}`` ...)."""
    lang = language if language in ("ar", "fr", "en") else "fr"
    bring = ", ".join(rule.titles.get(lang, rule.kind) for rule in service.documents)
    return {
        "appointment": appointment_text(start, consulate, lang),
        "address": consulate.address,
        "consulate": consulate.names.get(lang, consulate.names["fr"]),
        "service": service.names.get(lang, service.names["fr"]),
        "bring": bring,
    }


def calendar_attachment(
    case_id: str,
    reference: str,
    start: datetime,
    end: datetime,
    consulate: Consulate,
    service: Service,
    language: str,
    cancelled: bool = False,
) -> dict[str, Any]:
    """The booking as data for notify's iCalendar attachment (rendered when sent): in the
    consulate's zone, with what to bring and a reminder a day before. One UID per request,
    so a moved booking updates the event and a cancellation removes it."""
    shown = notice(start, consulate, service, language)
    return {
        "kind": "icalendar",
        "filename": f"{reference}.ics",
        "event": {
            "uid": f"{case_id}@khidmat.gov.ma",
            "start": start.isoformat(),
            "end": end.isoformat(),
            "tzid": consulate.time_zone,
            "summary": f"{shown['service']} — {shown['consulate']} ({reference})",
            "location": consulate.address,
            "description": shown["bring"],
            "alarm_minutes": 24 * 60,
            # a later version of the same event: calendars keep the newest
            "sequence": int(clock.now().timestamp()),
            "method": "CANCEL" if cancelled else "REQUEST",
        },
    }
