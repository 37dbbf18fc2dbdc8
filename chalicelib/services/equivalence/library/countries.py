"""Countries where diplomas come from: ISO 3166-1 alpha-2 code -> (French, Arabic) names.
The names go into the search index, so ``q=Égypte`` and ``q=مصر`` both find Egyptian
decisions; the ``country=`` filter takes the code."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

COUNTRIES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
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
    }
)
