"""The import graph of ``backend/khaya`` points down the layers DESIGN.md states.

    wiring (__init__, blueprints, models, cli)
    -> outputs and entry points: maps, exports, privacy, sync, reminders (README "Project
       layout": it reads the domains to say what is due to whom)
    -> analytics (listens to what the domains announce; never imported by them)
    -> domains: participation, wastebank, collection -> households, users
    -> areas -> common -> auth
    -> base: config, extensions, errors, columns (column helpers), blueprint (the Blueprint
       class), untrusted (what a request may carry), jobs (the job queue)

A module may import its own layer and the layers below it, never one above; and no module but
the wiring imports Khaya inside a function or through importlib to get round that.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "backend" / "khaya"
LAYERS: list[set[str]] = [
    {"config", "extensions", "errors", "columns", "blueprint", "untrusted", "jobs"},
    {"auth"},
    {"common"},
    {"areas"},
    {"households", "users"},
    {"participation", "wastebank", "collection", "reports"},
    {"analytics"},
    {"maps", "exports", "privacy", "sync", "reminders", "open311"},
    {"__init__", "blueprints", "models", "cli"},
]
WIRING = LAYERS[-1]


def _layer(top: str) -> int:
    for index, names in enumerate(LAYERS):
        if top in names:
            return index
    raise AssertionError(f"khaya.{top} is in no layer: add it to DESIGN.md and LAYERS")


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _name(path: Path, root: Path) -> list[str]:
    parts = ["khaya", *path.relative_to(root).with_suffix("").parts]
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imports(path: Path, root: Path = PACKAGE) -> list[tuple[int, list[str], bool]]:
    """(line, imported khaya module path, inside a function?) for every import of Khaya."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _name(path, root) if path.name == "__init__.py" else _name(path, root)[:-1]
    found: list[tuple[int, list[str], bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package[:len(package) - child.level + 1]
                    module = [*base, *(child.module.split(".") if child.module else [])]
                else:
                    module = (child.module or "").split(".")
                if module[0] == "khaya":
                    targets = ([module] if len(module) > 1
                               else [[*module, alias.name] for alias in child.names])
                    found.extend((child.lineno, target, in_function) for target in targets)
            elif isinstance(child, ast.Import):
                found.extend((child.lineno, alias.name.split("."), in_function)
                             for alias in child.names if alias.name.split(".")[0] == "khaya")
            visit(child, nested)

    visit(tree, False)
    return found


def _upward(path: Path, root: Path = PACKAGE) -> list[str]:
    mine = _layer(path.relative_to(root).parts[0].removesuffix(".py"))
    return [f"line {line}: khaya.{'.'.join(target[1:])} (layer {_layer(target[1])} > {mine})"
            for line, target, _ in _imports(path, root)
            if len(target) > 1 and _layer(target[1]) > mine]


def test_every_package_has_a_layer():
    """Every top-level module is in a layer, and every layer names modules that exist."""
    tops = {path.relative_to(PACKAGE).parts[0].removesuffix(".py") for path in _modules()}
    for top in tops:
        _layer(top)
    assert tops == set().union(*LAYERS)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path):
    upward = _upward(path)
    assert upward == [], f"{path.relative_to(PACKAGE)} imports up the layers: {upward}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_hides_in_a_function_or_importlib(path: Path):
    top = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    if top in WIRING:
        return  # create_app imports the app's parts once it has made the app
    hidden = [line for line, _target, in_function in _imports(path) if in_function]
    assert hidden == [], f"{path.relative_to(PACKAGE)} imports Khaya inside a function: {hidden}"
    assert "importlib" not in path.read_text(encoding="utf-8"), path


def test_the_checker_catches_a_domain_importing_analytics(tmp_path: Path):
    """The rule can fail: a planted domain module importing analytics is caught, a relative
    import resolved like any other; one importing its own layer and below is not."""
    root = tmp_path / "khaya"
    (root / "participation").mkdir(parents=True)
    planted = root / "participation" / "planted.py"
    planted.write_text("from ..analytics import rollups\nfrom ..households.models import X\n"
                       "from . import services\n", encoding="utf-8")
    assert _upward(planted, root) == ["line 1: khaya.analytics (layer 6 > 5)"]
