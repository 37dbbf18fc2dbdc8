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
    local = {"KHIDMAT_STAGE": "local", "MASSAR_ENDPOINT": "http://127.0.0.1:9/api"}
    monkeypatch.setattr(massar, "get_settings", lambda: settings_from(local))
    client = massar.massar()
    assert isinstance(client, massar.HttpMassar) and client.endpoint == "http://127.0.0.1:9/api"


def test_off_the_local_stage_massar_is_https_with_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chalicelib.store import secrets

    for endpoint, credentials, why in (
        ("http://massar.example.ma/api", "token", "https"),
        ("https://massar.example.ma/api", "", "credentials"),
    ):
        prod = settings_from({"KHIDMAT_STAGE": "prod", "MASSAR_ENDPOINT": endpoint})
        monkeypatch.setattr(massar, "get_settings", lambda prod=prod: prod)
        monkeypatch.setattr(secrets, "massar_credentials", lambda c=credentials: c)
        with pytest.raises(massar.MassarNotConfigured, match=why):
            massar.massar()
    monkeypatch.setattr(secrets, "massar_credentials", lambda: "the-token")
    client = massar.massar()
    assert isinstance(client, massar.HttpMassar) and client.credentials == "the-token"
