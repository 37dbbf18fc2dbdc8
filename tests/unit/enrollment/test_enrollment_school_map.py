"""The school map's CSV, pure: each line checked on its own and named by line and field, a
sector's districts in the school's commune or another, and the notices of Massar's answer."""

from __future__ import annotations

import pytest

from chalicelib.notify import sms
from chalicelib.notify.render import render_email, render_sms
from chalicelib.services.enrollment import school_map

HEADER = "code,name_ar,name_fr,levels,commune,province,region,address,sector\n"


def test_a_good_line_is_a_school_with_its_sector() -> None:
    parsed = school_map.parse(
        "\ufeff" + HEADER + "RBT-1,مدرسة الأمل,École Al Amal,primary;preschool,Rabat-Agdal,"
        'RABAT,RSK,"1, rue X",Agdal; Ryad ;Rabat-Hassan: Océan;Agdal\n\n'
    )
    assert parsed.errors == [] and parsed.read == 1
    ((line, school),) = parsed.schools
    assert line == 2 and school["levels"] == ["preschool", "primary"]
    assert school["sector"] == [
        {"commune": "Rabat-Agdal", "district": "Agdal"},
        {"commune": "Rabat-Agdal", "district": "Ryad"},
        {"commune": "Rabat-Hassan", "district": "Océan"},
    ]


def test_each_bad_line_is_named_by_its_line_and_field() -> None:
    text = HEADER + (
        "OK-1,مدرسة,École,primary,C,P,R,a,D\n"
        'X-2,مدرسة,"École\nsur deux lignes",primary,C,P,R,a,D\n'
        "x,مدرسة,École,primary,C,P,R,a,D\n"
        "OK-4,مدرسة,École,primary,C,P,OTHER,a,D\n"
        "OK-5,مدرسة,École,primary,C,P,R,a,: D\n"
        "OK-6,,École,,C,P,R,a,D\n"
    )
    parsed = school_map.parse(text)
    assert [(line, s["code"]) for line, s in parsed.schools] == [(2, "OK-1"), (3, "X-2")]
    assert [(e.line, e.field) for e in parsed.errors] == [
        (5, "code"),  # a quoted cell spanning two lines: the next record is on line 5
        (6, "region"),
        (7, "sector"),
        (8, "name_ar"),
        (8, "levels"),
    ]
    assert "line 2" in parsed.errors[1].message


@pytest.mark.parametrize(
    "header", ["code,name\n", HEADER.replace("sector", "sectors"), HEADER.strip() + ",code\n", ""]
)
def test_a_file_that_is_no_school_map_is_one_error_on_line_1(header: str) -> None:
    parsed = school_map.parse(header + "A-1,b,c\n")
    assert [(e.line, e.field) for e in parsed.errors] == [(1, "header")] and not parsed.schools


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_the_guardian_gets_the_massar_code_in_every_language(language: str) -> None:
    data = {"reference": "PR-2026-123456789", "fields": {"massar_code": "P123456789"}}
    email = render_email("enrollment_registered", language, data)
    text = render_sms("enrollment_registered", language, data).text
    assert "P123456789" in email.text and "P123456789" in text
    assert sms.segments(text) == 1
    refused = {"reference": "PR-2026-123456789", "reason": "Acte déjà associé"}
    assert "Acte déjà associé" in render_email("enrollment_massar_refused", language, refused).text
    text = render_sms("enrollment_massar_refused", language, refused).text
    assert sms.segments(text) == 1 and "Acte" not in text
