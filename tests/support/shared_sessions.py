"""One botocore session per thread for PynamoDB's connections, in the test process.

PynamoDB gives each ``Connection`` a botocore session of its own, and the stores open a
``Connection`` per transaction (``chalicelib/store/stats.py``, ``etimbre/moves.py``): every
new session reads botocore's JSON models from disk again before it builds a client, about a
tenth of an end-to-end test's time. Here the connections of one thread share one session; each
still builds its own client from it (and PynamoDB keeps its sessions per thread because
botocore's client creation is not thread-safe, so this keeps them per thread too). The app
passes no credentials to a ``Connection`` (it uses the environment's), so no connection can
change another's session.
"""

from __future__ import annotations

import threading
from typing import Any

_installed = False
_local = threading.local()


def install() -> None:
    global _installed
    if _installed:
        return
    from botocore.session import get_session
    from pynamodb.connection import base

    def shared_session() -> Any:
        session = getattr(_local, "session", None)
        if session is None:
            session = _local.session = get_session()
        return session

    base.get_session = shared_session  # type: ignore[attr-defined]
    _installed = True
