"""The README's code map lists every module of the package, and nothing that is not there."""

from __future__ import annotations

from tests.support.code_map import ROOT, package_entries, tree_entries


def test_the_readme_code_map_lists_every_module_once_with_what_it_holds() -> None:
    entries = tree_entries((ROOT / "README.md").read_text(encoding="utf-8"))
    assert set(entries) - package_entries() == set(), "the README's code map names modules that do not exist"
    assert package_entries() - set(entries) == set(), "modules missing from the README's code map"
    assert all(entries[path] for path in entries if path != "sasci_sim/"), "every line says what the module holds"


def test_the_tree_reader_sees_a_missing_module() -> None:
    text = "```text\nsasci_sim/\n  errors.py    errors\n  nowhere.py   a module that does not exist\n```\n"
    entries = tree_entries(text)
    assert set(entries) == {"sasci_sim/", "sasci_sim/errors.py", "sasci_sim/nowhere.py"}
    assert "sasci_sim/seeds.py" in package_entries() - set(entries)
