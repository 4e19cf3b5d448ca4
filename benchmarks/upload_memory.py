"""How much memory the Import page's own handling of one upload adds to the server.

Streamlit keeps an upload in the server's memory (its ``UploadedFileManager``) until the
widget is cleared or the session ends; that copy is Streamlit's. This measures what the page
adds on top, for an in-memory upload of ``--mb`` MB (an ``io.BytesIO``, as Streamlit's
``UploadedFile`` is): the way the page used to do it (``getvalue()``, hash it, write it with
``write_bytes``, keep the bytes while the model is read) against the streamed way
(:func:`~site_manager.app.page_import.upload_digest` and ``read_upload``: hashed and copied
to disk in 1 MB chunks). The model is not parsed here (``read_site_model`` is replaced by a
stub: parsing runs in a child process, not in the server), so the figures are the server's
extra memory for the file alone. Peak measured with ``tracemalloc``; RSS from ``/proc``.

    .venv/bin/python benchmarks/upload_memory.py [--mb 150]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import io
import tempfile
import tracemalloc
from pathlib import Path


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        import os

        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def old_way(upload: io.BytesIO) -> None:
    content = upload.getvalue()
    hashlib.sha256(content).hexdigest()
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "m.ifc").write_bytes(content)


def new_way(upload: io.BytesIO) -> None:
    from site_manager.app import page_import

    page_import.upload_digest(upload)
    page_import.read_upload("m.ifc", upload, lambda *a: None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=150)
    args = parser.parse_args()
    import site_manager.register as register
    from site_manager.app import page_import  # noqa: F401 - imported before measuring

    register.read_site_model = lambda path, **kw: Path(path).stat().st_size  # type: ignore[assignment]
    upload = io.BytesIO(b"/* padding */\n" * int(args.mb * 1e6 / 14))
    print(f"upload of {len(upload.getbuffer()) / 1e6:.0f} MB held in memory (Streamlit's copy)")
    for name, way in (("getvalue + write_bytes (before)", old_way),
                      ("chunked digest + copyfileobj (now)", new_way)):  # fmt: skip
        gc.collect()
        rss0 = _rss_mb()
        tracemalloc.start()
        way(upload)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        gc.collect()
        print(f"{name:36s} peak extra {peak / 2**20:7.1f} MiB (tracemalloc); "
              f"RSS after {_rss_mb() - rss0:+.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
