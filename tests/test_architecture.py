"""The dependency rules of the house style, enforced on the source text."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "site_manager"


def _modules_importing(pattern: str) -> set[str]:
    regex = re.compile(rf"^\s*(import|from)\s+{pattern}\b", re.MULTILINE)
    return {
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if regex.search(p.read_text(encoding="utf-8"))
    }


def test_only_the_app_package_imports_streamlit() -> None:
    offenders = {m for m in _modules_importing("streamlit") if not m.startswith("app/")}
    assert offenders == set()


def test_only_the_ifc_package_imports_ifcopenshell() -> None:
    offenders = {m for m in _modules_importing("ifcopenshell") if not m.startswith("ifc/")}
    assert offenders == set()


def test_the_library_does_not_print() -> None:
    regex = re.compile(r"^\s*print\(", re.MULTILINE)
    offenders = {
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if regex.search(p.read_text(encoding="utf-8"))
        and not str(p.relative_to(PACKAGE)).startswith("cli")
    }
    assert offenders == set()


def test_only_the_sample_loader_reads_the_sample_folders() -> None:
    """Analyses, pages and commands read the register; ``sample_sites/`` is for ``sample load``.

    ``site_manager.sites`` (the reader of sample folders) is imported by the register's
    loader alone, and no other module names the folder, except in the loader's own help.
    """
    importers = _modules_importing(r"site_manager\.sites") | _modules_importing(
        r"site_manager\s+import\s+sites"
    )
    assert importers == {"register/samples.py"}
    allowed = {"sites.py", "register/samples.py", "register/__init__.py", "cli/register_cmds.py"}
    naming = {
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if "sample_sites" in p.read_text(encoding="utf-8")
    }
    assert naming - allowed == set()
