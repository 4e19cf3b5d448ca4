"""A process that ends as soon as the process that started it ends, however that ends.

The IFC reader's child (:mod:`site_manager.ifc.child`) and the fork server that starts such
children under the dashboard (:mod:`site_manager.ifc.forkserver_lifeline`) call
:func:`die_with_parent` first, so a parent killed with ``kill -9`` leaves no reader parsing
on for minutes. Standard library only, so it is in place before any slow import.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

#: The environment variable that tells the fork server which process it must die with.
PARENT_ENV = "SITE_MANAGER_IFC_FORKSERVER_PARENT"

#: How often the fallback watchdog looks whether the parent is still there. [s]
WATCHDOG_PERIOD_S = 0.2
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int | None = None, *, prctl: bool = True) -> str:
    """End this process as soon as its parent process ends, however the parent ends.

    On Linux the kernel sends SIGKILL to the child when the parent dies (``prctl
    (PR_SET_PDEATHSIG, SIGKILL)`` through ctypes); elsewhere, or with ``prctl=False``, a
    daemon thread looks every :data:`WATCHDOG_PERIOD_S` whether the process has been
    re-parented and then exits. A parent that died before either was in place (the
    child's parent is then no longer ``parent_pid``, or init) ends the child at once.

    The kernel's signal follows the *thread* that started the child: a process started by
    a thread that ends before the parent does (the fork server, started by a dashboard
    page's script thread) must use ``prctl=False``, or it dies with that thread.

    Returns
    -------
    str
        ``"prctl"`` or ``"watchdog"``: how the child follows its parent.
    """
    expected = parent_pid if parent_pid is not None else os.getppid()
    how = "watchdog"
    if prctl and sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0:
                how = "prctl"
    if os.getppid() != expected:  # the parent died before we asked to die with it
        os._exit(1)
    if how == "watchdog":

        def watch() -> None:
            while os.getppid() == expected:
                time.sleep(WATCHDOG_PERIOD_S)
            os._exit(1)

        threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()
    return how
