"""The IFC reader's child dies with its parent, however the parent dies.

A parent process starts reading a model of 900 spaces (seconds of work in the
child: imports, parsing, building; every other trial the child hangs instead, through the
test-only fault, as on a model that takes minutes) and is killed with ``kill -9`` at a
random moment after its reading child appeared; shortly after, no process that descended
from it may still run. Processes are found through ``/proc`` (Linux), by pid.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from builders import ModelBuilder

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

#: How long an orphan may take to go once its parent is killed. [s]
GRACE_S = 3.0

PARENT = """
import sys
from site_manager.ifc import read_model
read_model(sys.argv[1], start_method=sys.argv[2])
"""


def _stat(pid: int) -> tuple[str, int] | None:
    """State letter and parent pid of ``pid``; ``None`` when there is no such process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def _descendants(pid: int) -> set[int]:
    parent_of = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (st := _stat(int(entry))) is not None:
            parent_of[int(entry)] = st[1]
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, pp in parent_of.items() if pp in frontier} - found
        found |= frontier
    return found


def _running(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[0] not in ("Z", "X")  # a zombie has ended


@pytest.fixture(scope="module")
def big_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    b = ModelBuilder("IFC4")
    for level in range(6):
        st = b.storey(f"Level {level}", elevation_m=4.0 * level)
        for i in range(150):
            b.space(st, f"R{level}-{i}", [b.rect_extrusion(5, 4, 3, centre=(6 * i, 5 * level))])
    path = tmp_path_factory.mktemp("big") / "big.ifc"
    path.write_text(b.f.to_string())
    return path


def _trial(path: Path, method: str, rng: random.Random, hang: bool) -> tuple[list[int], bool]:
    """Kill a reading parent; the pids of its descendants still running after the grace,
    and whether any was running when it was killed. ``hang``: the child, once started,
    waits instead of reading (the test-only fault), as on a model that takes minutes."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    if hang:
        env["SITE_MANAGER_IFC_CHILD_FAULT"] = "hang"
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(path), method], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not _descendants(parent.pid) and parent.poll() is None:
            assert time.monotonic() < deadline, "the parent never started a reader"
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.8))
        kids = _descendants(parent.pid)
        busy = any(_running(k) for k in kids)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        end = time.monotonic() + GRACE_S
        while any(_running(k) for k in kids) and time.monotonic() < end:
            time.sleep(0.05)
        return [k for k in kids if _running(k)], busy
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def _run(path: Path, method: str, trials: int, seed: int) -> None:
    rng = random.Random(seed)
    survivors: list[int] = []
    busy = 0
    try:
        for i in range(trials):  # every other reader hangs: at least those are killed busy
            left, was_busy = _trial(path, method, rng, hang=i % 2 == 0)
            survivors += left
            busy += was_busy
        assert survivors == [], f"{len(survivors)} reader(s) outlived their killed parent"
        assert busy >= (trials + 1) // 2
    finally:
        for pid in survivors:  # leave nothing running behind the test
            if _running(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_readers_die_when_their_parent_is_killed(big_model: Path, method: str) -> None:
    _run(big_model, method, 3 if method == "fork" else 1, seed=1)


@pytest.mark.slow
@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_readers_die_with_their_parent_in_twenty_kills(big_model: Path, method: str) -> None:
    _run(big_model, method, 20, seed=2)


def test_the_child_follows_its_parent_by_prctl_on_linux() -> None:
    # In a forked grandchild, so the test process itself gets no death signal.
    code = ("import os, sys\nfrom site_manager.ifc.lifeline import die_with_parent\n"
            "pid = os.fork()\nif pid == 0:\n    print(die_with_parent(), flush=True)\n"
            "    os._exit(0)\nos.waitpid(pid, 0)\n")  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, timeout=60).stdout.strip()  # fmt: skip
    assert out == ("prctl" if sys.platform.startswith("linux") else "watchdog")


THREADED_READS = """
import os, sys, threading
from multiprocessing import forkserver
from site_manager.ifc import read_model
pids, spaces = [], []
def read():
    spaces.append(len(read_model(sys.argv[1], start_method="forkserver").spaces))
for i in range(2):  # each read from a thread that ends, as a dashboard page's script run
    t = threading.Thread(target=read)
    t.start()
    t.join()
    pids.append(forkserver._forkserver._forkserver_pid)
state = open(f"/proc/{pids[-1]}/stat").read().rsplit(")", 1)[1].split()[0]
print(pids[0], pids[1], state, *spaces)
"""


def test_the_fork_server_outlives_the_thread_that_started_it(big_model: Path) -> None:
    # The kernel's death signal follows the thread that forked: a fork server asking for it
    # died when the page's script thread ended, and every read started a new one.
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    cmd = [sys.executable, "-c", THREADED_READS, str(big_model)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, timeout=280)
    first, second, state, *spaces = out.stdout.split()
    assert spaces == ["900", "900"]  # both reads read the model (6 storeys x 150 spaces)
    assert first == second  # the same server served both reads
    assert state not in ("Z", "X")
