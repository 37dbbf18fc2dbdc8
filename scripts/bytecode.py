"""Compiled bytecode for the Lambda package (``make bytecode``, run by ``make deploy``).

Lambda runs the function from a read-only ``/var/task``: Python cannot write the ``.pyc``
files it compiles, so a package without them compiles every module it imports, the app's
and its libraries', on every cold start. Measured on the first request that reads a case
(``make bench``), that is about 4.5 times the CPU instructions of the same request with
bytecode. Chalice packages the libraries of ``requirements.txt`` from their wheels, which
hold no bytecode, and ``chalicelib/`` as it finds it; it also copies ``vendor/`` into the
package's root (decision 76). So this step writes:

- the libraries' bytecode under ``vendor/``, one ``__pycache__`` beside where each module
  will sit in the package (``vendor/botocore/__pycache__/client.cpython-311.pyc``), for
  every distribution that ``requirements.txt`` names or needs;
- the two files of Chalice that Chalice puts in every package (``chalice/__init__.py`` and
  ``chalice/app.py``), ``app.py``'s into ``vendor/__pycache__``, and ``chalicelib/``'s in
  place.

Each file is checked-hash bytecode (PEP 552): Python compares it with the source's hash, not
its modification time, which the zip does not keep to the second; a file that does not match
its source is compiled again, so a stale one costs time, never correctness. Only this
interpreter's version is written: the package's runtime is the venv's Python (3.11).
The phone number library's geographic, carrier and time zone tables (about 20 MB of
bytecode, loaded only by the lookups that need them, which the app never makes) are left
out to keep the package small.
"""

from __future__ import annotations

import argparse
import importlib.metadata as metadata
import py_compile
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "vendor"
CHALICE_RUNTIME = ("chalice/__init__.py", "chalice/app.py")  # what Chalice packages of itself
LEFT_OUT = ("phonenumbers/geodata/", "phonenumbers/carrierdata/", "phonenumbers/tzdata/")
MODE = py_compile.PycInvalidationMode.CHECKED_HASH


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def distributions(requirements: Path) -> list[metadata.Distribution]:
    """The installed distributions ``requirements`` names, and what they need in turn."""
    todo = [
        Requirement(line.split("#")[0].strip()).name
        for line in requirements.read_text().splitlines()
        if line.split("#")[0].strip()
    ]
    found: dict[str, metadata.Distribution] = {}
    while todo:
        name = todo.pop()
        if _key(name) in found:
            continue
        found[_key(name)] = dist = metadata.distribution(name)
        for text in dist.requires or []:
            needed = Requirement(text)
            if needed.marker is None or needed.marker.evaluate({"extra": ""}):
                todo.append(needed.name)
    return [found[k] for k in sorted(found)]


def library_modules(requirements: Path) -> Iterator[tuple[Path, str]]:
    """(source, its path inside the package) of every library module to compile."""
    for dist in distributions(requirements):
        for file in dist.files or []:
            inside = str(file)
            if inside.endswith(".py") and not inside.startswith(LEFT_OUT) and ".." not in inside:
                yield Path(str(dist.locate_file(file))), inside
    chalice = metadata.distribution("chalice")
    for inside in CHALICE_RUNTIME:
        yield Path(str(chalice.locate_file(inside))), inside


def _bytecode_path(inside: str) -> str:
    folder, _, name = inside.rpartition("/")
    cached = f"__pycache__/{name[:-3]}.{sys.implementation.cache_tag}.pyc"
    return f"{folder}/{cached}" if folder else cached


def _compile(source: Path, target: Path) -> None:
    py_compile.compile(str(source), cfile=str(target), doraise=True, invalidation_mode=MODE)


def build(root: Path = ROOT, vendor: Path = VENDOR) -> tuple[int, int]:
    """Writes the bytecode; returns (files, bytes) of what ``vendor/`` now holds."""
    if vendor.exists():
        shutil.rmtree(vendor)
    for source, inside in library_modules(root / "requirements.txt"):
        target = vendor / _bytecode_path(inside)
        target.parent.mkdir(parents=True, exist_ok=True)
        _compile(source, target)
    target = vendor / _bytecode_path("app.py")
    target.parent.mkdir(parents=True, exist_ok=True)
    _compile(root / "app.py", target)
    for source in sorted((root / "chalicelib").rglob("*.py")):
        inside = source.relative_to(root).as_posix()
        _compile(source, root / _bytecode_path(inside))
    written = list(vendor.rglob("*.pyc"))
    return len(written), sum(p.stat().st_size for p in written)


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    files, size = build()
    print(f"bytecode: {files} library files ({size / 1e6:.1f} MB) in vendor/, chalicelib/ in place")
    return 0


if __name__ == "__main__":
    sys.exit(main())
