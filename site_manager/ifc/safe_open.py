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
   What runs in the child is in :mod:`site_manager.ifc.child`; the parsing and the reading
   of the parser's log in :mod:`site_manager.ifc.parser`.

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
import importlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
import types
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from site_manager.errors import IfcImportError
from site_manager.ifc.checks import (
    SUPPORTED_SCHEMAS,
    UNSUPPORTED_SCHEMAS,
    CheckedFile,
    check_file,
)
from site_manager.ifc.child import ChildJob, child_main
from site_manager.ifc.lifeline import PARENT_ENV
from site_manager.ifc.parser import open_ifc, parse_text_log

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
                # Imported once by the server, then inherited by every child it forks; the
                # first makes the server die with this process (site_manager.ifc.lifeline).
                os.environ[PARENT_ENV] = str(os.getpid())
                ctx.set_forkserver_preload(
                    ["site_manager.ifc.forkserver_lifeline", __name__, "ifcopenshell",
                     builder.partition(":")[0], "geopandas"]
                )  # fmt: skip
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
    fabric: bool = False,
    columns: bool = False,
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
    fabric, columns
        After building, also read the building fabric (:func:`~site_manager.ifc.fabric.
        fabric_from_ifc`) / the structural columns (:func:`~site_manager.ifc.columns.
        columns_from_ifc`) in the child, into the model's ``fabric`` / ``columns``.
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
    job = ChildJob(
        path=checked.path,
        open_path=checked.open_path,
        builder=builder,
        fabric=fabric,
        columns=columns,
        memory_mb=memory_mb,
        timeout_s=timeout_s,
        log_level=logging.getLogger().getEffectiveLevel(),
        fault=os.environ.get("SITE_MANAGER_IFC_CHILD_FAULT") or None,
        forwards_progress=progress is not None,
        parent_pid=os.getpid() if method == "fork" else None,
    )
    receiver, sender = ctx.Pipe(duplex=False)
    child = _start_child(ctx, method, sender, job)
    started = time.monotonic()
    # The answer unpickles into geopandas frames: import it while the child works.
    with contextlib.suppress(ImportError):
        importlib.import_module("geopandas")
    try:
        answer = _await_answer(receiver, child, checked.path, started, timeout_s, progress)
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
    return _model_from_answer(answer, checked, memory_mb)


def _start_child(ctx: Any, method: str, sender: Any, job: ChildJob) -> Any:
    """Start the reading child on ``job``; the parent keeps only the receiving end."""
    child = ctx.Process(target=child_main, args=(sender, job), name="site-manager-ifc-reader")
    child.daemon = True
    with warnings.catch_warnings(), _main_hidden(method != "fork"):
        # Python >= 3.12 warns about forking with threads; "auto" only forks when the
        # process runs one Python thread (the others are BLAS pools that survive a fork).
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        child.start()
    sender.close()
    return child


def _await_answer(
    receiver: Any,
    child: Any,
    path: str,
    started: float,
    timeout_s: float,
    progress: Callable[..., Any] | None,
) -> tuple[Any, ...] | None:
    """The child's answer, relaying its progress and log records meanwhile.

    ``None`` where the child ended without one (see :func:`_death`). The child started at
    ``started`` (``time.monotonic()``) and has ``timeout_s`` from then. [s]

    Raises
    ------
    IsolatedReadError
        At the deadline (``timeout``), or where the answer does not unpickle (``bug``).
    """
    deadline = started + timeout_s
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise IsolatedReadError(
                f"{path}: reading took longer than {timeout_s:g} s and was "
                "stopped: the model may be malformed or very large; raise the time limit "
                "(--timeout) if it is genuine",
                kind="timeout",
            )
        if not receiver.poll(min(remaining, 0.5)):
            if not child.is_alive() and not receiver.poll(0):
                return None
            continue
        try:
            message = receiver.recv()
        except (EOFError, OSError):
            return None
        except Exception as exc:  # the answer did not unpickle: a bug, not the file
            raise IsolatedReadError(
                f"{path}: the model was read but could not be handed back "
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
            return message  # type: ignore[no-any-return]


def _model_from_answer(
    answer: tuple[Any, ...], checked: CheckedFile, memory_mb: float | None
) -> Any:
    """The model the child sent (with the cheap checks' notes first), or its error raised."""
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
