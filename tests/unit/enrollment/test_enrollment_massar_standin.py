"""Only the local stage may register pupils with the in-process Massar stand-in: elsewhere an
empty MASSAR_ENDPOINT fails loudly, and no pupil code is ever made up."""

from __future__ import annotations

import pytest

from chalicelib.services.enrollment import massar
from chalicelib.settings import settings_from


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_an_empty_endpoint_fails_loudly_on_a_deployed_stage(
    stage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(massar, "get_settings", lambda: settings_from({"KHIDMAT_STAGE": stage}))
    with pytest.raises(massar.MassarNotConfigured, match="MASSAR_ENDPOINT"):
        massar.massar()


def test_local_uses_the_stand_in_and_a_set_endpoint_the_http_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(massar, "get_settings", lambda: settings_from({"KHIDMAT_STAGE": "local"}))
    assert massar.massar() is massar.STAND_IN
    prod = {"KHIDMAT_STAGE": "prod", "MASSAR_ENDPOINT": "https://massar.example.ma/api"}
    monkeypatch.setattr(massar, "get_settings", lambda: settings_from(prod))
    client = massar.massar()
    assert isinstance(client, massar.HttpMassar)
    assert client.endpoint == "https://massar.example.ma/api"
