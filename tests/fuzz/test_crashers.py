"""Every input the fuzzer found that crashed or hung the reading child, replayed.

``tests/fuzz/fuzz_import.py`` (``make fuzz``) writes each new finding to
``tests/fuzz/crashers/<kind>-<sha1>.ifc``; ``<kind>`` is the signal that killed the child
(``sigsegv``, ``sigabrt``), or ``timeout``, ``memory``, ``exit`` or ``bug``. Hand-found
crashers of ifcopenshell 0.9.0.post1 live there too. Whatever the file, ``read_model`` must
answer with an ``IfcImportError`` or a model, and this process must survive.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from site_manager.errors import IfcImportError
from site_manager.ifc import read_model

CRASHERS = sorted((Path(__file__).parent / "crashers").glob("*.ifc"))


@pytest.mark.parametrize("path", CRASHERS, ids=[p.name for p in CRASHERS])
def test_a_crasher_found_by_fuzzing_gives_an_import_error_or_a_model(path: Path):
    try:
        model = read_model(path, timeout_s=30, memory_mb=1024)
    except IfcImportError as exc:
        assert str(exc).startswith(f"{path}: ")
        assert "\n" not in str(exc)
    else:
        assert model.info.path == str(path)


def test_the_crasher_corpus_is_not_empty():
    assert CRASHERS, "tests/fuzz/crashers/ should hold at least the hand-found crashers"
