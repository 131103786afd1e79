"""Reading the module trees of the code maps (README.md and docs/ODD.md) back into paths."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "sasci_sim"

_BLOCK = re.compile(r"```text\n(sasci_sim/\n.*?)```", flags=re.DOTALL)
_LINE = re.compile(r"^( *)(\S+)(?: {2,}(\S.*))?$")


def tree_entries(text: str) -> dict[str, str]:
    """Path -> description for every line of the first ``sasci_sim/`` tree block in ``text``.

    Args:
        text: A Markdown document holding a fenced ``text`` block that starts ``sasci_sim/``,
            indented two spaces per folder level, each line a name and its description.

    Returns:
        Repository-relative paths (folders end in ``/``) mapped to their descriptions.
    """
    match = _BLOCK.search(text)
    assert match, "no ```text block starting sasci_sim/ (the module tree)"
    entries: dict[str, str] = {}
    stack: list[str] = []
    for line in match.group(1).splitlines():
        parsed = _LINE.match(line)
        assert parsed, f"unreadable code map line {line!r}"
        indent, name, description = parsed.groups()
        assert len(indent) % 2 == 0 and len(indent) // 2 <= len(stack), f"bad indentation: {line!r}"
        stack = [*stack[: len(indent) // 2], name]
        entries["".join(stack)] = description or ""
    return entries


def package_entries() -> set[str]:
    """Every module and folder of the package, as the tree writes them (``__init__`` files left out)."""
    out = {"sasci_sim/"}
    for path in PACKAGE.rglob("*"):
        rel = path.relative_to(ROOT).as_posix()
        if "__pycache__" in path.parts:
            continue
        if path.is_dir():
            out.add(rel + "/")
        elif path.suffix == ".py" and (path.name != "__init__.py" or path.parent == PACKAGE):
            out.add(rel)
    return out
