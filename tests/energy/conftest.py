"""One register of sample sites shared by the energy tests, each sample loaded when first asked."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest


class SampleRegister:
    """An SQLite register that loads a sample site the first time a test asks for it.

    Tests read it (``url`` for the CLI, ``engine``, ``frames(site)``); a test that changes
    the register works on its own copy (the ``samples_copy`` fixture).
    """

    def __init__(self, path: Path) -> None:
        from site_manager import register

        self.path = path
        self.url = f"sqlite:///{path}"
        self.engine = register.open_register(self.url)
        self._loaded: set[str] = set()

    def load(self, site: str) -> str:
        """Load ``sample_sites/<site>`` unless it is loaded already; return its id."""
        from site_manager import register

        if site not in self._loaded:
            register.load_sample(self.engine, site)
            self._loaded.add(site)
        return site

    def frames(self, site: str) -> Any:
        """The register frames of a sample site."""
        from site_manager import register

        return register.frames(self.engine, self.load(site))


@pytest.fixture(scope="package")
def samples(tmp_path_factory: pytest.TempPathFactory) -> SampleRegister:
    """The shared sample register (read it; use ``samples_copy`` to change it)."""
    return SampleRegister(tmp_path_factory.mktemp("samples") / "samples.sqlite")


@pytest.fixture
def samples_copy(samples: SampleRegister, tmp_path: Path) -> tuple[str, Any]:
    """``(url, engine)`` of this test's own copy of the register with the textile mill."""
    from site_manager import register

    samples.load("textile_mill")
    target = tmp_path / "copy.sqlite"
    # SQLite's backup copies what is committed, in the WAL too (CLI runs leave engines open)
    with closing(sqlite3.connect(samples.path)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    url = f"sqlite:///{target}"
    return url, register.open_register(url)
