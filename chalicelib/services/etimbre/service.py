"""Use cases of eTimbre: each route calls one of these. They live by responsibility in their
own modules; this one gathers them for the routes, the bench and the demo data.

- ``purchase``: a stamp bought for a service at a consulate (a payment session opened);
- ``payment``: the gateway's signed callbacks (paid, refunded, flagged) and the unpaid
  stamp's expiry timer;
- ``lookup``: a stamp found by its number or id, the owner's (one, or their list), and the
  public check;
- ``counter``: what an agent does with a paid stamp: use it at the counter, or refund it;
- ``refund_asks``: a buyer's refund request, and the agent's refusal of one;
- ``reconciliation``: the Treasury's day per consulate, and the gateway's settlement file;
- ``fee_payments``: the stamp as the fee of an appointment (``chalicelib.ports``).
"""

from __future__ import annotations

from chalicelib.services.etimbre.counter import consume, refund
from chalicelib.services.etimbre.lookup import mine, owned, public_state
from chalicelib.services.etimbre.payment import webhook
from chalicelib.services.etimbre.purchase import purchase
from chalicelib.services.etimbre.reconciliation import flags, match_settlement, totals
from chalicelib.services.etimbre.refund_asks import ask as ask_refund
from chalicelib.services.etimbre.refund_asks import refuse as refuse_refund
from chalicelib.services.etimbre.refund_asks import waiting as refunds_waiting

__all__ = [
    "ask_refund",
    "consume",
    "flags",
    "match_settlement",
    "mine",
    "owned",
    "public_state",
    "purchase",
    "refund",
    "refunds_waiting",
    "refuse_refund",
    "totals",
    "webhook",
]
