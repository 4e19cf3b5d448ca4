"""The dashboard server's memory through browser sessions that each upload a large model.

Starts the dashboard as ``make run`` does (``streamlit run streamlit_app.py``, headless, on
a free port, an empty register that its first start fills with the sample sites), pads a
real model (``../shared/ifc/AC20-FZK-Haus.ifc``) with IFC comments to ``--mb`` MB, and
then, ``--sessions`` times one after the other, opens a headless Chromium page on the
Import page, uploads the file, waits for its import report and closes the browser. The
server's resident memory (``VmRSS`` of the streamlit process, and of its process tree) is
printed at start, at its peak during each session, after each session, and every 15 s
after the last one for ``--wait`` seconds: Streamlit forgets a closed session, with its
uploaded files and session state, after ``server.disconnectedSessionTTL`` (here set to
``--ttl`` seconds).

    .venv/bin/python benchmarks/upload_server_memory.py [--mb 150] [--sessions 4]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT.parent / "shared" / "ifc" / "AC20-FZK-Haus.ifc"
CHROMIUM = "/usr/bin/chromium"


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_mb(pid: int) -> float:
    parent_of = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                text = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent_of[int(entry)] = int(text[text.rindex(")") + 2 :].split()[1])
    found, frontier = {pid}, {pid}
    while frontier:
        frontier = {p for p, pp in parent_of.items() if pp in frontier} - found
        found |= frontier
    return sum(rss_mb(p) for p in found)


def smaps_mb(pid: int) -> dict[str, float]:
    """The process's resident memory by kind of mapping: the C heap (``[heap]``), anonymous
    maps (glibc's thread arenas, large allocations, Python's object arenas), files. [MB]"""
    kinds: dict[str, float] = {}
    kind = "other"
    try:
        lines = Path(f"/proc/{pid}/smaps").read_text().splitlines()
    except OSError:
        return kinds
    for line in lines:
        head = line.split()
        if head and "-" in head[0] and ":" not in head[0]:
            name = head[5] if len(head) > 5 else ""
            kind = ("heap" if name == "[heap]" else "anonymous" if not name
                    else "stack" if name.startswith("[stack") else "files")  # fmt: skip
        elif head and head[0] == "Rss:":
            kinds[kind] = kinds.get(kind, 0.0) + int(head[1]) / 1024
    return kinds


def padded_model(mb: float, folder: Path) -> Path:
    text = MODEL.read_text(encoding="utf-8", errors="replace")
    head, _, rest = text.partition("DATA;\n")
    line = "/* " + "padding " * 15 + "*/\n"
    pad = line * int((mb * 1e6 - len(text)) / len(line))
    path = folder / "padded_fzk_haus.ifc"
    path.write_text(head + "DATA;\n" + pad + rest, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=150)
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--ttl", type=int, default=30, help="disconnectedSessionTTL [s]")
    parser.add_argument("--wait", type=int, default=90, help="watch after the last [s]")
    args = parser.parse_args()
    from playwright.sync_api import expect, sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    model = padded_model(args.mb, folder)
    db_url = f"sqlite:///{folder / 'r.sqlite'}"
    sys.path.insert(0, str(ROOT))
    from site_manager import register  # a planner logs in to each session, as users do

    engine = register.open_register(db_url)
    register.add_user(engine, "bench", role="planner", password="bench-upload-password")
    engine.dispose()
    print(f"model {model.stat().st_size / 1e6:.0f} MB ({MODEL.name} padded with comments)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    streamlit = Path(sys.executable).with_name("streamlit")
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [str(streamlit), "run", "streamlit_app.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
         "--server.disconnectedSessionTTL", str(args.ttl)],
        cwd=ROOT, env={**os.environ, "SITE_MANAGER_DB": db_url},
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    peak = [0.0]
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mb(server.pid))
            time.sleep(0.2)

    def log_in(page: Any) -> None:
        page.get_by_label("User name", exact=True).fill("bench")
        box = page.get_by_label("Password", exact=True)
        box.fill("bench-upload-password")
        box.press("Enter")

    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"server did not start; see {folder / 'server.log'}")
            time.sleep(0.5)
        print(f"server started, before any visit: {rss_mb(server.pid):.0f} MB")
        threading.Thread(target=watch, daemon=True).start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
            page = browser.new_page()  # a first visit: the app's imports, the samples loaded
            page.goto(f"{base}/import")
            page.get_by_label("User name", exact=True).wait_for(timeout=300_000)
            log_in(page)
            expect(page.get_by_role("heading", name="Import a model")).to_be_visible(
                timeout=300_000
            )
            page.close()
            time.sleep(args.ttl + 10)
            start = rss_mb(server.pid)
            print(f"start (after a first visit): server {start:.0f} MB, "
                  f"tree {tree_mb(server.pid):.0f} MB")  # fmt: skip
            by_kind = ", ".join(f"{k} {v:.0f} MB" for k, v in sorted(smaps_mb(server.pid).items()))
            print(f"server memory by mapping at start: {by_kind}")
            for i in range(args.sessions):
                peak[0] = 0.0
                context = browser.new_context()
                page = context.new_page()
                page.goto(f"{base}/import")
                page.get_by_label("User name", exact=True).wait_for(timeout=120_000)
                log_in(page)
                expect(page.get_by_role("heading", name="Import a model")).to_be_visible(
                    timeout=120_000
                )
                t0 = time.monotonic()
                page.locator("input[type=file]").set_input_files(str(model))
                expect(page.get_by_text(f"Import report: {model.name}")).to_be_visible(
                    timeout=600_000
                )
                took = time.monotonic() - t0
                context.close()
                print(f"session {i + 1}: upload and read {took:.0f} s, server peak "
                      f"{peak[0]:.0f} MB, after closing {rss_mb(server.pid):.0f} MB, "
                      f"tree {tree_mb(server.pid):.0f} MB", flush=True)  # fmt: skip
            browser.close()
        for waited in range(0, args.wait + 1, 15):
            print(f"{waited:>3} s after the last session: server {rss_mb(server.pid):.0f} MB "
                  f"({rss_mb(server.pid) - start:+.0f} MB from start)", flush=True)  # fmt: skip
            time.sleep(15)
        by_kind = ", ".join(f"{k} {v:.0f} MB" for k, v in sorted(smaps_mb(server.pid).items()))
        print(f"server memory by mapping: {by_kind}")
    finally:
        stop.set()
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
