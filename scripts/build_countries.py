"""Write ``chalicelib/services/equivalence/library/countries.json``, the countries of the
decisions catalogue since 1967, from pycountry (ISO 3166-1 and ISO 3166-3, with their French
and Arabic names from the iso-codes translations).

pycountry (8 MB with every locale) is a development dependency only: the Lambda package
ships the generated file (about 25 KB), read on the decisions routes' first call.

    python -m scripts.build_countries           # write the file
    python -m scripts.build_countries --check   # exit 1 if the file is not what it would write

What is kept, and why (docs/equivalence-search.md, "Countries since 1967"):
- every current ISO 3166-1 country by its alpha-2 code, except EH: for Morocco that
  territory is Moroccan (its diplomas are Moroccan, code MA);
- every ISO 3166-3 former country that could issue a diploma after 1967, by its four-letter
  code (SUHH, YUCS, CSHH, DDDE ...): the old two-letter codes collide (CS was both
  Czechoslovakia and Serbia and Montenegro; BY, GE and SK are current codes again), so the
  four-letter code is the catalogue's; an old two-letter code that names one former country
  and no current one is accepted as an alias on import and in ``?country=``;
- not the uninhabited or non-state entries of ISO 3166-3 (Antarctic territories, Pacific
  atolls, the Neutral Zone, metropolitan France, whose diplomas are France's: FR).
The hand-kept names of ``NAMES`` (short common names) win over pycountry's official ones.
"""

from __future__ import annotations

import argparse
import gettext
import json
import sys
from pathlib import Path
from typing import Any

TARGET = (
    Path(__file__).resolve().parents[1] / "chalicelib/services/equivalence/library/countries.json"
)
EXCLUDED_CURRENT = {"EH"}
NOT_ISSUERS = {"BQAQ", "NQAQ", "FQHH", "JTUM", "MIUM", "WKUM", "PUUM", "CTKI", "NTHH", "FXFR"}
# Short names in use in Morocco's documents, where pycountry gives a long official form or
# a missing or wrong translation.
NAMES: dict[str, tuple[str, str]] = {
    "MA": ("Maroc", "المغرب"),
    "FR": ("France", "فرنسا"),
    "BE": ("Belgique", "بلجيكا"),
    "ES": ("Espagne", "إسبانيا"),
    "PT": ("Portugal", "البرتغال"),
    "IT": ("Italie", "إيطاليا"),
    "DE": ("Allemagne", "ألمانيا"),
    "CH": ("Suisse", "سويسرا"),
    "NL": ("Pays-Bas", "هولندا"),
    "GB": ("Royaume-Uni", "المملكة المتحدة"),
    "IE": ("Irlande", "إيرلندا"),
    "US": ("États-Unis", "الولايات المتحدة الأمريكية"),
    "CA": ("Canada", "كندا"),
    "RU": ("Russie", "روسيا"),
    "UA": ("Ukraine", "أوكرانيا"),
    "RO": ("Roumanie", "رومانيا"),
    "BG": ("Bulgarie", "بلغاريا"),
    "PL": ("Pologne", "بولندا"),
    "TR": ("Turquie", "تركيا"),
    "CN": ("Chine", "الصين"),
    "IN": ("Inde", "الهند"),
    "MY": ("Malaisie", "ماليزيا"),
    "TN": ("Tunisie", "تونس"),
    "DZ": ("Algérie", "الجزائر"),
    "LY": ("Libye", "ليبيا"),
    "MR": ("Mauritanie", "موريتانيا"),
    "EG": ("Égypte", "مصر"),
    "SN": ("Sénégal", "السنغال"),
    "CI": ("Côte d'Ivoire", "كوت ديفوار"),
    "GA": ("Gabon", "الغابون"),
    "SY": ("Syrie", "سوريا"),
    "IQ": ("Irak", "العراق"),
    "JO": ("Jordanie", "الأردن"),
    "LB": ("Liban", "لبنان"),
    "SA": ("Arabie saoudite", "المملكة العربية السعودية"),
    "AE": ("Émirats arabes unis", "الإمارات العربية المتحدة"),
    "QA": ("Qatar", "قطر"),
    "SD": ("Soudan", "السودان"),
    "CU": ("Cuba", "كوبا"),
    "BR": ("Brésil", "البرازيل"),
    "SUHH": ("URSS", "الاتحاد السوفياتي"),
    "YUCS": ("Yougoslavie", "يوغوسلافيا"),
    "CSHH": ("Tchécoslovaquie", "تشيكوسلوفاكيا"),
    "DDDE": ("République démocratique allemande (RDA)", "جمهورية ألمانيا الديمقراطية"),
    "CSXX": ("Serbie-et-Monténégro", "صربيا والجبل الأسود"),
    "YDYE": ("Yémen du Sud (République démocratique populaire du Yémen)", "اليمن الجنوبي"),
}


def _translator(domain: str, language: str) -> Any:
    import pycountry

    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language])


def _name(translation: Any, country: Any) -> str:
    """The common name's translation (Iran, Laos), else the official name's."""
    for name in (getattr(country, "common_name", None), country.name):
        if name and translation.gettext(name) != name:
            return str(translation.gettext(name))
    return str(country.name)


def build() -> dict[str, Any]:
    import pycountry

    fr1, ar1 = _translator("iso3166-1", "fr"), _translator("iso3166-1", "ar")
    fr3, ar3 = _translator("iso3166-3", "fr"), _translator("iso3166-3", "ar")
    current: dict[str, list[str]] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        if code in EXCLUDED_CURRENT:
            continue
        names = NAMES.get(code, (_name(fr1, country), _name(ar1, country)))
        current[code] = list(names)
    former: dict[str, dict[str, Any]] = {}
    for country in pycountry.historic_countries:
        code = country.alpha_4
        if code in NOT_ISSUERS:
            continue
        names = NAMES.get(code, (fr3.gettext(country.name), ar3.gettext(country.name)))
        former[code] = {
            "alpha_2": country.alpha_2,
            "names": list(names),
            "withdrawn": str(getattr(country, "withdrawal_date", "")),
        }
    return {
        "generated_by": "python -m scripts.build_countries",
        "pycountry": pycountry.__version__ if hasattr(pycountry, "__version__") else "",
        "current": dict(sorted(current.items())),
        "former": dict(sorted(former.items())),
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        same = TARGET.exists() and TARGET.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{TARGET} differs: run python -m scripts.build_countries")
        return 0 if same else 1
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
