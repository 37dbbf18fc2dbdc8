"""The consular appointments service's items: calendars, slot seats, guards, waiting lists."""
