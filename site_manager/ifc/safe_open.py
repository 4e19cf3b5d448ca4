"""Opening IFC files safely: cheap checks first, then parsing in a child process.

A user's file can be anything: a folder, a picture, a half-downloaded export, a model in a
schema nobody reads any more, or a malformed file that makes the C++ parser of ifcopenshell
crash (``ifcopenshell.open`` 0.9.0.post1 dies with a segmentation fault on some fuzzed
inputs). A crash must never take the command line or the dashboard down, so reading happens
in two steps:

1. :func:`~site_manager.ifc.checks.check_file` (in :mod:`site_manager.ifc.checks`,
   re-exported here) runs in the calling process and reads only the first and last bytes:
   the file exists, is a regular non-empty file, is an IFC-SPF text (``ISO-10303-21;``) or a
   zip holding one, names a schema site-manager reads, and is not truncated (it ends with
   ``END-ISO-10303-21;``).
2. :func:`read_isolated` parses the file and builds the model in a child process, under an
   address-space limit (``RLIMIT_AS``) and a time limit. The result (plain frames and
   shapely geometries) comes back pickled. A signal, a ``MemoryError``, an overrun or a
   timeout in the child becomes an :class:`~site_manager.errors.IfcImportError`; so do the
   errors ifcopenshell only writes to its log (dangling references, unknown entities).

Start method
------------
``fork`` is by far the cheapest way to start the child (it inherits the modules already
imported) but is unsafe in a multi-threaded parent such as the Streamlit server: a lock
held by another thread at the moment of the fork stays locked forever in the child. So
``start_method="auto"`` forks only when the calling process runs a single Python thread
(the command line, scripts, tests) and otherwise uses ``forkserver``, whose server is
started once, imports ifcopenshell, shapely and geopandas once, and then forks cheap,
single-threaded children for every read; ``spawn`` is the last resort. Measured on a
one-space model (2 shared cores under a load average of about 14, so ten times slower
than an idle machine), per ``read_model`` call: ``fork`` from a process that has already
imported ifcopenshell and geopandas 0.5-0.8 s; ``fork`` from a cold process 3.4 s (the
child imports them); ``forkserver`` 12.7 s for the first call (server start and imports),
then 0.5-0.9 s; ``spawn`` 11-13 s for every call. The children never run the caller's
main script again (:func:`_main_hidden`), so a Streamlit page can read models safely.

The memory limit is on address space, counted from what the child maps once ifcopenshell,
geopandas and the builder are imported; a forked child may also reuse free heap it
inherited, so the limit is a guard against runaway files, not an exact budget.
"""

from __future__ import annotations

import contextlib
import faulthandler
import importlib
import logging
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import traceback
import types
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from site_manager.errors import IfcImportError
from site_manager.ifc.checks import (
    SUPPORTED_SCHEMAS,
    UNSUPPORTED_SCHEMAS,
    CheckedFile,
    check_file,
    file_error,
)

__all__ = [
    "DEFAULT_BUILDER",
    "DEFAULT_MEMORY_MB",
    "DEFAULT_TIMEOUT_S",
    "SUPPORTED_SCHEMAS",
    "UNSUPPORTED_SCHEMAS",
    "CheckedFile",
    "IsolatedReadError",
    "check_file",
    "choose_start_method",
    "open_ifc",
    "parse_text_log",
    "read_isolated",
]

logger = logging.getLogger(__name__)

#: What ``read_model`` builds in the child unless told otherwise (``module:function``).
DEFAULT_BUILDER = "site_manager.ifc.build:model_from_ifc"

#: Default limits of the child process.
DEFAULT_TIMEOUT_S = 600.0
DEFAULT_MEMORY_MB = 4096


class IsolatedReadError(IfcImportError):
    """The child process that reads the file died, overran its limits or hit a bug.

    Attributes
    ----------
    kind : str
        ``"crash"`` (killed by a signal), ``"timeout"``, ``"memory"``, ``"exit"`` (ended
        without an answer) or ``"bug"`` (an unexpected Python exception while building).
    signal_name : str | None
        ``"SIGSEGV"`` and the like when ``kind == "crash"``.
    """

    def __init__(self, message: str, *, kind: str, signal_name: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.signal_name = signal_name


# --------------------------------------------------------------------------- the child


@dataclass(frozen=True)
class _Job:
    path: str
    open_path: str
    builder: str
    extras: tuple[tuple[str, str], ...]
    memory_mb: float | None
    timeout_s: float
    log_level: int
    fault: str | None = None
    forwards_progress: bool = False


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


def _child_main(conn: Any, job: _Job) -> None:
    """Entry point of the child process: parse, build, send the model back, exit."""
    try:
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
        extras = [(name, _resolve(spec)) for name, spec in job.extras]
        _use_system_allocator()
        _limit_child(job.memory_mb, job.timeout_s)
        if job.fault:
            _test_fault(job.fault)
        model = _parse_and_build(conn, job, builder, extras)
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


def _parse_and_build(
    conn: Any,
    job: _Job,
    builder: Callable[..., Any],
    extras: Sequence[tuple[str, Callable[..., Any]]],
) -> Any:
    f = open_ifc(job.open_path, display=job.path)
    progress = _ProgressRelay(conn) if job.forwards_progress else None
    model = builder(f, job.path, progress=progress)
    for name, extract in extras:
        model.extra[name] = extract(f, model)
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


# --------------------------------------------------------------------------- the parent

_forkserver_lock = threading.Lock()
_forkserver_ready = False


def choose_start_method(requested: str = "auto") -> str:
    """The multiprocessing start method for the child that reads a file.

    ``"auto"`` gives ``"fork"`` when the calling process runs one Python thread (a
    command-line run, a script, a test) and ``"forkserver"`` otherwise (the Streamlit
    server); ``"spawn"`` where neither exists.
    """
    methods = multiprocessing.get_all_start_methods()
    if requested != "auto":
        if requested not in methods:
            raise ValueError(f"start method {requested!r} is not available here ({methods})")
        return requested
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _context(method: str, builder: str) -> Any:
    global _forkserver_ready
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        with _forkserver_lock:
            if not _forkserver_ready:
                # Imported once by the server, then inherited by every child it forks.
                ctx.set_forkserver_preload(
                    [__name__, "ifcopenshell", builder.partition(":")[0], "geopandas"]
                )
                _forkserver_ready = True
    return ctx


@contextlib.contextmanager
def _main_hidden(hide: bool) -> Iterator[None]:
    """Hide the main module from multiprocessing while a spawned child is prepared.

    A ``spawn`` or ``forkserver`` child normally runs the parent's main script again (as
    ``__mp_main__``). The child needs nothing from it, and under Streamlit the "main module"
    is the page script itself, which must not run outside the server. Streamlit swaps
    ``sys.modules["__main__"]`` per script run in the same way.
    """
    if not hide:
        yield
        return
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def read_isolated(
    checked: CheckedFile,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mb: float | None = DEFAULT_MEMORY_MB,
    progress: Callable[..., Any] | None = None,
    extras: Sequence[tuple[str, str]] = (),
    builder: str = DEFAULT_BUILDER,
    start_method: str = "auto",
) -> Any:
    """Parse a checked file and build its model in a child process, under limits.

    Parameters
    ----------
    checked
        What :func:`check_file` returned.
    timeout_s
        Wall-clock limit of the child. [s]
    memory_mb
        How much address space the child may add to what it maps at start (``RLIMIT_AS``);
        ``None`` for no limit. [MB]
    progress
        Called in this process with the arguments the builder reports progress with.
    extras
        ``(name, "module:function")`` pairs: after building, the child calls
        ``function(ifc_file, model)`` and stores the result in ``model.extra[name]``.
    builder
        ``"module:function"`` called as ``function(ifc_file, path, progress=...)``.
    start_method
        ``"auto"`` (see :func:`choose_start_method`), ``"fork"``, ``"forkserver"`` or
        ``"spawn"``.

    Returns
    -------
    BuildingModel
        Whatever the builder returned, unpickled.

    Raises
    ------
    IfcImportError
        The file is malformed, or the child crashed, ran out of memory or time
        (:class:`IsolatedReadError`).
    """
    method = choose_start_method(start_method)
    ctx = _context(method, builder)
    job = _Job(
        path=checked.path,
        open_path=checked.open_path,
        builder=builder,
        extras=tuple(extras),
        memory_mb=memory_mb,
        timeout_s=timeout_s,
        log_level=logging.getLogger().getEffectiveLevel(),
        fault=os.environ.get("SITE_MANAGER_IFC_CHILD_FAULT") or None,
        forwards_progress=progress is not None,
    )
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child_main, args=(sender, job), name="site-manager-ifc-reader")
    child.daemon = True
    with warnings.catch_warnings(), _main_hidden(method != "fork"):
        # Python >= 3.12 warns about forking with threads; "auto" only forks when the
        # process runs one Python thread (the others are BLAS pools that survive a fork).
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        child.start()
    sender.close()
    started = time.monotonic()
    # The answer unpickles into geopandas frames: import it while the child works.
    with contextlib.suppress(ImportError):
        importlib.import_module("geopandas")
    deadline = started + timeout_s
    answer: tuple[Any, ...] | None = None
    try:
        while answer is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise IsolatedReadError(
                    f"{checked.path}: reading took longer than {timeout_s:g} s and was "
                    "stopped: the model may be malformed or very large; raise the time limit "
                    "(--timeout) if it is genuine",
                    kind="timeout",
                )
            if not receiver.poll(min(remaining, 0.5)):
                if not child.is_alive() and not receiver.poll(0):
                    break
                continue
            try:
                message = receiver.recv()
            except (EOFError, OSError):
                break
            except Exception as exc:  # the answer did not unpickle: a bug, not the file
                raise IsolatedReadError(
                    f"{checked.path}: the model was read but could not be handed back "
                    f"({type(exc).__name__}: {exc}); this is a bug in site-manager, please "
                    "report it",
                    kind="bug",
                ) from None
            kind = message[0]
            if kind == "progress":
                if progress is not None:
                    args, kwargs = message[1]
                    progress(*args, **kwargs)
            elif kind == "log":
                record = logging.makeLogRecord(message[1])
                logging.getLogger(record.name).handle(record)
            else:
                answer = message
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    logger.debug(
        "read %s in a %s child in %.3f s", checked.path, method, time.monotonic() - started
    )
    if answer is None:
        raise _death(checked.path, child.exitcode, memory_mb, timeout_s)
    kind = answer[0]
    if kind == "ok":
        model = answer[1]
        if checked.notes:
            model.warnings[:0] = list(checked.notes)
        return model
    if kind == "error":
        raise IfcImportError(answer[1])
    if kind == "memory":
        logger.debug("out of memory reading %s:\n%s", checked.path, answer[2])
        raise IsolatedReadError(_memory_message(checked.path, memory_mb), kind="memory")
    logger.info("the IFC reader failed on %s:\n%s", checked.path, answer[2])
    raise IsolatedReadError(
        f"{checked.path}: the importer failed on this model ({answer[1]}): the file may be "
        "malformed (check it with an IFC validator); if it opens elsewhere, please report it "
        "with the file",
        kind="bug",
    )


def _memory_message(path: str, memory_mb: float | None) -> str:
    return (
        f"{path}: reading needs more than {memory_mb:g} MB of memory and was stopped: the model "
        "may be malformed or very large; raise the memory limit (--memory-mb) if it is genuine"
    )


def _death(
    path: str, code: int | None, memory_mb: float | None, timeout_s: float
) -> IfcImportError:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if name == "SIGXCPU":
            return IsolatedReadError(
                f"{path}: reading used more than {timeout_s:g} s of CPU and was stopped: raise "
                "the time limit (--timeout) if the model is genuine",
                kind="timeout",
            )
        if name == "SIGKILL":
            return IsolatedReadError(
                f"{path}: the IFC reader was killed (SIGKILL), most likely for lack of memory: "
                "close other programs or lower the memory limit (--memory-mb)",
                kind="crash",
                signal_name=name,
            )
        if name == "SIGABRT" and memory_mb is not None:
            # std::bad_alloc under RLIMIT_AS ends in abort() when nobody catches it
            return IsolatedReadError(
                f"{path}: the IFC parser aborted (SIGABRT), probably out of memory under the "
                f"{memory_mb:g} MB limit, or on a malformed file: raise the memory limit "
                "(--memory-mb), or check the file with an IFC validator and export it again",
                kind="crash",
                signal_name=name,
            )
        limit = (
            f", or it needs more memory than the {memory_mb:g} MB limit (--memory-mb)"
            if memory_mb is not None
            else ""
        )
        return IsolatedReadError(
            f"{path}: the IFC parser crashed ({name}) on this file: the file is probably "
            f"malformed (check it with an IFC validator and export it again){limit}",
            kind="crash",
            signal_name=name,
        )
    return IsolatedReadError(
        f"{path}: the IFC reader stopped without an answer (exit code {code}): the file may be "
        "malformed; check it with an IFC validator and export it again",
        kind="exit",
    )
