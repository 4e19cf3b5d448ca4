"""Importing and exporting tenants, leases, equipment and applicants as CSV or Excel.

A file is read whole and checked (:mod:`site_manager.register.checks`: each cell by the
contract, each row by the rules) and either every row is written in one transaction
(:mod:`site_manager.register.writing`) or nothing is: one :class:`ImportValidationError`
lists every bad row with its file, row number (as a spreadsheet shows it: the heading is
row 1), column and what to do. Exports write the contract's columns under the landlord's
headings (:mod:`site_manager.register.contracts`).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from site_manager import tabular
from site_manager.errors import ValidationError
from site_manager.register import contracts, core, rules
from site_manager.register.checks import (
    ImportValidationError,
    check_file,
    parse_file,
    raise_if_problems,
)
from site_manager.register.engine import get_actor, get_revision, transaction
from site_manager.register.writing import ImportResult, plan_records, write_records

Bind = Engine | Session
log = logging.getLogger(__name__)

__all__ = ["ImportResult", "ImportValidationError", "export_frame", "export_table",
           "import_table"]  # fmt: skip


def _importable(kind: str, verb: str) -> contracts.Table:
    if kind not in contracts.IMPORTABLE:
        raise ValidationError(f"cannot {verb} {kind!r}; give one of "
                              f"{', '.join(contracts.IMPORTABLE)}")  # fmt: skip
    return contracts.TABLES[kind]


def import_table(
    bind: Bind,
    kind: str,
    path: Path | str,
    *,
    site: str | None = None,
    actor: str | None = None,
    delimiter: str | None = None,
) -> ImportResult:
    """Import a ``tenants``, ``leases`` or ``equipment`` file (``.csv`` or ``.xlsx``).

    Headings may be canonical or the landlord's (:mod:`site_manager.register.contracts`).
    Rows are matched by id: new ids are added, known ids updated (audited). The file is
    refused whole, with every bad row listed, when any row is bad (a bad date or number,
    an unknown unit, tenant or space, a duplicated id, a lease overlapping another lease of
    its unit); the register is then unchanged. A CSV is read as RFC 4180 with the
    ``delimiter`` given (``","``, ``";"``, ``"tab"``) or taken from the whole file.

    Returns
    -------
    ImportResult
        Rows added, updated and unchanged.

    Raises
    ------
    ImportValidationError
        Every bad row, as ``problems`` and in one message.
    """
    _importable(kind, "import")
    parsed = parse_file(kind, path, delimiter=delimiter)
    if any(p.row is None for p in parsed.problems):  # missing columns: rows cannot be read
        raise_if_problems([parsed])
    who = get_actor(actor)
    if isinstance(bind, Session):  # a step of the caller's transaction: check and write in it
        with transaction(bind) as s:
            st = core.get_site(s, site)
            check_file(parsed, rules.context_from_db(s, st))
            raise_if_problems([parsed])
            return write_records(s, st, parsed, actor=who)
    # Check the file and plan its writing against the register as it is, in a read
    # transaction (readers and writers go on meanwhile); then write the plan in one write
    # transaction, which holds the lock for the inserts alone, unless another write landed
    # in between: the file is then checked and planned again, in the write transaction.
    with transaction(bind, readonly=True) as s:
        checked_at = get_revision(s)
        st = core.get_site(s, site)
        check_file(parsed, rules.context_from_db(s, st))
        raise_if_problems([parsed])
        plan = plan_records(s, st, parsed, actor=who)
    started = time.perf_counter()
    with transaction(bind) as s:
        if get_revision(s) != checked_at:
            log.info("%s: the register changed while it was checked; checking it again", path)
            st = core.get_site(s, site)
            check_file(parsed, rules.context_from_db(s, st))
            raise_if_problems([parsed])
            plan = plan_records(s, st, parsed, actor=who)
        result = plan.apply(s)
    held = time.perf_counter() - started
    log.debug("%s: %d rows written; the write transaction took %.2f s", path,
              len(parsed.records), held, extra={"write_held_s": held})  # fmt: skip
    return result


# ---------------------------------------------------------------- export


def export_frame(bind: Bind, kind: str, *, site: str | None = None) -> Any:
    """The rows an export of ``kind`` writes, with canonical column names."""
    from site_manager.register import queries

    table = _importable(kind, "export")
    if kind == "tenants":
        frame = queries.list_tenants(bind, site)
    elif kind == "leases":
        frame = queries.list_leases(bind, site)
    elif kind == "equipment":
        frame = queries.list_equipment(bind, site)
    else:
        frame = queries.list_applicants(bind, site)
    frame = frame[table.names].copy()
    for col in table.columns:
        if col.type == "bool":
            frame[col.name] = frame[col.name].map({True: "yes", False: "no"})
    return frame


def export_table(
    bind: Bind,
    kind: str,
    path: Path | str,
    *,
    site: str | None = None,
    landlord: bool = True,
) -> int:
    """Write ``tenants``, ``leases`` or ``equipment`` to a ``.csv`` or ``.xlsx`` file.

    Written safe for a spreadsheet (:mod:`site_manager.tabular`): RFC 4180 CSV with a ``'``
    before each formula-like text; .xlsx text cells as text, never formulas.

    Parameters
    ----------
    bind : Engine or Session
        The register (an Engine: own transaction; a Session: a savepoint of it).
    kind : str
        ``tenants``, ``leases`` or ``equipment``.
    path : Path or str
        The ``.csv`` or ``.xlsx`` file to write.
    site : str, optional
        Site id (default: the only site).
    landlord : bool
        Write the landlord's headings ("Tenant", "Start date", "Monthly rent (EUR)");
        ``False`` writes the canonical names. Either form imports back.

    Returns
    -------
    int
        Rows written.
    """
    path = Path(path)
    frame = export_frame(bind, kind, site=site)
    if landlord:
        frame = frame.rename(columns={c.name: c.heading for c in contracts.TABLES[kind].columns})
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        tabular.write_xlsx(frame, path, sheet=kind)
    elif suffix in (".csv", ".txt"):
        tabular.write_csv(frame, path)
    else:
        raise ValidationError(f"{path}: unknown file type {suffix!r}; give a .csv or .xlsx path")
    return len(frame)
