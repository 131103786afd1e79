"""The package's import graph: no cycles, and no import that runs up a layer.

Every ``import`` and ``from ... import`` in sasci_sim is read with ``ast`` (imports under
``TYPE_CHECKING`` and inside functions included, since they are dependencies all the same).
Layers, bottom to top, are listed in ``LAYERS``; a module may import its own layer and those
below it. Inside a layer, modules may import each other but never in a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "sasci_sim"

#: Bottom to top. A module's layer is the first entry its dotted name starts with.
LAYERS = (
    ("sasci_sim.errors", "sasci_sim.seeds"),
    ("sasci_sim.config",),
    ("sasci_sim.model",),
    ("sasci_sim.analysis",),
    ("sasci_sim.output",),
    ("sasci_sim.experiments",),
    ("sasci_sim.ui",),
    ("sasci_sim",),  # the package's own __init__: the public API, above everything it re-exports
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def resolve(name: str, known: set[str]) -> str | None:
    """The longest known module that ``name`` (a module or module.attribute) starts with."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """Every sasci_sim module ``module`` imports (from-imports of submodules resolved to them)."""
    out: set[str] = set()
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            if target.split(".")[0] == "sasci_sim" and (found := resolve(target, known)) and found != module:
                out.add(found)
    return out


def graph() -> nx.DiGraph:
    mods = modules()
    g = nx.DiGraph()
    for name, path in mods.items():
        g.add_node(name)
        for target in imports_of(name, path, set(mods)):
            g.add_edge(name, target)
    return g


def layer(module: str) -> int:
    for i, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return i
    raise AssertionError(f"{module} is in no layer")


def test_the_graph_has_the_whole_package() -> None:
    # guards the tests below against reading nothing
    g = graph()
    assert g.number_of_nodes() > 60 and g.number_of_edges() > 150


def test_no_import_cycles() -> None:
    cycles = sorted(sorted(c) for c in nx.simple_cycles(graph()))
    assert cycles == [], f"import cycles: {cycles}"


def test_no_import_runs_up_a_layer() -> None:
    upward = sorted((a, b) for a, b in graph().edges if layer(b) > layer(a))
    assert upward == [], "imports that run up a layer: " + "; ".join(f"{a} -> {b}" for a, b in upward)


def test_at_most_eight_modules_at_the_top_of_the_package() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 8, top


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from sasci_sim.model.population import State", {"sasci_sim.model.population"}),
        ("from sasci_sim.model import reporters", {"sasci_sim.model.reporters"}),
        ("import sasci_sim.config.schema as s", {"sasci_sim.config.schema"}),
        ("from . import world", {"sasci_sim.model.world"}),
        ("if TYPE_CHECKING:\n    from sasci_sim.ui.cli import main", {"sasci_sim.ui.cli"}),
    ],
)
def test_imports_are_read_in_every_form(tmp_path: Path, source: str, expected: set[str]) -> None:
    path = tmp_path / "recording.py"
    path.write_text(source, encoding="utf-8")
    known = set(modules())
    assert imports_of("sasci_sim.model.recording", path, known) == expected


def test_a_cycle_and_an_upward_import_are_caught() -> None:
    # the checks themselves can fail: a model module importing the command line is both
    g = graph()
    g.add_edge("sasci_sim.model.population", "sasci_sim.ui.cli")
    g.add_edge("sasci_sim.ui.cli", "sasci_sim.model.population")
    assert any(layer(b) > layer(a) for a, b in g.edges)
    assert list(nx.simple_cycles(g))
