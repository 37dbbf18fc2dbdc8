from __future__ import annotations

import pytest

from chalicelib.api.pagination import clamp_limit, decode_cursor, encode_cursor
from chalicelib.api.problems import status_of
from chalicelib.refusals import Refusal

KEY = b"k" * 32
LAST = {"pk": "CASE#1", "sk": "2026-11-26T10:00:00+00:00#a"}


def test_round_trip() -> None:
    cursor = encode_cursor(KEY, "audit:1", LAST)
    assert cursor is not None
    assert decode_cursor(KEY, "audit:1", cursor) == LAST


def test_last_page_has_no_cursor() -> None:
    assert encode_cursor(KEY, "audit:1", None) is None
    assert decode_cursor(KEY, "audit:1", None) is None


@pytest.mark.parametrize(
    "mutate",
    [
        lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"),  # signature edited
        lambda c: "eyJwayI6IkNBU0UjMiJ9." + c.split(".")[1],  # payload swapped
        lambda c: c.replace(".", ""),  # structure broken
        lambda c: "not-a-cursor",
        lambda c: "%%%.###",
    ],
)
def test_edited_or_forged_cursor_is_a_400(mutate) -> None:  # type: ignore[no-untyped-def]
    cursor = encode_cursor(KEY, "audit:1", LAST)
    assert cursor is not None
    with pytest.raises(Refusal) as caught:
        decode_cursor(KEY, "audit:1", mutate(cursor))
    assert status_of(caught.value) == 400
    assert caught.value.errors[0].field == "cursor"


def test_cursor_of_another_list_is_refused() -> None:
    cursor = encode_cursor(KEY, "audit:1", LAST)
    with pytest.raises(Refusal):
        decode_cursor(KEY, "audit:2", cursor)


def test_cursor_signed_with_another_key_is_refused() -> None:
    cursor = encode_cursor(b"x" * 32, "audit:1", LAST)
    with pytest.raises(Refusal):
        decode_cursor(KEY, "audit:1", cursor)


@pytest.mark.parametrize(("asked", "given"), [(None, 20), (0, 20), (5, 5), (1000, 100)])
def test_limit_is_clamped(asked: int | None, given: int) -> None:
    assert clamp_limit(asked) == given
