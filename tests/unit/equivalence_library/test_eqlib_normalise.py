"""The one folding of Arabic and French text used at index and at query time."""

from __future__ import annotations

import pytest

from chalicelib.services.equivalence.library.normalise import normalise, words


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Médecine Générale", "medecine generale"),
        ("ÉCOLE  d'Ingénieurs", "ecole d ingenieurs"),
        ("Œuvre", "oeuvre"),
        ("Ç à î ô û ë ÿ", "c a i o u e y"),
    ],
)
def test_french_loses_case_and_accents(text: str, folded: str) -> None:
    assert normalise(text) == folded


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("أ", "ا"),  # alef with hamza above
        ("إ", "ا"),  # alef with hamza below
        ("آ", "ا"),  # alef with madda
        ("ٱ", "ا"),  # alef wasla
        ("ة", "ه"),  # ta marbuta
        ("ى", "ي"),  # alef maqsura
        ("ؤ", "و"),
        ("ئ", "ي"),
        ("ی", "ي"),  # Persian ya
        ("ک", "ك"),  # Persian kaf
    ],
)
def test_arabic_letter_variants_fold_to_one_form(variant: str, plain: str) -> None:
    assert normalise(variant) == plain


def test_arabic_diacritics_and_tatweel_go() -> None:
    assert normalise("الطِّبُّ") == normalise("الطب")
    assert normalise("دكتـــوراه") == "دكتوراه"
    assert normalise("مُهَنْدِسٌ") == "مهندس"


def test_same_word_spelt_differently_meets() -> None:
    assert normalise("جامعة الإسكندرية") == normalise("جامعه الاسكندريه")
    assert normalise("مستشفى") == normalise("مستشفي")
    assert normalise("دكتوراة في الطب") == normalise("دكتوراه في الطب")


def test_digits_and_presentation_forms() -> None:
    assert normalise("٢٠١٩ ۱۹۹۰") == "2019 1990"
    assert normalise("ﻻ") == "لا"  # lam-alef ligature


def test_punctuation_separates_words_and_words_are_unique() -> None:
    assert normalise("Licence (droit) — الإجازة، القانون!") == "licence droit الاجازه القانون"
    assert words("master Master MASTER ماستر") == ["master", "ماستر"]
    assert normalise("  ... ") == ""
