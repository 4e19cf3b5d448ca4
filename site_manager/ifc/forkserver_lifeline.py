"""Preloaded first by the fork server of IFC readers (and imported nowhere else).

The fork server then dies with the process that started it (named in
:data:`~site_manager.ifc.lifeline.PARENT_ENV`, so a parent that died while the server was
still importing is noticed too), and so do the readers it forked, which die with it. It
watches its parent (no ``prctl``): the thread that started it may end long before the
process does, and the server must outlive that thread to serve the next read.
"""

from __future__ import annotations

import os

from site_manager.ifc.lifeline import PARENT_ENV, die_with_parent

die_with_parent(int(os.environ[PARENT_ENV]) if os.environ.get(PARENT_ENV) else None, prctl=False)
