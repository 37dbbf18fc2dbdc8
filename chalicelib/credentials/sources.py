"""Where the wallet's credentials come from. Each service that issues one (the bac
certificate, the equivalence order) provides a source, and ``services.install`` wires it, so
the wallet flow (``offers.py``) knows no service: it asks each source what the citizen holds,
and has the source of a grant issue it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

from chalicelib.identity import Principal


class CredentialSource(Protocol):
    # True: offered for a file the citizen names (``?case=``); False: for the citizen alone.
    takes_case: bool

    def subject_of(self, citizen: Principal, case_id: str | None, correlation_id: str) -> str:
        """The reference of the credential to offer ("": nothing to offer), or a refusal
        (someone else's file is not found; a file with nothing to offer, a conflict)."""
        ...

    def issue(self, subject_ref: str, holder: dict[str, Any]) -> str:
        """The SD-JWT VC of ``subject_ref`` bound to ``holder``'s key, or a ``GrantError``
        when it is no longer valid."""
        ...


_SOURCES: dict[str, Callable[[], CredentialSource]] = {}


def provide(kind: str, source: Callable[[], CredentialSource]) -> None:
    """Credentials of type ``kind`` (``types.<TYPE>.key``) come from ``source()``, made on
    first use."""
    _SOURCES[kind] = source


def kinds() -> list[str]:
    return list(_SOURCES)


def source_of(kind: str) -> CredentialSource:
    from chalicelib.credentials.vci import GrantError

    if kind not in _SOURCES:
        raise GrantError("invalid_credential_request", f"no credential of type {kind!r} here")
    return _SOURCES[kind]()


@contextmanager
def using(provided: Mapping[str, CredentialSource]) -> Iterator[None]:
    """Only the sources ``provided`` while the block runs (a unit test's, in place of the
    services' the app wired), the app's again after it."""
    wired = dict(_SOURCES)
    _SOURCES.clear()
    _SOURCES.update({kind: _itself(source) for kind, source in provided.items()})
    try:
        yield
    finally:
        _SOURCES.clear()
        _SOURCES.update(wired)


def _itself(source: CredentialSource) -> Callable[[], CredentialSource]:
    return lambda: source
