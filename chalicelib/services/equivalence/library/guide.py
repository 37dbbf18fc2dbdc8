"""The reference guide (``GET /equivalence/guide``): what it says, its version, and where the
rendered PDF is kept.

Rendering takes seconds (fpdf2 and HarfBuzz shaping every Arabic line), too long for the
first request of a container. So the guide is rendered ahead of traffic (``make run``'s seed,
``make deploy``, ``python -m scripts.build_guide``) and stored in the documents bucket under
a key carrying its version; the route reads that object. The version is a digest of
``contents()``, the data the guide is rendered from (and nothing else reaches the PDF), plus
``RENDERER_VERSION``, a digest of the code and fonts that draw it. Computing either imports
neither fpdf2 nor the renderer (the files are read as bytes), and a change of a legal text, a
step, a checklist, the layout or a font gives a new key: a stale guide is never served, and
nobody has to remember to bump a number.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.documents import published
from chalicelib.services.equivalence import requirements as req
from chalicelib.services.equivalence.library.contacts import contacts_for
from chalicelib.services.equivalence.library.references import REFERENCES


def _renderer_digest() -> str:
    """What draws the guide: its renderer, the shared PDF toolkit and the fonts, as bytes.
    A change that draws nothing differently (a comment) also gives a new version: one more
    render, never a stale guide."""
    library = Path(__file__).resolve().parent
    toolkit = library.parent.parent.parent / "documents"
    drawn = [
        library / "guide_pdf.py",
        *sorted((toolkit / "pdf").glob("*.py")),
        *sorted((toolkit / "fonts").glob("*.ttf")),
    ]
    digest = hashlib.sha256()
    for path in drawn:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


RENDERER_VERSION = _renderer_digest()
PDF = "application/pdf"
PREFIX = "public/equivalence/guide-"


@dataclass(frozen=True)
class Built:
    version: str
    key: str
    created: bool  # False: that version was already in the bucket


def _fr_ar(titles: Any) -> dict[str, str]:
    return {"fr": titles["fr"], "ar": titles["ar"]}


def _trainings_of(track: str, level: str) -> list[str]:
    return [t for t in req.TRAININGS if req.valid_combination(track, level, t) is None]


def _level(track: str, level: str) -> dict[str, Any]:
    """A level's checklist: the documents of its first training, then what each other
    training adds."""
    trainings = _trainings_of(track, level)
    base = req.documents_for(track, level, trainings[0])
    kinds = {r.kind for r in base}
    extras = []
    for training in trainings[1:]:
        extra = [r for r in req.documents_for(track, level, training) if r.kind not in kinds]
        if extra:
            extras.append(
                {
                    "training": _fr_ar(req.TRAININGS[training]["titles"]),
                    "documents": [_fr_ar(r.titles) for r in extra],
                }
            )
    return {
        "titles": _fr_ar(req.LEVELS[level]["titles"]),
        "documents": [{"required": r.required, "titles": _fr_ar(r.titles)} for r in base],
        "extras": extras,
    }


def _track(track: str, info: Any) -> dict[str, Any]:
    levels = [lv for lv, data in req.LEVELS.items() if data["track"] == track]
    steps = req.procedure_for(track, levels[0], _trainings_of(track, levels[0])[0])
    return {
        "code": track,
        "office": info["office"],
        "titles": _fr_ar(info["titles"]),
        "steps": [{"number": s["number"], "titles": _fr_ar(s["titles"])} for s in steps],
        "levels": [_level(track, lv) for lv in levels],
        "contacts": [
            {k: c[k] for k in ("kind", "value", "source")} | {"purpose": _fr_ar(c["purpose"])}
            for c in contacts_for(track)
        ],
    }


def contents() -> dict[str, Any]:
    """Everything the guide shows, as plain JSON data: the renderer reads only this."""
    shown = ("kind", "status", "number", "date", "date_hijri", "bo", "source", "cited_in")
    references = [
        {k: ref[k] for k in shown}
        | {"titles": _fr_ar(ref["titles"]), "unverified": list(ref["unverified"])}
        | {"notes": list(ref["notes"])}
        for ref in REFERENCES
    ]
    tracks = [_track(track, info) for track, info in req.TRACKS.items()]
    return {"renderer": RENDERER_VERSION, "references": references, "tracks": tracks}


def version_of(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:20]


def key_of(version: str) -> str:
    return f"{PREFIX}{version}.pdf"


def _render(data: dict[str, Any]) -> bytes:
    from chalicelib.services.equivalence.library import guide_pdf  # deferred: fpdf2

    return guide_pdf.render(data)


def current() -> tuple[bytes, str]:
    """The guide's PDF and version: one GetObject when it was built ahead of traffic. If no
    one built it, render it now and store it, so the next container finds it."""
    from chalicelib.observability import logger

    data = contents()
    version = version_of(data)
    key = key_of(version)
    stored = published.read(key)
    if stored is not None:
        return stored, version
    logger.warning("guide missing from the bucket: rendered on request", extra={"key": key})
    content = _render(data)
    if published.put_once(key, content, PDF):
        return content, version
    # Another container stored it meanwhile: serve its copy, so that every container sends
    # the same bytes under the same ETag (two renders differ in their creation date).
    return published.read(key) or content, version


def build(bucket: published.Bucket | None = None) -> Built:
    """Store the current version if it is missing; a second run only checks (one HeadObject)."""
    data = contents()
    version = version_of(data)
    key = key_of(version)
    if published.exists(key, bucket):
        return Built(version, key, created=False)
    created = published.put_once(key, _render(data), PDF, bucket)
    return Built(version, key, created)
