"""The package's bytecode (``scripts/bytecode.py``, decision 76): a package assembled as
Chalice zips it (the libraries' sources from their wheels, ``vendor/`` copied into the root,
``chalicelib/`` as it is) runs its imports from the bytecode, on a read-only tree whose files'
times the zip did not keep, without compiling a module."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from scripts import bytecode

LIBRARY = "jmespath"  # small, pure Python, installed with boto3


def _project(root: Path) -> None:
    (root / "chalicelib").mkdir(parents=True)
    (root / "requirements.txt").write_text(f"# what the package needs\n{LIBRARY}\n")
    (root / "app.py").write_text("import chalicelib.rules\nimport jmespath\n")
    (root / "chalicelib" / "__init__.py").write_text("")
    (root / "chalicelib" / "rules.py").write_text("ANSWER = 42\n")


def _package(project: Path, vendor: Path, package: Path) -> None:
    """What Chalice's zip holds, unpacked: the app, chalicelib, the library, vendor/."""
    shutil.copytree(project / "chalicelib", package / "chalicelib")
    shutil.copy(project / "app.py", package / "app.py")
    for source, inside in bytecode.library_modules(project / "requirements.txt"):
        (package / inside).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, package / inside)
    shutil.copytree(vendor, package, dirs_exist_ok=True)
    for path in package.rglob("*.py"):
        os.utime(path, (946684800, 946684800))  # other times than the sources had


def _imports(package: Path) -> str:
    """``python -v`` importing the app from ``package`` alone, writing no bytecode."""
    done = subprocess.run(
        [sys.executable, "-I", "-v", "-c", "import sys; sys.path.insert(0, '.'); import app"],
        cwd=package,
        env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stderr


def test_the_packaged_imports_run_from_the_bytecode_without_compiling(tmp_path: Path) -> None:
    project, vendor, package = tmp_path / "project", tmp_path / "vendor", tmp_path / "package"
    _project(project)
    files, size = bytecode.build(project, vendor)
    assert files > 5 and size > 0
    assert (vendor / "__pycache__" / f"app.{sys.implementation.cache_tag}.pyc").exists()
    _package(project, vendor, package)
    trace = _imports(package)
    ours = [line for line in trace.splitlines() if str(package) in line]
    loaded = [line for line in ours if line.startswith("# code object from")]
    assert loaded and all(line.rstrip("'").endswith(".pyc") for line in loaded), loaded
    for module in ("app", "rules", "parser"):  # the app, chalicelib and the library
        assert any(f"{module}.{sys.implementation.cache_tag}.pyc" in line for line in loaded)


def test_a_stale_file_is_compiled_again_so_the_code_that_runs_is_the_source(
    tmp_path: Path,
) -> None:
    project, vendor, package = tmp_path / "project", tmp_path / "vendor", tmp_path / "package"
    _project(project)
    bytecode.build(project, vendor)
    _package(project, vendor, package)
    (package / "chalicelib" / "rules.py").write_text("ANSWER = 43\n")
    done = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            "import sys; sys.path.insert(0, '.'); import chalicelib.rules as r; print(r.ANSWER)",
        ],
        cwd=package,
        env={"PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "43"


def test_the_package_s_libraries_are_what_requirements_txt_names_and_needs() -> None:
    names = {
        d.metadata["Name"].lower()
        for d in bytecode.distributions(bytecode.ROOT / "requirements.txt")
    }
    assert {"boto3", "botocore", "pydantic", "pydantic_core", "pynamodb", "pyjwt"} <= {
        n.replace("-", "_") for n in names
    } | names
    assert "moto" not in names and "chalice" not in names  # tools, not the package
    modules = {inside for _, inside in bytecode.library_modules(bytecode.ROOT / "requirements.txt")}
    assert {"chalice/app.py", "chalice/__init__.py"} <= modules  # Chalice packs these two
    assert "chalice/cli/__init__.py" not in modules
