"""Importing and exporting tenants, leases and equipment as CSV or Excel.

A file is read whole, every row is checked (types, enums, references, duplicates,
overlapping leases) and either every row is written in one transaction or nothing is:
one :class:`ImportValidationError` lists every bad row with its file, row number (as a
spreadsheet shows it: the heading is row 1), column and what to do.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from site_manager.errors import NotFoundError, ValidationError
from site_manager.parsing import parse_bool, parse_date
from site_manager.register import columns as cols
from site_manager.register import core
from site_manager.register.engine import get_actor, transaction
from site_manager.register.schema import (
    CARRIERS,
    HAZARDS,
    SKILL_LEVELS,
    TENANT_KINDS,
    TENANT_STAGES,
    Applicant,
    AuditEntry,
    Equipment,
    Lease,
    Site,
    Tenant,
    Unit,
)
from site_manager.zoning import Use

Bind = Engine | Session


# ---------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One bad value: where it is and what to do."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return (" ".join(where) + ": " if where else "") + self.message


class ImportValidationError(ValidationError):
    """A file (or a sample site's files) refused whole; ``problems`` lists every bad row."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        files = list(dict.fromkeys(p.file for p in self.problems))
        rows = {(p.file, p.row) for p in self.problems if p.row is not None}
        n = len(rows) or len(self.problems)
        noun = "bad row" if rows else "problem"
        if len(files) == 1:
            head = f"{files[0]}: {n} {noun}{'s' if n != 1 else ''}: "
            body = "; ".join(str(p) for p in self.problems)
        else:
            head = f"{n} {noun}{'s' if n != 1 else ''} in {len(files)} files: "
            body = "; ".join(f"{p.file} {p}" for p in self.problems)
        super().__init__(head + body)


# ---------------------------------------------------------------- reading files


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Headings and ``(row number, cells as text)`` of a ``.csv`` or ``.xlsx`` file.

    Row numbers are those a spreadsheet shows: the heading is row 1. Blank rows are skipped.
    """
    if not path.is_file():
        raise NotFoundError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt", ""):
        return _read_csv(path)
    raise ValidationError(f"{path}: unknown file type {suffix!r}; give a .csv or .xlsx file")


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from None
    try:
        dialect: Any = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", ",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text.splitlines(), dialect)
    rows = list(reader)
    if not rows:
        raise ValidationError(f"{path}: empty file; the first row must hold the headings")
    headings = [h.strip() for h in rows[0]]
    body = [(i, r) for i, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)]
    return headings, body


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt file
        raise ValidationError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    try:
        ws = wb.worksheets[0]
        headings: list[str] | None = None
        body: list[tuple[int, list[str]]] = []
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in row]
            if not any(c.strip() for c in cells):
                continue
            if headings is None:
                headings = [c.strip() for c in cells]
                continue
            body.append((i, cells))
    finally:
        wb.close()
    if headings is None:
        raise ValidationError(f"{path}: empty sheet; the first row must hold the headings")
    return headings, body


# ---------------------------------------------------------------- converters

Converter = Callable[[str], Any]


def _text(v: str) -> str:
    return v.strip()


def _date(v: str) -> dt.date:
    text = v.strip()
    try:
        return parse_date(text)
    except ValidationError:
        raise ValidationError(f"{text!r} is not a date YYYY-MM-DD") from None


def _number(
    minimum: float | None = None, maximum: float | None = None, exclusive_min: bool = False
) -> Converter:
    def conv(v: str) -> float:
        text = v.strip()
        try:
            x = float(text)
        except ValueError:
            raise ValidationError(f"{text!r} is not a number") from None
        if not math.isfinite(x):
            raise ValidationError(f"{text!r} is not a finite number")
        if minimum is not None and (x < minimum or (exclusive_min and x == minimum)):
            rel = "above" if exclusive_min else "at least"
            raise ValidationError(f"{text!r} is out of range; give a number {rel} {minimum:g}")
        if maximum is not None and x > maximum:
            raise ValidationError(f"{text!r} is out of range; give at most {maximum:g}")
        return x

    return conv


def _integer(v: str) -> int:
    text = v.strip()
    try:
        x = float(text)
    except ValueError:
        raise ValidationError(f"{text!r} is not a whole number") from None
    if not x.is_integer() or x < 0:
        raise ValidationError(f"{text!r} is not a whole number >= 0")
    return int(x)


def _choice(values: Iterable[str]) -> Converter:
    allowed = tuple(values)

    def conv(v: str) -> str:
        text = v.strip().lower().replace(" ", "_").replace("-", "_")
        if text not in allowed:
            raise ValidationError(f"{v.strip()!r} is not one of {', '.join(allowed)}")
        return text

    return conv


def _bool(v: str) -> bool:
    return parse_bool(v, what="")


def _hazards(v: str) -> str:
    items = [h.strip().lower() for h in re.split(r"[;,]", v) if h.strip()]
    bad = [h for h in items if h not in HAZARDS]
    if bad:
        raise ValidationError(f"{', '.join(bad)} not a hazard; use {', '.join(HAZARDS)}")
    return ";".join(items)


def _month(v: str) -> str:
    text = v.strip()
    if not re.match(r"^\d{4}-(0[1-9]|1[0-2])$", text):
        raise ValidationError(f"{text!r} is not a month YYYY-MM")
    return text


def _types(v: str) -> str:
    """Machine or skill types, ``;``-separated, as one canonical ``a;b`` text."""
    return ";".join(x.strip() for x in re.split(r"[;,]", v) if x.strip())


def _id_list(v: str) -> list[str]:
    return [x.strip() for x in v.split(";") if x.strip()]


@dataclass(frozen=True)
class Field:
    """How one canonical column is converted, and its default when empty."""

    conv: Converter
    required: bool = False
    default: Any = None


SPECS: dict[str, dict[str, Field]] = {
    "tenants": {
        "tenant_id": Field(_text, True), "name": Field(_text, True),
        "kind": Field(_choice(TENANT_KINDS)), "stage": Field(_choice(TENANT_STAGES)),
        "sector": Field(_text, default=""), "headcount": Field(_integer),
        "contact_name": Field(_text, default=""), "contact_email": Field(_text, default=""),
        "contact_phone": Field(_text, default=""), "joined": Field(_date),
    },
    "leases": {
        "lease_id": Field(_text), "unit_id": Field(_text, True), "tenant_id": Field(_text, True),
        "start": Field(_date, True), "end": Field(_date, True),
        "rent_eur_per_month": Field(_number(0.0), True),
        "common_cost_share": Field(_number(0.0, 1.0), default=0.0),
    },
    "equipment": {
        "equipment_id": Field(_text, True), "name": Field(_text, default=""),
        "type": Field(_text, default=""), "owner_tenant_id": Field(_text),
        "space_global_id": Field(_text), "board_id": Field(_text),
        "power_kw": Field(_number(0.0)), "noise_db": Field(_number(0.0)),
        "weight_kg": Field(_number(0.0)), "hazards": Field(_hazards, default=""),
        "shared": Field(_bool, default=False), "share_terms": Field(_text, default=""),
    },
    "applicants": {
        "applicant_id": Field(_text, True), "name": Field(_text, default=""),
        "kind": Field(_choice(TENANT_KINDS), default=""),
        "area_min_m2": Field(_number(0.0), True), "area_max_m2": Field(_number(0.0), True),
        "min_height_m": Field(_number(0.0), default=0.0),
        "min_load_kn_m2": Field(_number(0.0), default=0.0),
        "power_kw": Field(_number(0.0), default=0.0), "extraction": Field(_bool, default=False),
        "access": Field(_bool, default=False), "daylight": Field(_bool, default=False),
        "noise_db": Field(_number(0.0), default=0.0),
        "noise_sensitive": Field(_bool, default=False), "hazard": Field(_integer, default=0),
        "rent_eur_per_m2_month": Field(_number(0.0), True),
        "provides": Field(_types, default=""), "needs": Field(_types, default=""),
        "headcount": Field(_integer), "contact_name": Field(_text, default=""),
        "contact_email": Field(_text, default=""), "contact_phone": Field(_text, default=""),
        "applied": Field(_date),
    },
    # the sample-site files below are read with canonical headings only
    "zoning": {
        "space_global_id": Field(_text, True), "space_name": Field(_text, default=""),
        "use": Field(_choice(u.value for u in Use), True),
    },
    "units": {
        "unit_id": Field(_text, True), "name": Field(_text, default=""),
        "space_global_ids": Field(_id_list, True), "storey": Field(_text),
        "area_m2": Field(_number(0.0, exclusive_min=True)), "notes": Field(_text, default=""),
    },
    "skills": {
        "tenant_id": Field(_text, True), "skill": Field(_text, True),
        "level": Field(_choice(SKILL_LEVELS)),
    },
    "boards": {
        "board_id": Field(_text, True), "storey": Field(_text),
        "capacity_kw": Field(_number(0.0), True),
    },
    "meters": {
        "meter_id": Field(_text, True), "tenant_id": Field(_text),
        "carrier": Field(_choice(CARRIERS), True), "month": Field(_month, True),
        "reading_kwh": Field(_number()), "reading_m3": Field(_number()),
    },
}  # fmt: skip

#: The id column of each kind (duplicates refused); ``None`` where rows have no single id.
ID_COLUMN: dict[str, str | None] = {
    "tenants": "tenant_id", "leases": "lease_id", "equipment": "equipment_id",
    "applicants": "applicant_id", "zoning": "space_global_id", "units": "unit_id",
    "skills": None, "boards": "board_id", "meters": None,
}  # fmt: skip


@dataclass
class ParsedFile:
    """A file's rows converted to canonical, typed records (``_row`` holds the row number)."""

    kind: str
    file: str
    records: list[dict[str, Any]]
    problems: list[Problem] = field(default_factory=list)


def parse_file(kind: str, path: Path | str, *, label: str | None = None) -> ParsedFile:
    """Read and convert a file of ``kind``; collect every problem instead of stopping.

    Parameters
    ----------
    kind : str
        ``tenants``, ``leases``, ``equipment`` (landlord headings accepted) or one of the
        sample-site kinds ``zoning``, ``units``, ``skills``, ``boards``, ``meters``.
    path : Path or str
        A ``.csv`` or ``.xlsx`` file.
    label : str, optional
        How the file is named in messages (default: the path as given).
    """
    path = Path(path)
    label = label or str(path)
    spec = SPECS[kind]
    headings, body = read_rows(path)
    if kind in cols.KINDS:
        names, head_problems = cols.rename_headings(kind, headings)
    else:
        names = [h.strip() if h.strip() in spec else None for h in headings]
        head_problems = [f"no column {c}; add it" for c, f in spec.items()
                         if f.required and c not in names]  # fmt: skip
    parsed = ParsedFile(kind, label, [])
    parsed.problems += [Problem(label, None, None, p) for p in head_problems]
    if head_problems:
        return parsed
    seen: dict[str, int] = {}
    id_col = ID_COLUMN[kind]
    for rownum, cells in body:
        rec: dict[str, Any] = {"_row": rownum}
        ok = True
        for idx, name in enumerate(names):
            if name is None or name not in spec:
                continue
            raw = cells[idx] if idx < len(cells) else ""
            f = spec[name]
            if not raw.strip():
                if f.required:
                    parsed.problems.append(Problem(label, rownum, name, "empty; fill it in"))
                    ok = False
                rec[name] = f.default
                continue
            try:
                rec[name] = f.conv(raw)
            except ValidationError as exc:
                parsed.problems.append(Problem(label, rownum, name, str(exc)))
                ok = False
        for name, f in spec.items():
            rec.setdefault(name, f.default)
        if id_col and rec.get(id_col):
            first = seen.setdefault(rec[id_col], rownum)
            if first != rownum:
                parsed.problems.append(
                    Problem(label, rownum, id_col,
                            f"{rec[id_col]!r} is also on row {first}; keep one row per id")
                )  # fmt: skip
                ok = False
        if kind == "applicants" and ok and rec["area_max_m2"] < rec["area_min_m2"]:
            parsed.problems.append(
                Problem(label, rownum, "area_max_m2",
                        f"{rec['area_max_m2']:g} is below the minimum area "
                        f"{rec['area_min_m2']:g}; give area_max_m2 >= area_min_m2")
            )  # fmt: skip
            ok = False
        if kind == "leases" and ok and rec["end"] < rec["start"]:
            parsed.problems.append(
                Problem(label, rownum, "end",
                        f"{rec['end'].isoformat()} is before the start "
                        f"{rec['start'].isoformat()}; the end is the lease's last day")
            )  # fmt: skip
            ok = False
        rec["_ok"] = ok
        parsed.records.append(rec)
    return parsed


# ---------------------------------------------------------------- reference checks


@dataclass
class SiteContext:
    """What references in a file are checked against."""

    spaces: set[str]
    units: set[str]
    tenants: set[str]
    tenant_names: dict[str, str]
    leases: dict[str, tuple[str, dt.date, dt.date, str]]  # lease_id → unit, start, end, tenant


def context_from_db(s: Session, site: Site) -> SiteContext:
    """The references of the site as they are in the register."""
    tenants = {
        t.tenant_id: t.name for t in s.scalars(select(Tenant).where(Tenant.site_pk == site.id))
    }
    names: dict[str, str] = {}
    for tid, name in tenants.items():
        names[name] = tid if name not in names else ""
    leases = {
        le.lease_id: (uid, le.start_date, le.end_date, tid)
        for le, uid, tid in s.execute(
            select(Lease, Unit.unit_id, Tenant.tenant_id)
            .join(Unit, Unit.id == Lease.unit_pk)
            .join(Tenant, Tenant.id == Lease.tenant_pk)
            .where(Lease.site_pk == site.id)
        )
    }
    return SiteContext(
        spaces=set(core.get_spaces(s, site)),
        units=set(s.scalars(select(Unit.unit_id).where(Unit.site_pk == site.id))),
        tenants=set(tenants),
        tenant_names={n: t for n, t in names.items() if t},
        leases=leases,
    )


def check_references(parsed: ParsedFile, ctx: SiteContext) -> None:
    """Add problems for unknown spaces, units and tenants, and overlapping leases."""
    p, label = parsed.problems, parsed.file
    for rec in parsed.records:
        row = rec["_row"]
        if parsed.kind in ("leases", "skills", "meters") and rec.get("tenant_id"):
            tid = rec["tenant_id"]
            if tid not in ctx.tenants and parsed.kind == "leases" and tid in ctx.tenant_names:
                rec["tenant_id"] = ctx.tenant_names[tid]
            elif tid not in ctx.tenants:
                p.append(
                    Problem(
                        label,
                        row,
                        "tenant_id",
                        f"unknown tenant {tid!r}; import the tenant first or fix the id",
                    )
                )
                rec["_ok"] = False
        if parsed.kind == "leases" and rec.get("unit_id") and rec["unit_id"] not in ctx.units:
            p.append(
                Problem(
                    label,
                    row,
                    "unit_id",
                    f"unknown unit {rec['unit_id']!r}; see `site-manager unit list`",
                )
            )
            rec["_ok"] = False
        if parsed.kind == "equipment":
            owner = rec.get("owner_tenant_id")
            if owner and owner not in ctx.tenants:
                p.append(
                    Problem(
                        label,
                        row,
                        "owner_tenant_id",
                        f"unknown tenant {owner!r}; leave empty for the site's own",
                    )
                )
                rec["_ok"] = False
            gid = rec.get("space_global_id")
            if gid and gid not in ctx.spaces:
                p.append(
                    Problem(
                        label,
                        row,
                        "space_global_id",
                        f"unknown space {gid!r}; use a GlobalId of the model",
                    )
                )
                rec["_ok"] = False
        if parsed.kind == "zoning" and rec.get("space_global_id") not in ctx.spaces:
            p.append(
                Problem(
                    label,
                    row,
                    "space_global_id",
                    f"unknown space {rec.get('space_global_id')!r}; use a GlobalId of the model",
                )
            )
            rec["_ok"] = False
        if parsed.kind == "units":
            bad = [g for g in rec.get("space_global_ids") or [] if g not in ctx.spaces]
            if bad:
                p.append(
                    Problem(
                        label,
                        row,
                        "space_global_ids",
                        f"unknown spaces {', '.join(bad)}; use GlobalIds of the model",
                    )
                )
                rec["_ok"] = False
    if parsed.kind == "leases":
        _check_overlaps(parsed, ctx)


def _check_overlaps(parsed: ParsedFile, ctx: SiteContext) -> None:
    replaced = {r["lease_id"] for r in parsed.records if r.get("lease_id")}
    by_unit: dict[str, list[tuple[dt.date, dt.date, str, int | None]]] = defaultdict(list)
    for lid, (uid, start, end, tid) in ctx.leases.items():
        if lid not in replaced:
            by_unit[uid].append((start, end, f"lease {lid} ({start} to {end}, tenant {tid})", None))
    for rec in parsed.records:
        if not rec["_ok"]:
            continue
        uid, start, end = rec["unit_id"], rec["start"], rec["end"]
        for o_start, o_end, what, o_row in by_unit[uid]:
            if o_start <= end and start <= o_end:
                where = what if o_row is None else f"row {o_row} ({what})"
                parsed.problems.append(Problem(
                    parsed.file, rec["_row"], "start",
                    f"unit {uid} from {start} to {end} overlaps {where}; change the dates or "
                    "end the other lease first"))  # fmt: skip
                rec["_ok"] = False
                break
        else:
            by_unit[uid].append((start, end, f"{start} to {end}", rec["_row"]))


def raise_if_problems(parsed: Iterable[ParsedFile]) -> None:
    """Raise one :class:`ImportValidationError` with every problem of every file."""
    problems = [p for f in parsed for p in f.problems]
    if problems:
        problems.sort(key=lambda p: (p.file, p.row or 0))
        raise ImportValidationError(problems)


# ---------------------------------------------------------------- writing


@dataclass
class ImportResult:
    """What an import did: rows added, updated and unchanged."""

    kind: str
    file: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (f"{self.file}: {self.added} {self.kind} added, {self.updated} updated, "
                f"{self.unchanged} unchanged")  # fmt: skip


class _Upserter:
    """Insert or update records of one table by natural key, auditing each change.

    Existing records are read once; new records and their audit entries are inserted in
    bulk (Core ``insert`` with many rows) by :meth:`finish`, so a file of thousands of rows
    is written in a few statements.
    """

    def __init__(self, s: Session, st: Site, model: Any, key_col: str, *, actor: str,
                 verb: str, result: ImportResult) -> None:  # fmt: skip
        self.s, self.st, self.model, self.key_col = s, st, model, key_col
        self.actor, self.verb, self.result = actor, verb, result
        self.existing = {
            getattr(o, key_col): o for o in s.scalars(select(model).where(model.site_pk == st.id))
        }
        self.new_rows: dict[str, dict[str, Any]] = {}
        self.audit_rows: list[dict[str, Any]] = []
        self.at = core.now()

    def __call__(
        self, key: str, values: dict[str, Any], *, new_defaults: dict | None = None
    ) -> None:
        obj = self.existing.get(key)
        table = self.model.__tablename__
        if obj is None:
            row = {"site_pk": self.st.id, self.key_col: key} | (new_defaults or {}) | values
            self.new_rows[key] = row
            after = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}
            self.audit_rows.append(core.audit_row(
                site=self.st, actor=self.actor, verb=self.verb, table=table, record=key,
                action="insert", after=after, at=self.at))  # fmt: skip
            self.result.added += 1
            return
        before = core.record_dict(obj)
        for k, v in values.items():
            setattr(obj, k, v)
        after = core.record_dict(obj)
        if after == before:
            self.result.unchanged += 1
            return
        self.audit_rows.append(core.audit_row(
            site=self.st, actor=self.actor, verb=self.verb, table=table, record=key,
            action="update", before=before, after=after, at=self.at))  # fmt: skip
        self.result.updated += 1

    def finish(self) -> None:
        """Flush the updates, then insert the new rows and the audit entries in bulk."""
        self.s.flush()
        if self.new_rows:
            self.s.execute(insert(self.model), list(self.new_rows.values()))
        if self.audit_rows:
            self.s.execute(insert(AuditEntry), self.audit_rows)


def write_records(s: Session, st: Site, parsed: ParsedFile, *, actor: str) -> ImportResult:
    """Write checked records of a tenants, leases, equipment or applicants file (upsert by id)."""
    from site_manager.register.verbs import new_lease_id

    result = ImportResult(parsed.kind, parsed.file)
    verb = f"import_{parsed.kind}"
    tenants = {t.tenant_id: t.id for t in s.scalars(select(Tenant).where(Tenant.site_pk == st.id))}
    if parsed.kind == "tenants":
        upsert = _Upserter(s, st, Tenant, "tenant_id", actor=actor, verb=verb, result=result)
        for r in parsed.records:
            upsert(r["tenant_id"], {k: r[k] for k in SPECS["tenants"] if k != "tenant_id"})
    elif parsed.kind == "leases":
        units = {u.unit_id: u.id for u in s.scalars(select(Unit).where(Unit.site_pk == st.id))}
        upsert = _Upserter(s, st, Lease, "lease_id", actor=actor, verb=verb, result=result)
        for r in parsed.records:
            values = {"unit_pk": units[r["unit_id"]], "tenant_pk": tenants[r["tenant_id"]],
                      "start_date": r["start"], "end_date": r["end"],
                      "rent_eur_per_month": r["rent_eur_per_month"],
                      "common_cost_share": r["common_cost_share"]}  # fmt: skip
            upsert(r.get("lease_id") or new_lease_id(), values,
                   new_defaults={"space_removed": False, "notes": ""})  # fmt: skip
    elif parsed.kind == "equipment":
        spaces = {g: sp.id for g, sp in core.get_spaces(s, st).items()}
        upsert = _Upserter(s, st, Equipment, "equipment_id", actor=actor, verb=verb,
                           result=result)  # fmt: skip
        keys = ("name", "type", "board_id", "power_kw", "noise_db", "weight_kg", "hazards",
                "shared", "share_terms")  # fmt: skip
        for r in parsed.records:
            values = {k: r[k] for k in keys}
            values["owner_tenant_pk"] = tenants.get(r["owner_tenant_id"] or "")
            values["space_pk"] = spaces.get(r["space_global_id"] or "")
            upsert(r["equipment_id"], values)
    elif parsed.kind == "applicants":
        upsert = _Upserter(s, st, Applicant, "applicant_id", actor=actor, verb=verb,
                           result=result)  # fmt: skip
        for r in parsed.records:
            upsert(r["applicant_id"], {k: r[k] for k in SPECS["applicants"]
                                       if k != "applicant_id"})  # fmt: skip
    else:  # pragma: no cover - guarded by import_table
        raise ValueError(parsed.kind)
    upsert.finish()
    return result


def import_table(
    bind: Bind,
    kind: str,
    path: Path | str,
    *,
    site: str | None = None,
    actor: str | None = None,
) -> ImportResult:
    """Import a ``tenants``, ``leases`` or ``equipment`` file (``.csv`` or ``.xlsx``).

    Headings may be canonical or the landlord's (:mod:`site_manager.register.columns`).
    Rows are matched by id: new ids are added, known ids updated (audited). The file is
    refused whole, with every bad row listed, when any row is bad (a bad date or number,
    an unknown unit, tenant or space, a duplicated id, a lease overlapping another lease of
    its unit); the register is then unchanged.

    Returns
    -------
    ImportResult
        Rows added, updated and unchanged.

    Raises
    ------
    ImportValidationError
        Every bad row, as ``problems`` and in one message.
    """
    if kind not in cols.KINDS:
        raise ValidationError(f"cannot import {kind!r}; give one of {', '.join(cols.KINDS)}")
    parsed = parse_file(kind, path)
    if any(p.row is None for p in parsed.problems):  # missing columns: rows cannot be read
        raise_if_problems([parsed])
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        check_references(parsed, context_from_db(s, st))
        raise_if_problems([parsed])
        return write_records(s, st, parsed, actor=who)


# ---------------------------------------------------------------- export


def export_frame(bind: Bind, kind: str, *, site: str | None = None) -> Any:
    """The rows an export of ``kind`` writes, with canonical column names."""
    from site_manager.register import queries

    if kind == "tenants":
        frame = queries.list_tenants(bind, site)
    elif kind == "leases":
        frame = queries.list_leases(bind, site)
    elif kind == "equipment":
        frame = queries.list_equipment(bind, site)
        frame["shared"] = frame["shared"].map({True: "yes", False: "no"})
    elif kind == "applicants":
        frame = queries.list_applicants(bind, site)
        for col in ("extraction", "access", "daylight", "noise_sensitive"):
            frame[col] = frame[col].map({True: "yes", False: "no"})
    else:
        raise ValidationError(f"cannot export {kind!r}; give one of {', '.join(cols.KINDS)}")
    return frame[[c.name for c in cols.KINDS[kind]]]


def export_table(
    bind: Bind,
    kind: str,
    path: Path | str,
    *,
    site: str | None = None,
    landlord: bool = True,
) -> int:
    """Write ``tenants``, ``leases`` or ``equipment`` to a ``.csv`` or ``.xlsx`` file.

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
        frame = frame.rename(columns={c.name: c.landlord for c in cols.KINDS[kind]})
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        frame.to_excel(path, index=False, sheet_name=kind, engine="openpyxl")
    elif suffix in (".csv", ".txt"):
        frame.to_csv(path, index=False, lineterminator="\n")
    else:
        raise ValidationError(f"{path}: unknown file type {suffix!r}; give a .csv or .xlsx path")
    return len(frame)
