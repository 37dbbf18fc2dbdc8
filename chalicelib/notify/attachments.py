"""Attachments of an e-mail, made from the message's data when it is sent, so the outbox
keeps data, not files: ``data["attachments"] = [{"kind": "icalendar", "filename": ...,
"event": {...}}]``. Each kind has a renderer; an attachment that cannot be made is the
message's fault (``AttachmentError``): no retry would help.

``icalendar``: one event (RFC 5545) with ``uid`` (stable for the appointment, so a calendar
updates the event rather than adding one), ``start``/``end`` (ISO 8601 UTC), ``tzid`` (shown
in the place's own zone, its VTIMEZONE included), ``summary``, ``location``, ``description``,
``alarm_minutes`` (a reminder that long before; none if 0) and ``method`` (REQUEST, or
CANCEL with ``sequence`` above the booking's to take the event out of the calendar).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib import clock


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # with its parameters: text/calendar; method=REQUEST; charset=UTF-8
    content: bytes


class AttachmentError(ValueError):
    pass


def render_all(specs: Any) -> list[Attachment]:
    """The attachments a message's data asks for (none when it asks for none)."""
    if not specs:
        return []
    if not isinstance(specs, Sequence) or isinstance(specs, str):
        raise AttachmentError("attachments must be a list")
    return [render(spec) for spec in specs]


def render(spec: Any) -> Attachment:
    if not isinstance(spec, Mapping):
        raise AttachmentError("an attachment must be an object")
    kind = spec.get("kind")
    if kind == "icalendar":
        return _icalendar(spec)
    raise AttachmentError(f"unknown attachment kind {kind!r}")


def _icalendar(spec: Mapping[str, Any]) -> Attachment:
    from icalendar import Alarm, Calendar, Event  # deferred: only e-mails with one need it

    event_data = spec.get("event")
    if not isinstance(event_data, Mapping):
        raise AttachmentError("an icalendar attachment needs its event")
    try:
        zone = ZoneInfo(str(event_data.get("tzid") or "UTC"))
        start, end = _moment(event_data["start"], zone), _moment(event_data["end"], zone)
        uid = str(event_data["uid"])
    except (KeyError, ValueError, ZoneInfoNotFoundError) as error:
        raise AttachmentError(f"icalendar event: {error}") from error
    method = str(event_data.get("method") or "REQUEST").upper()
    if method not in ("REQUEST", "CANCEL", "PUBLISH"):
        raise AttachmentError(f"icalendar method {method!r}")
    calendar = Calendar()
    calendar.add("prodid", "-//Khidmat//e-services//FR")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", clock.now())
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("sequence", int(event_data.get("sequence", 0)))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    for field in ("summary", "location", "description"):
        if event_data.get(field):
            event.add(field, str(event_data[field]))
    minutes = int(event_data.get("alarm_minutes", 0) or 0)
    if minutes > 0 and method != "CANCEL":
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", str(event_data.get("summary", "")) or "Reminder")
        alarm.add("trigger", timedelta(minutes=-minutes))
        event.add_component(alarm)
    calendar.add_component(event)
    calendar.add_missing_timezones()  # the VTIMEZONE of the place's zone
    name = str(spec.get("filename") or "event.ics")
    content_type = f"text/calendar; method={method}; charset=UTF-8"
    return Attachment(name, content_type, calendar.to_ical())


def _moment(value: Any, zone: ZoneInfo) -> datetime:
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset")
    return moment.astimezone(zone)
