"""The layers stay apart, so each can be used and changed without the ones above it.

The data layer stays plain Python: importing all of it never loads Streamlit,
so the CLI, benchmarks and tests use exactly what the pages use. It never
imports ``ui`` or ``pages``, and ``ui`` never imports ``pages``. Inside
``data_access`` the packages depend on each other in one direction only
(``PACKAGE_DEPENDENCIES``), so ``core`` can be read and tested alone and a
change in ``importing`` cannot reach the engine.

The import checks read the source with ``ast`` rather than importing it, so an
import inside a function, or behind ``TYPE_CHECKING``, counts as well.
"""

from __future__ import annotations

import ast
import importlib.util
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import data_access
import ui
from data_access.core.models import Supplier
from data_access.core.orgnr import InvalidOrgNumber

ROOT = Path(__file__).resolve().parent.parent

# Which sibling packages each part of ``data_access`` may import: the direction
# that holds today. ``core`` is the foundation; ``engine`` classifies on top of
# it; ``figures`` and ``customers`` read through the engine's line rule;
# ``exports`` writes files and knows no model; ``importing`` lands lines (engine),
# reports what stayed unclassified (figures) and hands out refused rows as Excel
# (exports); ``demo`` lands lines like an import; ``access`` (users, roles, the
# acting viewer, the audit log) stands on ``core`` alone, and every package
# that returns personal data or changes anything asks it who may (figures,
# customers, importing); ``cli`` may use any of them and
# ``__main__`` only starts the CLI. Nothing but ``__main__`` imports ``cli``.
PACKAGE_DEPENDENCIES: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "engine": frozenset({"core"}),
    "figures": frozenset({"core", "engine", "access"}),
    "customers": frozenset({"core", "engine", "access"}),
    "exports": frozenset(),
    "importing": frozenset({"core", "engine", "figures", "exports", "access"}),
    "demo": frozenset({"core", "engine"}),
    "access": frozenset({"core"}),
    "cli": frozenset({"core", "engine", "figures", "customers", "exports", "importing", "demo", "access"}),
    "__main__": frozenset({"cli"}),
}

# Top-level names a module of each layer must never import.
FORBIDDEN_IMPORTS: dict[str, frozenset[str]] = {
    "data_access": frozenset({"streamlit", "ui", "pages"}),
    "ui": frozenset({"pages"}),
}


def _walk(package: ModuleType) -> list[str]:
    """Every module of ``package``, subpackages included; an unimportable package fails loudly."""

    def fail(name: str) -> None:
        raise ImportError(f"pkgutil.walk_packages could not import {name}")

    return sorted(
        info.name
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.", onerror=fail)
    )


def _source_file(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None, module
    return Path(spec.origin)


def _imported_names(module: str, path: Path) -> Iterator[tuple[int, str]]:
    """(line, dotted name) for every import in ``path``, relative ones resolved.

    ``from a.b import c`` yields ``a.b.c``: whether ``c`` is a module or a name,
    it belongs to ``a.b``, which is what the rules look at.
    """
    is_package = path.name == "__init__.py"
    here = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            for alias in node.names:
                yield node.lineno, origin if alias.name == "*" else f"{origin}.{alias.name}"


def _part_of(module: str) -> str | None:
    """The ``data_access`` package (or top-level module) ``module`` belongs to."""
    parts = module.split(".")
    if parts[0] != "data_access" or len(parts) < 2:
        return None
    return parts[1]


def _data_access_modules() -> list[str]:
    return _walk(data_access)


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_walk_sees_every_module_of_the_data_layer() -> None:
    """walk_packages reaches the subpackages, so the checks below see every file there is."""
    walked = set(_data_access_modules())
    on_disk = set()
    for path in (ROOT / "data_access").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        on_disk.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    on_disk.discard("data_access")
    assert sorted(on_disk - walked) == [], "unseen by walk_packages (a folder without __init__.py?)"
    assert sorted(walked - on_disk) == []
    assert "data_access.engine.classification" in walked


def test_data_access_never_imports_streamlit() -> None:
    modules = [name for name in _data_access_modules() if name != "data_access.__main__"]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    if 'streamlit' in sys.modules:\n"
        "        print(name)\n"
        "        break\n"
        "else:\n"
        "    print('-')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "-", f"importing {result.stdout.strip()} loads streamlit"


@pytest.mark.parametrize("layer", sorted(FORBIDDEN_IMPORTS))
def test_a_layer_never_imports_the_layers_above_it(layer: str) -> None:
    package = {"data_access": data_access, "ui": ui}[layer]
    forbidden = FORBIDDEN_IMPORTS[layer]
    offences = [
        f"{_relative(path)}:{line} imports {name}"
        for module in _walk(package)
        for path in [_source_file(module)]
        for line, name in _imported_names(module, path)
        if name.split(".")[0] in forbidden
    ]
    assert offences == [], f"{layer} must not import {sorted(forbidden)}:\n" + "\n".join(offences)


def test_data_access_packages_depend_in_one_direction() -> None:
    modules = _data_access_modules()
    undeclared = sorted({part for m in modules if (part := _part_of(m)) not in PACKAGE_DEPENDENCIES})
    assert undeclared == [], f"declare what {undeclared} may import in PACKAGE_DEPENDENCIES"
    offences = []
    for module in modules:
        part = _part_of(module)
        assert part is not None
        path = _source_file(module)
        for line, name in _imported_names(module, path):
            target = _part_of(name)
            if target is None or target == part:
                continue
            if target not in PACKAGE_DEPENDENCIES[part]:
                allowed = ", ".join(sorted(PACKAGE_DEPENDENCIES[part])) or "no sibling package"
                offences.append(f"{_relative(path)}:{line} imports {name} ({part} may import: {allowed})")
    assert offences == [], "\n".join(offences)


def test_the_declared_package_dependencies_have_no_cycle() -> None:
    """The rule itself runs one way: a cycle would let two packages lean on each other."""
    remaining = {part: set(deps) for part, deps in PACKAGE_DEPENDENCIES.items()}
    while remaining:
        leaves = [part for part, deps in remaining.items() if not deps & remaining.keys()]
        assert leaves, f"PACKAGE_DEPENDENCIES has a cycle among {sorted(remaining)}"
        for part in leaves:
            del remaining[part]


def test_browser_journeys_share_through_helpers_not_each_other() -> None:
    """A journey importing another's test module runs that module's imports (and,
    under some collectors, its tests) and breaks when it is renamed; what they
    share lives in ``e2e/helpers.py``. ``conftest.py`` is pytest's, not a library."""
    offences = [
        f"{_relative(path)}:{line} imports {name}"
        for path in sorted((ROOT / "e2e").glob("*.py"))
        for line, name in _imported_names(f"e2e.{path.stem}", path)
        if name.startswith(("e2e.test_", "e2e.conftest"))
    ]
    assert offences == [], "import it from e2e.helpers instead:\n" + "\n".join(offences)


def test_supplier_org_numbers_are_normalised_and_validated() -> None:
    assert Supplier(name="Menigo", org_number="SE556036079301").org_number == "5560360793"
    with pytest.raises(InvalidOrgNumber):
        Supplier(name="Fel AB", org_number="556036-0794")
