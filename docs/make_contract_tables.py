"""Write the tables of docs/sample-site-format.md again from the register's contracts.

Usage: python docs/make_contract_tables.py [DOC.md ...]   (default: docs/sample-site-format.md)

The section between the markers of ``site_manager.register.contract_docs.DOC_BEGIN`` and
``DOC_END`` is replaced by ``contract_docs.markdown_tables()``; the rest of the file is kept.
``tests/register/test_contracts.py`` checks that the committed document is up to date.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from site_manager.register.contract_docs import with_tables  # noqa: E402


def main(paths: list[str]) -> None:
    """Rewrite the contract section of each document."""
    for arg in paths or [str(Path(__file__).with_name("sample-site-format.md"))]:
        path = Path(arg)
        path.write_text(with_tables(path.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"wrote the contract tables of {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
