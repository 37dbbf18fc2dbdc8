"""Links in notices: API paths joined to the public base URL, checked on both sides, and a
base URL that is not https off the local stage refused (no AWS)."""

from __future__ import annotations

import pytest

from chalicelib import links
from chalicelib.notify.render import render_email, render_sms
from chalicelib.settings import Settings, settings_from


def configured(url: str, stage: str = "prod") -> Settings:
    return settings_from({"KHIDMAT_STAGE": stage, "PUBLIC_BASE_URL": url})


@pytest.mark.parametrize(
    ("base", "path", "expected"),
    [
        ("https://api.khidmat.ma", "/etimbre/stamps/1", "https://api.khidmat.ma/etimbre/stamps/1"),
        ("https://api.khidmat.ma/", "/etimbre/stamps/1", "https://api.khidmat.ma/etimbre/stamps/1"),
        ("https://gw.example.ma/api//", "/cases/C1", "https://gw.example.ma/api/cases/C1"),
        ("http://127.0.0.1:8000", "/public/stamps/9?x=1", "http://127.0.0.1:8000/public/stamps/9?x=1"),
    ],
)  # fmt: skip
def test_a_path_joins_the_base_with_exactly_one_slash(base: str, path: str, expected: str) -> None:
    assert links.join(base, path) == expected
    assert "//" not in expected.split("://", 1)[1]


@pytest.mark.parametrize(
    "path",
    [
        "etimbre/stamps/1",  # no leading slash
        "https://evil.example/x",  # an absolute URL is not a path
        "//evil.example/x",  # nor is a scheme-relative one
        "/etimbre//stamps",  # an empty segment
        "/etimbre/stamps/1 2",
        "/etimbre/stamps/1\n",
        "",
    ],
)
def test_anything_but_an_api_path_is_refused(path: str) -> None:
    with pytest.raises(links.LinkError):
        links.join("https://api.khidmat.ma", path)


def test_paths_are_built_from_quoted_segments() -> None:
    assert links.path("etimbre", "stamps", "123456789012345") == "/etimbre/stamps/123456789012345"
    assert links.path("cases", "a/b c") == "/cases/a%2Fb%20c"
    for bad in ((), ("cases", "")):
        with pytest.raises(links.LinkError):
            links.path(*bad)


def test_the_base_url_must_be_https_off_the_local_stage() -> None:
    prefixed = configured("https://abc.execute-api.eu-west-3.amazonaws.com/api/")
    assert links.url("/etimbre/stamps/1", prefixed) == (
        "https://abc.execute-api.eu-west-3.amazonaws.com/api/etimbre/stamps/1"
    )
    for stage in ("dev", "prod"):
        for wrong in ("", "  ", "http://api.khidmat.ma", "api.khidmat.ma", "https://", "ftp://x"):
            with pytest.raises(links.NotConfigured, match=f"stage '{stage}'"):
                links.url("/etimbre/stamps/1", configured(wrong, stage))
    for wrong in ("https://a.ma?x=1", "https://a.ma/#top", "https://a b.ma", "https://a.ma//api"):
        with pytest.raises(links.NotConfigured):
            links.base_url(configured(wrong))


def test_the_local_stage_may_use_plain_http_but_not_nothing() -> None:
    assert links.base_url(configured("http://127.0.0.1:8080", "local")) == "http://127.0.0.1:8080"
    with pytest.raises(links.NotConfigured):
        links.base_url(configured("", "local"))


def test_resolve_makes_every_link_absolute_and_leaves_the_rest() -> None:
    data = {"reference": "123", "links": {"check": "/public/stamps/123"}}
    resolved = links.resolve(data, configured("https://api.khidmat.ma"))
    assert resolved == {
        "reference": "123",
        "links": {"check": "https://api.khidmat.ma/public/stamps/123"},
    }
    assert data["links"] == {"check": "/public/stamps/123"}  # the stored data is untouched
    assert links.resolve({"reference": "x"}, configured("")) == {
        "reference": "x"
    }  # no link: no check
    with pytest.raises(links.LinkError):
        links.resolve({"links": {"check": "https://elsewhere.ma/x"}}, configured("https://a.ma"))


CHECK = "https://api.khidmat.ma/public/stamps/123456789012345"
PAID = {"reference": "123456789012345", "links": {"check": CHECK}}


def test_the_paid_notice_links_its_public_check_and_an_sms_only_if_it_fits() -> None:
    email = render_email("etimbre_paid", "en", PAID)
    assert f"Check it, no sign-in needed: {CHECK}" in email.text
    assert f'<a href="{CHECK}"><bdi>{CHECK}</bdi></a>' in email.html
    assert render_sms("etimbre_paid", "en", PAID).text.endswith(CHECK)
    assert CHECK not in render_sms("etimbre_paid", "ar", PAID).text  # 70 characters
    long = {**PAID, "links": {"check": "https://" + "x" * 150 + ".ma/public/stamps/1"}}
    assert render_sms("etimbre_paid", "fr", long).text == "Khidmat : timbre 123456789012345 paye."


def test_a_bare_path_never_reaches_a_notice() -> None:
    bare = {**PAID, "links": {"check": "/public/stamps/123456789012345"}}
    for language in ("ar", "fr", "en"):
        email = render_email("etimbre_paid", language, bare)
        assert "/public/stamps" not in email.text and "/public/stamps" not in email.html
        assert "/public/stamps" not in render_sms("etimbre_paid", language, bare).text
