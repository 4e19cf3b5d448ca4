"""Fuzz the IFC import through ``read_model`` with atheris (libFuzzer for Python).

Not part of the test suite: run ``make fuzz`` (``FUZZ_SECONDS=300`` by default), or
``python tests/fuzz/fuzz_import.py -max_total_time=600``. The property under test: whatever
the bytes, ``read_model`` returns a model or raises ``IfcImportError``, and the calling
process never dies. Any other exception stops the run and libFuzzer writes the input to
``crash-*``.

Inputs that made the child process crash (a signal: the parser's own segmentation faults),
overrun its limits or hit an unexpected exception in the builder are not failures of that
property (they became ``IfcImportError``), but they are findings: each new one is written to
``tests/fuzz/crashers/<kind>-<sha1>.ifc``, and ``tests/fuzz/test_crashers.py`` replays them
all in the default suite. Builder exceptions are de-duplicated by exception type and place.

Seeds (written to ``$FUZZ_CORPUS``, default a temporary folder): small valid models made
with ifcopenshell.api (IFC4, IFC4X3; every geometry kind of the benchmark factory), the
heads of the real files in ``../shared/ifc`` cut after a few instances and closed again,
and hand-made malformed files.
"""

from __future__ import annotations

import atexit
import collections
import hashlib
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CRASHERS = HERE / "crashers"
SHARED_IFC = ROOT.parent / "shared" / "ifc"
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["site_manager"]):
    from site_manager.errors import IfcImportError
    from site_manager.ifc import read_model
    from site_manager.ifc.safe_open import IsolatedReadError

# Imported here so that every forked child inherits them instead of importing them again.
import geopandas  # noqa: E402,F401
import ifcopenshell  # noqa: E402,F401

import site_manager.ifc.build  # noqa: E402,F401

if os.environ.get("FUZZ_VERBOSE"):
    import logging

    logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")

TIMEOUT_S = float(os.environ.get("FUZZ_CHILD_TIMEOUT_S", "10"))
MEMORY_MB = float(os.environ.get("FUZZ_CHILD_MEMORY_MB", "1024"))
MAX_PER_KIND = int(os.environ.get("FUZZ_MAX_PER_KIND", "10"))

WORK = Path(tempfile.mkdtemp(prefix="site-manager-fuzz-"))
INPUT = WORK / "input.ifc"
stats: collections.Counter[str] = collections.Counter()
seen_bugs: set[str] = set()
started = time.monotonic()


def _bug_key(message: str) -> str:
    # "the importer failed on this model (KeyError: 'x')": type and text without numbers
    m = re.search(r"\(([A-Za-z_]+Error|[A-Za-z_]+Exception|[A-Za-z_]+): ([^)]*)", message)
    if not m:
        return "?"
    return m.group(1) + ":" + re.sub(r"\d+|'[^']*'", "#", m.group(2))[:80]


def _save(kind: str, data: bytes, detail: str) -> None:
    existing = list(CRASHERS.glob(f"{kind}-*.ifc"))
    if kind != "bug" and len(existing) >= MAX_PER_KIND:
        return
    name = CRASHERS / f"{kind}-{hashlib.sha1(data).hexdigest()[:12]}.ifc"
    if not name.exists():
        CRASHERS.mkdir(parents=True, exist_ok=True)
        name.write_bytes(data)
        sys.stderr.write(f"\n[fuzz] new {kind}: {name.name}: {detail[:300]}\n")


SCHEMAS = ("IFC2X3", "IFC4", "IFC4X3_ADD2")


def as_file(data: bytes) -> bytes:
    """The bytes to read: a whole file, or a DATA section to wrap in a valid header.

    Inputs that start with ``ISO`` (whole IFC files) or with byte 0xFF (anything else: the
    rest is the file) are read as they are. Most raw mutations break the header or the end
    marker and stop at the cheap checks, so every other input is a DATA section: its first
    byte picks the schema, and it is wrapped in a valid header and tail, which sends it
    through the parser and the builder.
    """
    if data.startswith(b"ISO"):
        return data
    if data[:1] == b"\xff":
        return data[1:]
    if not data:
        return data
    head = TINY_HEAD.format(schema=SCHEMAS[data[0] % len(SCHEMAS)]).encode()
    return head + data[1:] + TINY_TAIL.encode()


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris expects
    data = as_file(data)
    INPUT.write_bytes(data)
    stats["execs"] += 1
    if stats["execs"] % 250 == 0:
        _report()
    try:
        read_model(INPUT, timeout_s=TIMEOUT_S, memory_mb=MEMORY_MB, start_method="fork")
        stats["model"] += 1
    except IsolatedReadError as exc:
        stats[exc.kind] += 1
        if exc.kind == "bug":
            key = _bug_key(str(exc))
            if key in seen_bugs:
                return
            seen_bugs.add(key)
        _save(exc.kind if exc.signal_name is None else exc.signal_name.lower(), data, str(exc))
    except IfcImportError:
        stats["refused"] += 1


def _report() -> None:
    elapsed = time.monotonic() - started
    rate = stats["execs"] / max(elapsed, 1e-9)
    sys.stderr.write(
        f"\n[fuzz] {stats['execs']} inputs in {elapsed:.0f} s ({rate:.1f}/s): "
        + ", ".join(f"{k} {v}" for k, v in sorted(stats.items()) if k != "execs")
        + f"; distinct builder bugs {len(seen_bugs)}\n"
    )


# ------------------------------------------------------------------------------ seeds

TINY_HEAD = (
    "ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION(('ViewDefinition [CoordinationView]'),'2;1');\n"
    "FILE_NAME('seed.ifc','2026-01-01T00:00:00',(''),(''),'fuzz','fuzz','');\n"
    "FILE_SCHEMA(('{schema}'));\nENDSEC;\nDATA;\n"
)
TINY_TAIL = "ENDSEC;\nEND-ISO-10303-21;\n"
HAND_MADE = {
    "selfref": "#1=IFCPROJECT('0Rk0BjfZb5ixpK$ygwWrTF',#1,'P',$,$,$,$,$,#1);\n",
    "space_selfref": "#1=IFCSPACE('x',$,$,$,$,#1,#1,$,$,$,$);\n",
    "dangling": "#1=IFCPROJECT('0Rk0BjfZb5ixpK$ygwWrTF',$,'P',$,$,$,$,$,#123);\n",
    "nested": "#1=IFCPROPERTYSINGLEVALUE('a',$," + "IFCLABEL(" * 50 + "'x'" + ")" * 50 + ",$);\n",
    "extrusion": (
        "#1=IFCCARTESIANPOINT((0.,0.,0.));#2=IFCAXIS2PLACEMENT3D(#1,$,$);"
        "#3=IFCLOCALPLACEMENT($,#2);#4=IFCCARTESIANPOINT((0.,0.));"
        "#5=IFCAXIS2PLACEMENT2D(#4,$);#6=IFCRECTANGLEPROFILEDEF(.AREA.,$,#5,1000.,2000.);"
        "#7=IFCDIRECTION((0.,0.,1.));#8=IFCEXTRUDEDAREASOLID(#6,#2,#7,3000.);"
        "#9=IFCSHAPEREPRESENTATION($,'Body','SweptSolid',(#8));"
        "#10=IFCPRODUCTDEFINITIONSHAPE($,$,(#9));"
        "#11=IFCSPACE('1xS3BCk291UvhgP2dvNsgp',$,'S1',$,$,#3,#10,$,.ELEMENT.,$,$);\n"
    ),
}


def write_seeds(corpus: Path) -> int:
    """Write the seed inputs into ``corpus``; return how many."""
    corpus.mkdir(parents=True, exist_ok=True)
    n = 0

    def put(name: str, data: bytes) -> None:
        nonlocal n
        (corpus / f"seed-{name}.ifc").write_bytes(data)
        n += 1

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from import_speed import write_factory

    for schema in ("IFC4", "IFC4X3"):
        target = WORK / f"factory-{schema}.ifc"
        write_factory(target, spaces=6, storeys=2, schema=schema)
        put(f"factory-{schema}", target.read_bytes())
    for name, body in HAND_MADE.items():
        for schema in ("IFC2X3", "IFC4"):
            put(f"{name}-{schema}", (TINY_HEAD.format(schema=schema) + body + TINY_TAIL).encode())
            put(f"{name}-{schema}-wrapped", bytes([SCHEMAS.index(schema)]) + body.encode())
    for crasher in sorted(CRASHERS.glob("*.ifc")):
        put(f"crasher-{crasher.stem}", crasher.read_bytes())
    if SHARED_IFC.is_dir():
        for real in sorted(SHARED_IFC.glob("*.ifc")):
            with real.open("rb") as fh:
                head = fh.read(6000)
            cut = head[: head.rfind(b";\n") + 2]
            put(f"head-{real.stem}", cut + TINY_TAIL.encode())
            put(f"truncated-{real.stem}", head[:3000])
    put("png", b"\xff\x89PNG\r\n\x1a\n" + bytes(range(64)))
    put("text", b"\xffDear planner, the model follows.\n")
    return n


def main() -> None:
    corpus = Path(os.environ.get("FUZZ_CORPUS", WORK / "corpus"))
    if not corpus.exists() or not any(corpus.iterdir()):
        count = write_seeds(corpus)
        sys.stderr.write(f"[fuzz] wrote {count} seeds to {corpus}\n")
    args = list(sys.argv)
    if not any(not a.startswith("-") for a in args[1:]):
        args.append(str(corpus))
    if not any(a.startswith("-dict=") for a in args):
        args.append(f"-dict={HERE / 'ifc.dict'}")
    if not any(a.startswith("-max_len=") for a in args):
        args.append("-max_len=20000")
    if not any(a.startswith("-timeout=") for a in args):
        args.append(f"-timeout={int(TIMEOUT_S * 3)}")
    atexit.register(_report)
    atheris.Setup(args, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
