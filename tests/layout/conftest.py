"""Registers holding the sample sites, loaded once per test session into temporary SQLite files.

``sample_register(name)`` gives a :class:`Loaded` sample: the SQLite file (left closed, so
a test may copy it), its URL, the model read from the IFC (for expectations computed the
independent way, from the model's property sets) and the folder of the sample's CSV files.
A test that changes the register works on its own copy (:func:`copy_register`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_SITES = ROOT / "sample_sites"
MODELS = ROOT / "models"


@dataclass(frozen=True)
class Loaded:
    """A sample site loaded into a register file."""

    name: str
    path: Path
    model: Any
    folder: Path

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"


def copy_register(loaded: Loaded, target: Path) -> str:
    """Copy a loaded register file (SQLite's backup API) and return the copy's URL."""
    src, dst = sqlite3.connect(loaded.path), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def sample_register(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[str], Loaded]]:
    """Load a sample site (model read once, with its fabric and columns) into a register file."""
    from site_manager import register
    from site_manager.ifc import read_model

    cache: dict[str, Loaded] = {}

    def load(name: str) -> Loaded:
        if name not in cache:
            folder = SAMPLE_SITES / name
            if not (folder / "units.csv").is_file():
                pytest.skip(f"sample site {name} not present")
            model = read_model(MODELS / f"{name}.ifc", fabric=True, columns=True)
            path = tmp_path_factory.mktemp("register") / f"{name}.sqlite"
            engine = register.open_register(f"sqlite:///{path}")
            try:
                register.load_sample(engine, name, model=model)
            finally:
                engine.dispose()
            cache[name] = Loaded(name, path, model, folder)
        return cache[name]

    yield load
