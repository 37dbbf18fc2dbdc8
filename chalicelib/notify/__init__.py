"""Notifications: templates in Arabic, French and English, the outbox delivery, and the SES
e-mail and SNS SMS senders. Messages are written with transitions (the outbox) and sent
from the cases stream, so a provider outage never loses one."""
