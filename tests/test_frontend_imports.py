"""The web app's modules import each other without circles.

Reads every import of ``frontend/src``, ``frontend/shared`` and ``frontend/sw`` (static, dynamic
``import()`` and re-exports; ``import type`` is left out, as TypeScript erases it) and fails on
any cycle, naming it. A circle makes the order modules start in depend on who is imported first,
and ties layers together that should stand one on the other.
"""

from __future__ import annotations

import re
from pathlib import Path

FRONTEND = Path(__file__).resolve().parents[1] / "frontend"
ROOTS = ("src", "shared", "sw")
IMPORT = re.compile(
    r"""(?:^|\n)\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"](\.[^'"]+)['"]"""
    r"""|import\(\s*['"](\.[^'"]+)['"]\s*\)""",
)
EXTENSIONS = (".ts", ".tsx", "/index.ts", "/index.tsx")


def _resolve(source: Path, spec: str) -> Path | None:
    base = (source.parent / spec).resolve()
    if base.is_file():
        return base
    for ext in EXTENSIONS:
        candidate = Path(str(base) + ext)
        if candidate.is_file():
            return candidate
    return None  # a stylesheet, an asset or a package: not a module of ours


def graph() -> dict[Path, set[Path]]:
    files = [p for root in ROOTS for p in (FRONTEND / root).rglob("*.ts*")
             if p.suffix in (".ts", ".tsx") and not p.name.endswith(".d.ts")]
    edges: dict[Path, set[Path]] = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        targets = set()
        for match in IMPORT.finditer(text):
            spec = match.group(1) or match.group(2)
            target = _resolve(path, spec)
            if target is not None:
                targets.add(target)
        edges[path] = targets
    return edges


def cycles(edges: dict[Path, set[Path]]) -> list[list[Path]]:
    found: list[list[Path]] = []
    state: dict[Path, int] = {}
    stack: list[Path] = []

    def visit(node: Path) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def test_the_reader_sees_imports_of_every_kind():
    edges = graph()
    app = FRONTEND / "src" / "app.tsx"
    assert FRONTEND / "src" / "session.ts" in edges[app]  # import { … } from './session'
    assert FRONTEND / "src" / "routes.tsx" in edges[app]  # import('./routes')
    assert FRONTEND / "src" / "office" / "register-strings.ts" in edges[
        FRONTEND / "src" / "office" / "shell.tsx"]  # import './register-strings'
    assert cycles({Path("a"): {Path("b")}, Path("b"): {Path("a")}}) == [
        [Path("a"), Path("b"), Path("a")]]


def test_no_module_of_the_web_app_imports_itself_round_a_circle():
    found = cycles(graph())
    named = [" -> ".join(str(p.relative_to(FRONTEND)) for p in cycle) for cycle in found]
    assert not named, "import circles:\n" + "\n".join(named)
