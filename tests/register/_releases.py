"""Helpers of the upgrade tests: a past release's source tree, and a register's full contents."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, select

ROOT = Path(__file__).resolve().parents[2]


def release_tree(tmp_path_factory: pytest.TempPathFactory, commit: str) -> Path:
    """The source tree of ``commit``, extracted from git into a temporary folder (the test
    skips in a clone without git or without that commit)."""
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("no git checkout: the release cannot be extracted")
    known = subprocess.run([git, "-C", str(ROOT), "cat-file", "-e", f"{commit}^{{commit}}"],
                           capture_output=True)  # fmt: skip
    if known.returncode != 0:
        pytest.skip(f"commit {commit} is not in this clone (shallow?)")
    folder = tmp_path_factory.mktemp(f"release-{commit}")
    archive = subprocess.run([git, "-C", str(ROOT), "archive", "--format=tar", commit],
                             capture_output=True, check=True)  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def dump(engine: Engine) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every table: its columns and its rows (sorted), read through reflected tables."""
    meta = MetaData()
    meta.reflect(engine)
    out = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            cols = [c.name for c in table.columns]
            rows = [tuple(r) for r in conn.execute(select(table))]
            out[name] = (cols, sorted(rows, key=repr))
    return out
