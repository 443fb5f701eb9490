"""No import cycles among the modules of helpdesk_soap/ and bench/.

The import graph is read from the source with ``ast`` (nothing is imported):
- a node is a module (``pkg/mod.py``) or a package (``pkg/__init__.py``);
- ``import a.b`` is an edge to ``a.b``; ``from a import b`` an edge to ``a.b`` when that
  is a module, else to ``a`` (the names come from ``a/__init__.py``); relative imports are
  resolved against the importing module. The parent packages that Python initialises on
  the way (``a`` for ``import a.b``) are not edges: a package's ``__init__`` that imports
  its own submodules is not a cycle;
- **module-level** imports are those executed when the module is imported: every
  import statement outside a function body, including those under ``if``/``try``, in
  class bodies and under ``if TYPE_CHECKING:``; **deferred** imports are those inside a
  function (they run when the function is called).

Module-level cycles are the ones that break at import time depending on which module is
imported first; deferred ones are the same tangle, hidden. Both counts must be zero.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("helpdesk_soap", "bench")

#: Cycles that another change is to remove, each a frozenset of module names; none now.
#: The test fails once a listed cycle is gone, so that the entry is removed with it.
KNOWN: set[frozenset[str]] = set()


def modules(root: Path, packages=PACKAGES) -> dict[str, tuple[Path, bool]]:
    """Every module below the packages: dotted name -> (file, is a package)."""
    found = {}
    for package in packages:
        for file in sorted((root / package).rglob("*.py")):
            parts = list(file.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            found[".".join(parts[:-1] if is_package else parts)] = (file, is_package)
    return found


def _absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[:len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def imports(module: str, file: Path, is_package: bool, known: set[str]) -> dict[str, set[str]]:
    """The modules among ``known`` that ``module`` imports: {"module": ..., "deferred": ...}."""
    found: dict[str, set[str]] = {"module": set(), "deferred": set()}

    def visit(node: ast.AST, deferred: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = deferred or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                    ast.Lambda))
            targets = []
            if isinstance(child, ast.Import):
                for alias in child.names:
                    parts = alias.name.split(".")  # the deepest of ours: import a.b.c
                    targets += [".".join(parts[:n]) for n in range(len(parts), 0, -1)
                                if ".".join(parts[:n]) in known][:1]
            elif isinstance(child, ast.ImportFrom):
                base = _absolute(module, is_package, child.level, child.module)
                for alias in child.names:
                    targets.append(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known
                                   else base)
            found["deferred" if inside else "module"].update(
                t for t in targets if t in known and t != module)
            visit(child, inside)

    visit(ast.parse(file.read_text(), str(file)), False)
    return found


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def graphs(root: Path = ROOT, packages=PACKAGES) -> dict[str, dict[str, set[str]]]:
    """The module-level graph, and the graph with the deferred imports added."""
    found = modules(root, packages)
    known = set(found)
    edges = {name: imports(name, file, is_package, known)
             for name, (file, is_package) in found.items()}
    return {"module-level": {n: e["module"] for n, e in edges.items()},
            "with deferred": {n: e["module"] | e["deferred"] for n, e in edges.items()}}


def _describe(found: list[frozenset[str]]) -> str:
    return "; ".join(" <-> ".join(sorted(c)) for c in found)


def test_no_module_level_import_cycle():
    found = cycles(graphs()["module-level"])
    assert [c for c in found if c not in KNOWN] == [], _describe(found)


def test_no_import_cycle_through_imports_inside_functions():
    found = cycles(graphs()["with deferred"])
    assert [c for c in found if c not in KNOWN] == [], _describe(found)


def test_every_known_cycle_is_still_there():
    found = set(cycles(graphs()["with deferred"]))
    gone = sorted(KNOWN - found, key=sorted)
    assert not gone, f"gone, remove from KNOWN: {_describe(gone)}"


def test_the_graph_finds_cycles_of_each_kind(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "from . import a\n",  # a package importing its own module: no cycle
        "a.py": "from . import b\nimport pkg.sub.c\n",
        "b.py": "from .a import X\n",  # a <-> b at import time
        "sub/__init__.py": "",
        "sub/c.py": "def later():\n    from ..sub import d\n",
        "sub/d.py": "if True:\n    from pkg.sub.c import later\n",  # c <-> d, deferred
    }
    for name, text in files.items():
        (package / name).write_text(text)
    found = graphs(tmp_path, ("pkg",))
    assert cycles(found["module-level"]) == [frozenset({"pkg.a", "pkg.b"})]
    assert sorted(cycles(found["with deferred"]), key=sorted) == [
        frozenset({"pkg.a", "pkg.b"}), frozenset({"pkg.sub.c", "pkg.sub.d"})]
