"""Demo data of this service for ``make run``: marked as demo data, safe to run twice.

The reference library: 2,000 generated DEMO decisions (order numbers ``DEMO-...``,
``demo: true``) imported through the real import path (a JSON Lines file in S3, checked
row by row, index built and published), a demo copy of each legal text's PDF, and the
reference guide's PDF of the current version (built once, as the deploy does).

The files: equivalence files of two demo citizens in several states, moved there through
the service's own use cases (scripts/demo/equivalence_files.py), so each has its history,
documents checked by the upload handler, and audit records."""

from __future__ import annotations

from datetime import UTC, datetime

DEMO_DECISIONS = 2000
DEMO_IMPORT_KEY = "imports/equivalence/demo-decisions.jsonl"


def _reference_pdf(title_fr: str, title_ar: str) -> bytes:
    from chalicelib.documents.pdf.page import BilingualPage

    page = BilingualPage(title=title_fr)
    page.pair("DONNÉES DE DÉMONSTRATION", "معطيات للعرض", size=14, bold=True)
    page.pair(title_fr, title_ar, size=12)
    page.pair(
        "Copie de démonstration : le texte officiel est celui publié au Bulletin officiel.",
        "نسخة للعرض: النص الرسمي هو المنشور في الجريدة الرسمية.",
        size=9,
    )
    return page.output()


def seed(env: dict[str, str]) -> list[str]:
    from chalicelib.services.equivalence.library import guide, importer
    from chalicelib.services.equivalence.library.references import REFERENCES, file_key, has_file
    from chalicelib.store.equivalence_library import index_files
    from scripts.demo import equivalence_decisions

    texts = [ref for ref in REFERENCES if has_file(ref)]  # an announced order has no text
    for ref in texts:
        content = _reference_pdf(ref["titles"]["fr"], ref["titles"]["ar"])
        index_files.put_object(file_key(ref["code"]), content, "application/pdf")
    demo = list(equivalence_decisions.decisions(DEMO_DECISIONS))
    index_files.put_object(
        DEMO_IMPORT_KEY, equivalence_decisions.as_jsonl(demo), "application/x-ndjson"
    )
    report = importer.import_decisions(DEMO_IMPORT_KEY, "jsonl", False, datetime.now(UTC).date())
    built = guide.build()
    from scripts.demo import equivalence_committees, equivalence_files

    return [
        f"{len(texts)} demo copies of the equivalence legal texts (documents bucket)",
        f"equivalence guide {built.key} ({'built' if built.created else 'already there'})",
        f"{report.imported} DEMO equivalence decisions imported, index {report.index_version}"
        f" ({report.decisions_in_index} decisions, {report.index_bytes} bytes)",
        *equivalence_files.seed_files(),
        equivalence_committees.seed_members(),
    ]
