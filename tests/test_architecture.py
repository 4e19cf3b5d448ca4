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
