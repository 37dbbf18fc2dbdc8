"""Who someone is, is the pair (issuer, sub): a staff token whose ``sub`` equals a citizen's
is somebody else. It reads none of her objects and never gets her stored answers."""

from __future__ import annotations

import uuid
from typing import Any

from tests.e2e.etimbre.helpers import buy, headers


def test_a_staff_token_with_a_citizens_sub_reads_nothing_of_hers(http: Any, token: Any) -> None:
    sub = f"twin-{uuid.uuid4().hex[:8]}"
    citizen = token("citizen", sub=sub)
    bought = buy(http, citizen, f"twin-{sub}")
    assert bought.status_code == 201, bought.body
    stamp = f"/etimbre/stamps/{bought.json_body['id']}"
    assert http.get(stamp, headers=headers(citizen)).status_code == 200

    twin = token("consular_agent", office="ES-MAD", sub=sub)  # not her consulate
    answer = http.get(stamp, headers=headers(twin))
    assert answer.status_code == 404, answer.body
    # The agent of the stamp's consulate does see it: the office, not the sub, lets him in.
    agent = token("consular_agent", office="FR-PAR", sub=f"agent-{sub}")
    assert http.get(stamp, headers=headers(agent)).status_code == 200


def test_an_idempotency_key_replays_only_to_whoever_used_it(http: Any, token: Any) -> None:
    sub, key = f"twin-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    online = buy(http, token("citizen", sub=sub), key)
    assert online.status_code == 201, online.body
    # An agent whose sub is hers, same path, same key: his own sale, not her stored answer.
    agent = token("consular_agent", office="FR-PAR", sub=sub)
    sale = buy(http, agent, key, channel="terminal", terminal_reference="TPE-TWIN")
    assert sale.status_code == 201, sale.body
    assert sale.json_body["id"] != online.json_body["id"]
    assert sale.json_body["channel"] == "terminal" and online.json_body["channel"] == "online"
