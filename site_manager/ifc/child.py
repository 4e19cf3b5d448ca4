"""The child process that parses an IFC file and builds its model, under limits.

:func:`child_main` is the entry point :func:`site_manager.ifc.safe_open.read_isolated` starts:
it imports what it needs, limits its own address space and CPU time, parses the file
(:func:`site_manager.ifc.parser.open_ifc`), builds the model, reads the optional parts asked
for (the structural columns, the fabric) and sends the result back through a pipe, along
with its log records and progress. Whatever goes wrong is sent back as a message, never
raised: the parent turns it into an :class:`~site_manager.errors.IfcImportError`.
"""

from __future__ import annotations

import contextlib
import faulthandler
import importlib
import logging
import os
import signal
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from site_manager.errors import IfcImportError
from site_manager.ifc.lifeline import die_with_parent
from site_manager.ifc.parser import open_ifc

__all__ = ["ChildJob", "child_main"]


@dataclass(frozen=True)
class ChildJob:
    """What the child is asked to do (pickled to it).

    Attributes
    ----------
    path : str
        The file as the user named it (for messages and ``info.path``).
    open_path : str
        The IFC-SPF text to parse (an unzipped or renamed copy, or ``path``).
    builder : str
        ``"module:function"`` called as ``function(ifc_file, path, progress=...)``.
    fabric, columns : bool
        Also read the building fabric / the structural columns into the model's
        ``fabric`` / ``columns`` fields.
    memory_mb : float or None
        Address space the child may add to what it maps at start. [MB]
    timeout_s : float
        CPU time limit (plus 5 s). [s]
    log_level : int
        The parent's effective logging level; records at it and above are sent back.
    fault : str or None
        A test-only fault (``SITE_MANAGER_IFC_CHILD_FAULT``).
    forwards_progress : bool
        Whether to send the builder's progress calls back.
    parent_pid : int or None
        The process that forked the child (``fork``), checked once the child has asked to
        die with its parent; ``None``: the parent is a fork server, whatever it is.
    """

    path: str
    open_path: str
    builder: str
    fabric: bool
    columns: bool
    memory_mb: float | None
    timeout_s: float
    log_level: int
    fault: str | None = None
    forwards_progress: bool = False
    parent_pid: int | None = None


def _resolve(spec: str) -> Callable[..., Any]:
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]


def _vm_bytes() -> int | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _limit_child(memory_mb: float | None, timeout_s: float) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    cpu = int(timeout_s) + 5
    if hard == resource.RLIM_INFINITY or cpu < hard:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))
    if memory_mb is not None:
        # The child already maps the interpreter and its libraries: it may grow by memory_mb.
        base = _vm_bytes() or 0
        limit = base + int(memory_mb * 2**20)
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class _PipeLogHandler(logging.Handler):
    def __init__(self, conn: Any, level: int) -> None:
        super().__init__(level)
        self.conn = conn

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):  # a log line is never worth a failed import
            self.conn.send(
                (
                    "log",
                    {
                        "name": record.name,
                        "levelno": record.levelno,
                        "levelname": record.levelname,
                        "msg": record.getMessage(),
                    },
                )
            )


def child_main(conn: Any, job: ChildJob) -> None:
    """Entry point of the child process: parse, build, send the model back, exit."""
    try:
        die_with_parent(job.parent_pid)  # an orphaned reader would parse on for minutes
        faulthandler.disable()  # a crash must not print a traceback on the user's terminal
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)  # nothing the parser prints may mix into the CLI's stdout
        warnings.simplefilter("ignore")
        root = logging.getLogger()
        for handler in list(root.handlers):
            root.removeHandler(handler)
        root.addHandler(_PipeLogHandler(conn, job.log_level))
        root.setLevel(job.log_level)
        # Import before limiting: the parser's shared libraries (OpenCASCADE) map hundreds
        # of MB of address space; memory_mb is the headroom for parsing and building.
        import ifcopenshell  # noqa: F401

        with contextlib.suppress(ImportError):  # what the builder's frames are made of
            importlib.import_module("geopandas")
        builder = _resolve(job.builder)
        parts = _part_readers(job)
        _use_system_allocator()
        _limit_child(job.memory_mb, job.timeout_s)
        if job.fault:
            _test_fault(job.fault)
        model = _parse_and_build(conn, job, builder, parts)
        conn.send(("ok", model))
    except IfcImportError as exc:
        conn.send(("error", str(exc)))
    except MemoryError:
        _send_quietly(conn, ("memory", "", traceback.format_exc()))
    except RecursionError as exc:
        _send_quietly(conn, ("bug", f"RecursionError: {exc}", traceback.format_exc()))
    except BaseException as exc:  # anything else is a bug in the builder: report, not die
        _send_quietly(conn, ("bug", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
    finally:
        try:
            conn.close()
        finally:
            os._exit(0)  # skip freeing the parsed file: the process ends anyway


def _use_system_allocator() -> None:
    # pandas keeps strings in pyarrow, whose default allocator (mimalloc) reserves a large
    # arena of address space at once and then fails under RLIMIT_AS ("malloc of size 192
    # failed"): in the child, pyarrow allocates with malloc, which the limit measures well.
    os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"
    if "pyarrow" in sys.modules:
        pyarrow = sys.modules["pyarrow"]
        with contextlib.suppress(Exception):
            pyarrow.set_memory_pool(pyarrow.system_memory_pool())


def _send_quietly(conn: Any, message: tuple[Any, ...]) -> None:
    with contextlib.suppress(Exception):
        conn.send(message)


def _test_fault(fault: str) -> None:
    # Test-only faults, set through SITE_MANAGER_IFC_CHILD_FAULT: they prove that the parent
    # survives what a real crasher would do to the child.
    if fault == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif fault == "hang":
        time.sleep(3600)
    elif fault == "memory":
        hog = [bytearray(64 * 2**20) for _ in range(1 << 16)]
        del hog
    elif fault == "exit":
        os._exit(3)


def _part_readers(job: ChildJob) -> list[tuple[str, Callable[..., Any]]]:
    """The readers of the optional parts asked for, as (model field, function).

    Imported here, before the limits are set, like the builder; each is called as
    ``function(ifc_file, model)`` once the model is built, and its frame set on the model.
    """
    readers: list[tuple[str, Callable[..., Any]]] = []
    if job.columns:
        from site_manager.ifc.columns import columns_from_ifc
        from site_manager.ifc.outlines import outlines_from_ifc

        readers.append(("columns", columns_from_ifc))
        readers.append(("outlines", outlines_from_ifc))
    if job.fabric:
        from site_manager.ifc.fabric import fabric_from_ifc

        readers.append(("fabric", fabric_from_ifc))
    return readers


def _parse_and_build(
    conn: Any,
    job: ChildJob,
    builder: Callable[..., Any],
    parts: Sequence[tuple[str, Callable[..., Any]]],
) -> Any:
    f = open_ifc(job.open_path, display=job.path)
    progress = _ProgressRelay(conn) if job.forwards_progress else None
    model = builder(f, job.path, progress=progress)
    for field_name, read_part in parts:
        setattr(model, field_name, read_part(f, model))
    if progress is not None:
        progress.flush()
    return model


class _ProgressRelay:
    """Forwards the builder's progress calls to the parent, at most ten a second."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.last = 0.0
        self.pending: tuple[tuple[Any, ...], dict[str, Any]] | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        now = time.monotonic()
        if now - self.last >= 0.1:
            self.last = now
            self.pending = None
            self.conn.send(("progress", (args, kwargs)))
        else:
            self.pending = (args, kwargs)

    def flush(self) -> None:
        if self.pending is not None:
            self.conn.send(("progress", self.pending))
            self.pending = None
