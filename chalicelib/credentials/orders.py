"""An equivalence order's share and its own verification code (decisions 54 and 55), as
values: the store (``chalicelib.store.credentials``) keeps them and the service
(``chalicelib.services.equivalence.credential``) makes and reads them through its port, so
the service names them without importing the store (as ``vci.Grant`` for offers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class OrderShare:
    share_id: str
    owner: str
    case_id: str
    label: str
    presentation: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    verifications: int = 0
    last_verified_at: datetime | None = None


@dataclass(frozen=True)
class OrderCode:
    code_id: str
    case_id: str
    number: int
    presentation: str
    created_at: datetime
    replaced_at: datetime | None = None
