"""Cheap checks of an IFC file, run in the calling process before any parsing.

:func:`check_file` reads only the first and last bytes of a file: the file exists, is a
regular non-empty file, is an IFC-SPF text (``ISO-10303-21;``) or a zip holding one
(``.ifczip``, unzipped into a temporary folder under a size limit), names a schema
site-manager reads, and is not truncated (it ends with ``END-ISO-10303-21;``). Anything
else becomes an :class:`~site_manager.errors.IfcImportError` that says what the file is and
what to do. A file that passes comes back as a :class:`CheckedFile`, ready for
:func:`site_manager.ifc.safe_open.read_isolated` to parse in a child process.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from site_manager.errors import IfcImportError

__all__ = [
    "SUPPORTED_SCHEMAS",
    "UNSUPPORTED_SCHEMAS",
    "CheckedFile",
    "check_file",
    "file_error",
]

#: Declared schema name -> the ifcopenshell schema the file is read with.
SUPPORTED_SCHEMAS: dict[str, str] = {
    "IFC2X3": "IFC2X3",
    "IFC2X3_TC1": "IFC2X3",
    "IFC4": "IFC4",
    "IFC4_ADD1": "IFC4",
    "IFC4_ADD2": "IFC4",
    "IFC4_ADD2_TC1": "IFC4",
    "IFC4X3": "IFC4X3_ADD2",
    "IFC4X3_TC1": "IFC4X3_ADD2",
    "IFC4X3_ADD1": "IFC4X3_ADD2",
    "IFC4X3_ADD2": "IFC4X3_ADD2",
}

#: Real IFC releases that site-manager (through ifcopenshell) cannot read.
UNSUPPORTED_SCHEMAS = frozenset(
    {
        "IFC1.0",
        "IFC1.5",
        "IFC1.5.1",
        "IFC2.0",
        "IFC2X",
        "IFC2X_FINAL",
        "IFC2X2",
        "IFC2X2_FINAL",
        "IFC2X2_ADD1",
        "IFC4X1",
        "IFC4X2",
        "IFC4X3_RC1",
        "IFC4X3_RC2",
        "IFC4X3_RC3",
        "IFC4X3_RC4",
    }
)

_STEP_MAGIC = b"ISO-10303-21;"
_STEP_END = b"END-ISO-10303-21;"
_HEAD_BYTES = 1 << 20
_TAIL_BYTES = 4096
_SCHEMA_RE = re.compile(rb"FILE_SCHEMA\s*\(\s*\(([^)]*)\)", re.IGNORECASE)
_QUOTED_RE = re.compile(rb"'([^']*)'")
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program (ELF binary)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"ISO-10303-28", "a STEP-XML file"),
)
_WHAT_TO_GIVE = "give an IFC model (.ifc or .ifczip) exported from the authoring tool"


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the cheap checks, ready to be parsed.

    Attributes
    ----------
    path : str
        The file as the user named it; every message names this.
    open_path : str
        The IFC-SPF file to parse: ``path`` itself, or a temporary copy (unzipped, or with
        its schema name normalised) inside ``temp_dir``.
    declared_schema : str
        The schema named by the header's ``FILE_SCHEMA``.
    schema : str
        The ifcopenshell schema it is read with (``IFC2X3``, ``IFC4``, ``IFC4X3_ADD2``).
    size_bytes : int
        Size of the IFC-SPF text. [byte]
    temp_dir : str | None
        A temporary folder to delete once the file is read (see :meth:`cleanup`).
    notes : tuple of str
        What the checks noticed and absorbed; they become model warnings.
    """

    path: str
    open_path: str
    declared_schema: str
    schema: str
    size_bytes: int
    temp_dir: str | None = None
    notes: tuple[str, ...] = ()

    def cleanup(self) -> None:
        """Delete the temporary copy, if any."""
        if self.temp_dir:
            shutil.rmtree(self.temp_dir, ignore_errors=True)


def file_error(path: str, what: str) -> IfcImportError:
    """The import error for a file: ``<path>: <what is wrong, and what to do>``."""
    return IfcImportError(f"{path}: {what}")


# --------------------------------------------------------------------------- cheap checks


def check_file(
    path: str | os.PathLike[str], *, max_unzipped_mb: float | None = None
) -> CheckedFile:
    """Check that a path names a readable IFC model, reading only its first and last bytes.

    Parameters
    ----------
    path
        An ``.ifc`` file (IFC-SPF text) or an ``.ifczip`` (a zip archive holding one).
    max_unzipped_mb
        Refuse an archive whose ``.ifc`` is larger than this once unzipped (a zip bomb
        would otherwise fill the disk). [MB] Default: no limit.

    Returns
    -------
    CheckedFile
        Call its :meth:`~CheckedFile.cleanup` once done with it.

    Raises
    ------
    IfcImportError
        ``<file>: <what is wrong, and what to do>``.
    """
    name = os.fspath(path)
    p = Path(name)
    if not p.exists():
        raise file_error(name, "file not found: check the path and the working folder")
    if p.is_dir():
        raise file_error(name, f"is a folder, not a file: {_WHAT_TO_GIVE}")
    if not p.is_file():
        raise file_error(name, f"is not a regular file (a device or a pipe): {_WHAT_TO_GIVE}")
    try:
        size = p.stat().st_size
        with p.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
            if size > _TAIL_BYTES:
                fh.seek(size - _TAIL_BYTES)
            tail = fh.read(_TAIL_BYTES) if size > len(head) else head[-_TAIL_BYTES:]
    except PermissionError:
        raise file_error(
            name, "cannot be read (permission denied): check the file's permissions"
        ) from None
    except OSError as exc:
        raise file_error(name, f"cannot be read ({exc.strerror or exc}): check the file") from None
    if size == 0 or not head:
        raise file_error(name, "the file is empty (0 bytes): export the model again")
    if head.startswith(b"PK\x03\x04"):
        return _check_zip(name, max_unzipped_mb=max_unzipped_mb)
    if p.suffix.lower() in (".ifczip", ".zip"):
        raise file_error(name, f"is named like a zip archive but is not one: {_WHAT_TO_GIVE}")
    return _check_spf(name, name, head, tail, size, temp_dir=None)


def _describe_not_step(name: str, head: bytes) -> IfcImportError:
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            return file_error(name, f"is {what}, not an IFC model: {_WHAT_TO_GIVE}")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return file_error(
            name,
            "looks like XML (ifcXML?), which site-manager does not read: export the model "
            "as IFC-SPF (.ifc) instead",
        )
    if stripped.startswith((b"{", b"[")):
        return file_error(name, f"looks like JSON, not an IFC model: {_WHAT_TO_GIVE}")
    sample = head[:4096]
    try:
        sample.decode("utf-8")
        text = b"\x00" not in sample
    except UnicodeDecodeError as exc:  # a cut multi-byte character at the end is still text
        text = exc.start >= len(sample) - 3 and b"\x00" not in sample
    if text:
        return file_error(
            name,
            "is plain text, not an IFC model (it does not start with ISO-10303-21;): "
            + _WHAT_TO_GIVE,
        )
    return file_error(name, f"is binary data, not an IFC model: {_WHAT_TO_GIVE}")


def _check_spf(
    name: str,
    open_path: str,
    head: bytes,
    tail: bytes,
    size: int,
    *,
    temp_dir: str | None,
) -> CheckedFile:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(_STEP_MAGIC):
        raise _describe_not_step(name, head)
    header_end = stripped.find(b"ENDSEC;")
    header = stripped[: header_end if header_end >= 0 else len(stripped)]
    match = _SCHEMA_RE.search(header)
    if match is None:
        raise file_error(
            name,
            "the header names no schema (FILE_SCHEMA is missing or cut): the file is damaged; "
            "export the model again",
        )
    schemas = [s.decode("latin-1").strip() for s in _QUOTED_RE.findall(match.group(1))]
    if len(schemas) != 1:
        listed = ", ".join(schemas) or "none"
        raise file_error(
            name,
            f"the header must name exactly one schema, it names {listed}: export the model "
            "again as IFC4 or IFC2X3",
        )
    declared = schemas[0]
    key = declared.upper()
    if key not in SUPPORTED_SCHEMAS:
        if key in UNSUPPORTED_SCHEMAS:
            raise file_error(
                name,
                f"schema {declared} is not supported (site-manager reads IFC2X3, IFC4 and "
                "IFC4X3): export the model again as IFC4 or IFC2X3",
            )
        raise file_error(
            name,
            f"unknown schema {declared!r} in the header: the file is damaged or not an IFC "
            "model; export it again as IFC4 or IFC2X3",
        )
    if _STEP_END not in tail:
        raise file_error(
            name,
            "the file is truncated (it does not end with END-ISO-10303-21;): the export or the "
            "download was cut short; export or download it again",
        )
    schema = SUPPORTED_SCHEMAS[key]
    notes: tuple[str, ...] = ()
    if key != schema:
        # ifcopenshell only knows the canonical names: read a copy whose header says it.
        skipped = len(head) - len(stripped)
        owned = temp_dir is not None
        temp_dir = temp_dir or tempfile.mkdtemp(prefix="site-manager-ifc-")
        copy = os.path.join(temp_dir, "renamed.ifc")
        _copy_with_schema(open_path, copy, skipped + match.start(1), skipped + match.end(1), schema)
        if owned:
            os.unlink(open_path)
        open_path = copy
        notes = (f"{name}: the header declares schema {declared}; read as {schema}",)
    return CheckedFile(
        path=name,
        open_path=open_path,
        declared_schema=declared,
        schema=schema,
        size_bytes=size,
        temp_dir=temp_dir,
        notes=notes,
    )


def _copy_with_schema(src: str, dst: str, start: int, end: int, schema: str) -> None:
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        fout.write(fin.read(start))
        fout.write(f"'{schema}'".encode("ascii"))
        fin.seek(end)
        shutil.copyfileobj(fin, fout, 1 << 20)


def _check_zip(name: str, *, max_unzipped_mb: float | None) -> CheckedFile:
    try:
        archive = zipfile.ZipFile(name)
    except (zipfile.BadZipFile, OSError) as exc:
        raise file_error(
            name, f"is a damaged zip archive ({exc}): zip or export the model again"
        ) from None
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and info.filename.lower().endswith(".ifc")
            and not info.filename.startswith("__MACOSX/")
        ]
        if not members:
            found = ", ".join(i.filename for i in archive.infolist()[:3]) or "nothing"
            raise file_error(
                name,
                f"the zip archive holds no .ifc file (it holds {found}): an .ifczip must hold "
                "exactly one .ifc model",
            )
        if len(members) > 1:
            found = ", ".join(i.filename for i in members[:3])
            raise file_error(
                name,
                f"the zip archive holds {len(members)} .ifc files ({found}): an .ifczip must "
                "hold exactly one; give the model you mean unzipped",
            )
        member = members[0]
        if member.flag_bits & 0x1:
            raise file_error(
                name, "the zip archive is encrypted: unzip the model and give the .ifc"
            )
        limit = None if max_unzipped_mb is None else int(max_unzipped_mb * 2**20)
        temp_dir = tempfile.mkdtemp(prefix="site-manager-ifc-")
        target = os.path.join(temp_dir, "model.ifc")
        try:
            size = _extract(archive, member, target, limit, name)
            with open(target, "rb") as fh:
                head = fh.read(_HEAD_BYTES)
                fh.seek(max(0, size - _TAIL_BYTES))
                tail = fh.read(_TAIL_BYTES)
            inner = f"{name} ({member.filename})"
            if size == 0:
                raise file_error(inner, "the model inside the zip archive is empty (0 bytes)")
            checked = _check_spf(inner, target, head, tail, size, temp_dir=temp_dir)
            return dataclasses.replace(checked, path=name)
        except BaseException:
            shutil.rmtree(temp_dir, ignore_errors=True)
            raise


def _extract(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, target: str, limit: int | None, name: str
) -> int:
    written = 0
    try:
        with archive.open(member) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                if limit is not None and written > limit:
                    raise file_error(
                        name,
                        f"unzipped, {member.filename} is larger than {limit >> 20} MB, more "
                        "than the reader may use: raise the memory limit (--memory-mb)",
                    )
                dst.write(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
        if isinstance(exc, IfcImportError):
            raise
        raise file_error(
            name, f"cannot unzip {member.filename} ({exc}): zip or export it again"
        ) from None
    return written
