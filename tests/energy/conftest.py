"""A register holding the three sample sites, loaded once for the energy tests."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

SAMPLES = ("textile_mill", "engineering_works", "brewery_complex")


@pytest.fixture(scope="package")
def samples_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite register file with the three sample sites (read it; copy it to change it)."""
    from site_manager import register

    path = tmp_path_factory.mktemp("samples") / "samples.sqlite"
    engine = register.open_register(f"sqlite:///{path}")
    for name in SAMPLES:
        register.load_sample(engine, name)
    engine.dispose()  # closing the last connection folds the WAL into the file
    return path


@pytest.fixture(scope="package")
def samples(samples_file: Path) -> tuple[str, Any]:
    """``(url, engine)`` of the shared sample register; tests must not write to it."""
    from site_manager import register

    url = f"sqlite:///{samples_file}"
    return url, register.open_register(url)


@pytest.fixture
def samples_copy(samples_file: Path, tmp_path: Path) -> tuple[str, Any]:
    """``(url, engine)`` of this test's own copy of the sample register (free to change)."""
    from site_manager import register

    target = tmp_path / "copy.sqlite"
    shutil.copyfile(samples_file, target)
    url = f"sqlite:///{target}"
    return url, register.open_register(url)
