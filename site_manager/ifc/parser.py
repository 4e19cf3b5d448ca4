"""Parsing an IFC-SPF file with ifcopenshell, and refusing it on the errors it only logs.

Runs in the reading child process (:mod:`site_manager.ifc.child`): a malformed file can
crash the parser.
"""

from __future__ import annotations

import re
from typing import Any

from site_manager.ifc.checks import file_error

__all__ = ["open_ifc", "parse_text_log"]

_OFFSET_RE = re.compile(r"\s+at offset (\d+)$")
_DANGLING_RE = re.compile(r"Instance reference #(\d+) used by instance #(\d+)")
_UNKNOWN_ENTITY_RE = re.compile(r"Entity with name '([^']*)' not found in schema '([^']*)'")
_TEXT_LOG_RE = re.compile(r"^\[(\w+)\](?: \[[^\]]*\])*? \[[\d\- :]+\] (.*)$")


def open_ifc(open_path: str, *, display: str | None = None) -> Any:
    """Parse an IFC-SPF file with ifcopenshell and refuse it if the parser logged errors.

    ifcopenshell 0.9 opens some broken files without raising (a truncated file, a reference
    to an instance that is not defined, an unknown entity) and only writes ``ERROR`` lines to
    its log. This reads that log (a per-file in-memory logger where the build has one, else
    the text of ``ifcopenshell.get_log()``: ``[error] [timestamp] message`` lines) and turns
    the first error into an :class:`IfcImportError`. Run it in a child process (see
    :func:`read_isolated`): a malformed file can crash the parser.

    Parameters
    ----------
    open_path
        The IFC-SPF file.
    display
        The name of the file in messages (default ``open_path``).

    Returns
    -------
    ifcopenshell.file
    """
    import ifcopenshell

    name = display or open_path
    log = None
    make_logger: Any = getattr(ifcopenshell, "logger", None)
    if make_logger is not None:
        log = make_logger()
        log.output_format(ifcopenshell.ifcopenshell_wrapper.logger.FMT_INMEMORY)
    else:  # pragma: no cover - older builds: the global text log
        ifcopenshell.get_log()  # reading it empties it
    try:
        if log is not None:
            f = ifcopenshell.open(open_path, format=".ifc", logger=log)
        else:  # pragma: no cover
            f = ifcopenshell.open(open_path, format=".ifc")
    except ifcopenshell.SchemaError as exc:
        raise file_error(name, f"{exc}: export the model again as IFC4 or IFC2X3") from None
    except (ifcopenshell.Error, RuntimeError) as exc:
        first = _log_errors(log, ifcopenshell)
        detail = _describe_log_error(first[0], open_path) if first else str(exc)
        raise file_error(
            name, f"the file cannot be parsed: {detail}; export the model again"
        ) from None
    except OSError as exc:
        raise file_error(name, f"cannot be read ({exc}): check the file") from None
    errors = _log_errors(log, ifcopenshell)
    if errors:
        more = f" (and {len(errors) - 1} more errors)" if len(errors) > 1 else ""
        raise file_error(
            name,
            f"{_describe_log_error(errors[0], open_path)}{more}: the file is damaged or "
            "incomplete; export the model again",
        )
    return f


def _log_errors(log: Any, ifcopenshell: Any) -> list[str]:
    if log is not None:
        return [m.message for m in log.log_messages() if m.severity_string == "ERROR"]
    return parse_text_log(ifcopenshell.get_log())  # pragma: no cover


def parse_text_log(text: str) -> list[str]:
    """The error messages of ifcopenshell's text log (``ifcopenshell.get_log()``).

    Each line reads ``[severity] [timestamp] message``, warnings with a code in between:
    ``[warning] [VAL016] [2026-11-27 13:03:29] Expected 4 attribute values ...``.
    """
    errors = []
    for line in text.splitlines():
        m = _TEXT_LOG_RE.match(line.strip())
        if m and m.group(1).lower() == "error":
            errors.append(m.group(2))
    return errors


def _describe_log_error(message: str, open_path: str) -> str:
    where = ""
    m = _OFFSET_RE.search(message)
    if m:
        message = message[: m.start()]
        line = _line_of_offset(open_path, int(m.group(1)))
        if line:
            where = f" (line {line})"
    d = _DANGLING_RE.search(message)
    if d:
        return (
            f"instance #{d.group(2)} refers to #{d.group(1)}, which the file does not define{where}"
        )
    u = _UNKNOWN_ENTITY_RE.search(message)
    if u:
        return f"unknown entity {u.group(1)!r} for schema {u.group(2)}{where}"
    return f"the parser reported: {message}{where}"


def _line_of_offset(path: str, offset: int) -> int | None:
    try:
        with open(path, "rb") as fh:
            count, read = 1, 0
            while read < offset:
                chunk = fh.read(min(1 << 20, offset - read))
                if not chunk:
                    break
                count += chunk.count(b"\n")
                read += len(chunk)
            return count
    except OSError:
        return None
