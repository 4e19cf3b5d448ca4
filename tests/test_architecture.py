"""The dependency rules of the house style, enforced on the source text."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
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
    allowed = {"sites.py", "register/samples.py", "register/__init__.py"}
    naming = {
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if "sample_sites" in p.read_text(encoding="utf-8")
    }
    assert naming - allowed == set()


# ------------------------------------------------------- property sets, module size, cycles


def _code_without_docstrings_and_comments(path: Path) -> str:
    """The module's source with its comments and docstrings blanked out."""
    source = path.read_text(encoding="utf-8")
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                docstrings.add((first.lineno, first.col_offset))
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    text = list(source)
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT or (
            tok.type == tokenize.STRING and tok.start in docstrings
        ):
            a = starts[tok.start[0] - 1] + tok.start[1]
            b = starts[tok.end[0] - 1] + tok.end[1]
            text[a:b] = " " * (b - a)
    return "".join(text)


#: Reading a property set: our own by name, or the spaces frame's ``psets`` column.
_PSET_READING = re.compile(
    r"Pset_MultifactorySpace|\[\s*['\"]psets['\"]\s*\]|\.psets\b|get\(\s*['\"]psets['\"]"
)


#: Modules that still name a property in a message (not reading it), to be moved to
#: ``site_manager.ifc.space_attributes.pset_property(column)``; empty this set, not grow it.
_NAMING_IN_MESSAGES: set[str] = set()


def test_only_the_ifc_package_reads_property_sets() -> None:
    """The spaces frame carries our property set as typed columns.

    (``clear_height_m``, ``board_id``, ...): nothing outside ``ifc/`` reads a property key
    or the ``psets`` column, what docstrings and comments say aside.
    """
    offenders = {
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if not str(p.relative_to(PACKAGE)).startswith("ifc/")
        and _PSET_READING.search(_code_without_docstrings_and_comments(p))
    }
    assert offenders == _NAMING_IN_MESSAGES


def test_the_property_reading_check_sees_code_and_not_docstrings(tmp_path: Path) -> None:
    reads = tmp_path / "reads.py"
    reads.write_text(
        '"""Reads Pset_MultifactorySpace."""  # a docstring and a comment: not code\n'
        "def f(rec):\n"
        '    """rec["psets"] in a docstring"""\n'
        '    return rec.get("psets")\n',
        encoding="utf-8",
    )
    code = _code_without_docstrings_and_comments(reads)
    assert "Pset_" not in code and '["psets"]' not in code
    assert _PSET_READING.search(code)  # the .get("psets") of the code


#: The most lines a module may have (the house style: "modules under ~600 lines").
MAX_MODULE_LINES = 600
#: The packages held to it so far; widen to ("",) (every module) once register/ and layout/
#: are split.
SIZE_CHECKED = ("",)


def test_no_module_passes_600_lines() -> None:
    sizes = {
        str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines())
        for p in PACKAGE.rglob("*.py")
        if str(p.relative_to(PACKAGE)).startswith(SIZE_CHECKED)
    }
    assert sizes  # the check sees the modules it is meant to
    assert {m: n for m, n in sizes.items() if n > MAX_MODULE_LINES} == {}


def _module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_level_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports run when the module is imported (or type-checked): at module level, also
    inside ``if`` (``TYPE_CHECKING`` included), ``try`` and ``with``; not in functions."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If | ast.Try | ast.With):
            inner = [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])]
            for handler in getattr(node, "handlers", []):
                inner.extend(handler.body)
            yield from _module_level_imports(inner)


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module → the package's modules it imports at module level (``ast``, not imports)."""
    paths = {_module_name(p, package): p for p in package.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        targets: set[str] = set()
        for node in _module_level_imports(ast.parse(path.read_text(encoding="utf-8")).body):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
                continue
            if node.level:
                base = here[: len(here) - (node.level - 1)] + ([node.module] if node.module else [])
                module = ".".join(base)
            else:
                module = node.module or ""
            for a in node.names:  # ``from pkg import mod`` imports the module pkg.mod
                sub = f"{module}.{a.name}"
                targets.add(sub if sub in paths else module)
        graph[name] = {t for t in targets if t in paths and t != name}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                group = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    group.append(w)
                    if w == v:
                        break
                if len(group) > 1:
                    cycles.append(sorted(group))
    return cycles


def test_there_is_no_import_cycle_among_the_modules() -> None:
    graph = import_graph()
    assert "site_manager.ifc.geometry" in graph["site_manager.ifc.build"]  # the graph is real
    assert import_cycles(graph) == []


def test_the_cycle_check_finds_a_cycle_through_a_type_checking_import(tmp_path: Path) -> None:
    pkg = tmp_path / "site_manager"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "a.py").write_text("from site_manager.sub.b import f\n")
    (pkg / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import c\n"
        "def f():\n    from site_manager.sub import a  # in a function: not a cycle\n"
    )
    (pkg / "sub" / "c.py").write_text("import site_manager.sub.a\n")
    graph = import_graph(pkg)
    assert graph["site_manager.sub.b"] == {"site_manager.sub.c"}
    assert import_cycles(graph) == [
        ["site_manager.sub.a", "site_manager.sub.b", "site_manager.sub.c"]
    ]
