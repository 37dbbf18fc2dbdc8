"""The walls of the house, read from the source: the kernel knows no HTTP and no service,
a service's repositories know only that service's domain model, no service imports another,
nothing of the app imports the scripts, only the adapters know the AWS libraries, and no
import of our own hides behind ImportError."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "chalicelib"
KERNEL = ("chalicelib.workflow", "chalicelib.documents", "chalicelib.notify")
# DESIGN.md: repositories and adapters are the only code that imports boto3 or PynamoDB
# (decision 78); ``chalicelib.aws`` builds the clients they share.
AWS_LIBRARIES = ("boto3", "botocore", "pynamodb")
ADAPTERS = ("chalicelib.store", "chalicelib.documents", "chalicelib.notify", "chalicelib.aws")
SERVICES = sorted(p.name for p in (APP / "services").iterdir() if (p / "__init__.py").exists())


def module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def imports_of(path: Path) -> Iterator[tuple[str, int]]:
    """Every module an app module imports (at the top, in a function, or under TYPE_CHECKING),
    with ``from package import module`` read as the module."""
    package = module_of(path) if path.name == "__init__.py" else module_of(path).rpartition(".")[0]
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            yield base, node.lineno
            for alias in node.names:
                yield f"{base}.{alias.name}", node.lineno


def app_modules() -> list[Path]:
    return sorted(APP.rglob("*.py"))


def in_kernel(module: str) -> bool:
    kernel_store = module.startswith("chalicelib.store") and module.count(".") <= 2
    return module.startswith(KERNEL) or kernel_store


def broken_walls() -> list[str]:
    broken = []
    for path in app_modules():
        module = module_of(path)
        service = module.split(".")[2] if module.startswith("chalicelib.services.") else ""
        repository_of = (
            module.split(".")[2]
            if module.startswith("chalicelib.store.") and module.count(".") >= 3
            else ""
        )
        for name, line in imports_of(path):
            where = f"{module}:{line} imports {name}"
            if in_kernel(module) and name.startswith(("chalicelib.api", "chalicelib.services")):
                broken.append(f"the kernel knows no HTTP and no service: {where}")
            if module.startswith("chalicelib.credentials") and name.startswith(
                "chalicelib.services"
            ):
                broken.append(f"credentials come from sources, not services: {where}")
            if name == "scripts" or name.startswith("scripts."):
                broken.append(f"the app never imports the scripts: {where}")
            if service and name.startswith("chalicelib.services."):
                other = name.split(".")[2]
                if other in SERVICES and other != service:
                    broken.append(f"no service imports another: {where}")
            if repository_of and name.startswith("chalicelib.services."):
                parts = name.split(".")
                own_domain = parts[2] == repository_of and (len(parts) < 4 or parts[3] == "domain")
                if not own_domain:
                    broken.append(f"a repository knows only its service's domain: {where}")
    return broken + aws_outside_adapters()


def aws_outside_adapters() -> list[str]:
    return [
        f"only the adapters know the AWS libraries: {module_of(path)}:{line} imports {name}"
        for path in app_modules()
        if not module_of(path).startswith(ADAPTERS)
        for name, line in imports_of(path)
        if name.split(".")[0] in AWS_LIBRARIES
    ]


def test_the_walls_between_kernel_services_and_edge_stand() -> None:
    assert broken_walls() == []


def test_no_import_of_our_own_code_hides_behind_import_error() -> None:
    hidden = []
    for path in app_modules():
        for node in ast.walk(parsed(path)):
            if not isinstance(node, ast.Try):
                continue
            catches = {
                getattr(h.type, "id", "") for h in node.handlers if isinstance(h.type, ast.Name)
            }
            if not catches & {"ImportError", "ModuleNotFoundError"}:
                continue
            ours = [
                n
                for n in ast.walk(ast.Module(body=node.body, type_ignores=[]))
                if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("chalicelib")
            ]
            if ours:
                hidden.append(f"{module_of(path)}:{node.lineno}")
    assert hidden == []


@pytest.mark.parametrize(
    ("module", "imported", "why"),
    [
        ("chalicelib.workflow.access", "chalicelib.api.problems", "the kernel knows no HTTP"),
        ("chalicelib.services.consular.day", "chalicelib.services.etimbre.fee_payments", "service"),
        ("chalicelib.store.enrollment.catalogue", "chalicelib.services.enrollment.names", "repo"),
        ("chalicelib.credentials.offers", "chalicelib.services.bac.certificates", "sources"),
        ("chalicelib.services.enrollment.service", "pynamodb.exceptions", "adapters"),
        ("chalicelib.api.ratelimit", "botocore.exceptions", "adapters"),
    ],
)
def test_the_check_sees_a_broken_wall(
    module: str, imported: str, why: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check itself: an import that breaks a wall is reported (so an empty list means
    the walls stand, not that nothing was read)."""
    path = ROOT / (module.replace(".", "/") + ".py")
    original = imports_of

    def with_one_more(p: Path) -> Iterator[tuple[str, int]]:
        yield from original(p)
        if p == path:
            yield imported, 1

    monkeypatch.setattr(f"{__name__}.imports_of", with_one_more)
    assert any(imported in wall for wall in broken_walls()), why
