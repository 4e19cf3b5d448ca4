"""How fast is the IFC import? Measured against ifcopenshell in the same run.

Generates (once, cached) a factory of N spaces on S storeys in millimetres, with mixed
space geometry: rectangle, arbitrary polyline (L-shape), profile with a void, circle,
faceted B-rep and mapped item; property sets, quantities and zones. Then measures:

(a) ``ifcopenshell.open`` alone;
(b) open + ifcopenshell's geometry iterator with default settings over the IfcSpaces
    (``ifcopenshell.geom.iterator(settings, f, include=spaces)``; one process: the iterator's
    own multiprocessing is left at its default of 1 core, which is also what (c) uses);
(c) ``site_manager.ifc.read_model`` (open, spaces, property sets, zones; in its child
    process, pickled back);
(d) the whole ``site-manager spaces MODEL --format csv -o /dev/null`` process, interpreter
    start-up included, against a ``python -c`` process that imports ifcopenshell, opens the
    model and runs the iterator over its spaces.

Targets (DESIGN issue 2): (b)/(c) >= 4, (c)/(a) <= 10, (d) ratio >= 2.

Usage: ``python benchmarks/import_speed.py [--spaces 2000] [--storeys 5] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(
    os.environ.get("SITE_MANAGER_BENCH_CACHE", Path(tempfile.gettempdir()) / "site-manager-bench")
)
GENERATOR_VERSION = 1

#: Space kinds in the order they repeat; their footprint areas are known by hand.
KINDS = ("rectangle", "polyline", "void", "circle", "brep", "mapped")


def expected_area_m2(kind: str, w: float, d: float) -> float:
    """Footprint area of one space of a kind, by hand. [m²] (w, d in metres)"""
    if kind in ("rectangle", "brep", "mapped"):
        return w * d
    if kind == "polyline":  # L-shape: the full rectangle less its top-right quarter
        return w * d - (w / 2) * (d / 2)
    if kind == "void":  # a rectangle with a centred hole of a third of each side
        return w * d - (w / 3) * (d / 3)
    if kind == "circle":
        return math.pi * (min(w, d) / 2) ** 2
    raise ValueError(kind)


def write_factory(
    path: Path, *, spaces: int = 2000, storeys: int = 5, schema: str = "IFC4"
) -> float:
    """Write the factory model; return the hand-computed total footprint area. [m²]"""
    import ifcopenshell
    import ifcopenshell.api.aggregate
    import ifcopenshell.api.context
    import ifcopenshell.api.group
    import ifcopenshell.api.project
    import ifcopenshell.api.pset
    import ifcopenshell.api.root
    import ifcopenshell.api.spatial
    import ifcopenshell.api.unit

    f = ifcopenshell.api.project.create_file(version=schema)
    project = ifcopenshell.api.root.create_entity(
        f, ifc_class="IfcProject", name="Benchmark factory"
    )
    length = ifcopenshell.api.unit.add_si_unit(f, unit_type="LENGTHUNIT", prefix="MILLI")
    area = ifcopenshell.api.unit.add_si_unit(f, unit_type="AREAUNIT")
    volume = ifcopenshell.api.unit.add_si_unit(f, unit_type="VOLUMEUNIT")
    ifcopenshell.api.unit.assign_unit(f, units=[length, area, volume])
    model = ifcopenshell.api.context.add_context(f, context_type="Model")
    body = ifcopenshell.api.context.add_context(
        f, context_type="Model", context_identifier="Body", target_view="MODEL_VIEW", parent=model
    )
    site = ifcopenshell.api.root.create_entity(f, ifc_class="IfcSite", name="Site")
    building = ifcopenshell.api.root.create_entity(f, ifc_class="IfcBuilding", name="Hall A")
    ifcopenshell.api.aggregate.assign_object(f, products=[site], relating_object=project)
    ifcopenshell.api.aggregate.assign_object(f, products=[building], relating_object=site)

    def point3(x: float, y: float, z: float) -> ifcopenshell.entity_instance:
        return f.createIfcCartesianPoint((float(x), float(y), float(z)))

    def axis(x: float, y: float, z: float) -> ifcopenshell.entity_instance:
        return f.createIfcAxis2Placement3D(point3(x, y, z), None, None)

    def local(parent: ifcopenshell.entity_instance | None, x: float, y: float, z: float):
        return f.createIfcLocalPlacement(parent, axis(x, y, z))

    up = f.createIfcDirection((0.0, 0.0, 1.0))
    origin2 = f.createIfcAxis2Placement2D(f.createIfcCartesianPoint((0.0, 0.0)), None)
    site.ObjectPlacement = local(None, 0, 0, 0)
    building.ObjectPlacement = local(site.ObjectPlacement, 0, 0, 0)

    def poly(points: list[tuple[float, float]]) -> ifcopenshell.entity_instance:
        pts = [f.createIfcCartesianPoint((float(x), float(y))) for x, y in points]
        return f.createIfcPolyline([*pts, pts[0]])

    def extrude(profile: ifcopenshell.entity_instance, h: float) -> ifcopenshell.entity_instance:
        return f.createIfcExtrudedAreaSolid(profile, axis(0, 0, 0), up, float(h))

    def shape(items: list, kind: str = "SweptSolid") -> ifcopenshell.entity_instance:
        rep = f.createIfcShapeRepresentation(body, "Body", kind, items)
        return f.createIfcProductDefinitionShape(None, None, [rep])

    def brep_box(w: float, d: float, h: float) -> ifcopenshell.entity_instance:
        c = [point3(x, y, z) for z in (0, h) for y in (0, d) for x in (0, w)]
        quads = [(0, 2, 3, 1), (4, 5, 7, 6), (0, 1, 5, 4), (1, 3, 7, 5), (3, 2, 6, 7), (2, 0, 4, 6)]
        faces = [
            f.createIfcFace(
                [f.createIfcFaceOuterBound(f.createIfcPolyLoop([c[i] for i in q]), True)]
            )
            for q in quads
        ]
        return f.createIfcFacetedBrep(f.createIfcClosedShell(faces))

    w_mm, d_mm, h_mm, gap = 6000.0, 4000.0, 3500.0, 500.0
    mapped_source = f.createIfcRepresentationMap(
        axis(0, 0, 0),
        f.createIfcShapeRepresentation(
            body,
            "Body",
            "SweptSolid",
            [
                extrude(
                    f.createIfcRectangleProfileDef(
                        "AREA",
                        None,
                        f.createIfcAxis2Placement2D(
                            f.createIfcCartesianPoint((w_mm / 2, d_mm / 2)), None
                        ),
                        w_mm,
                        d_mm,
                    ),
                    h_mm,
                )
            ],
        ),
    )
    zones = [
        ifcopenshell.api.root.create_entity(f, ifc_class="IfcZone", name=f"Zone {k + 1}")
        for k in range(max(1, spaces // 200))
    ]
    per_storey = math.ceil(spaces / storeys)
    columns = max(1, math.ceil(math.sqrt(per_storey)))
    total = 0.0
    made = 0
    for s in range(storeys):
        storey = ifcopenshell.api.root.create_entity(
            f, ifc_class="IfcBuildingStorey", name=f"Level {s}"
        )
        storey.Elevation = s * (h_mm + 1000.0)
        storey.ObjectPlacement = local(building.ObjectPlacement, 0, 0, storey.Elevation)
        ifcopenshell.api.aggregate.assign_object(f, products=[storey], relating_object=building)
        storey_spaces = []
        for i in range(min(per_storey, spaces - made)):
            kind = KINDS[made % len(KINDS)]
            x = (i % columns) * (w_mm + gap)
            y = (i // columns) * (d_mm + gap)
            space = ifcopenshell.api.root.create_entity(
                f, ifc_class="IfcSpace", name=f"{s}.{i:04d}"
            )
            space.LongName = f"{kind} workshop"
            space.ObjectPlacement = local(storey.ObjectPlacement, x, y, 0)
            if kind == "rectangle":
                prof = f.createIfcRectangleProfileDef(
                    "AREA",
                    None,
                    f.createIfcAxis2Placement2D(
                        f.createIfcCartesianPoint((w_mm / 2, d_mm / 2)), None
                    ),
                    w_mm,
                    d_mm,
                )
                space.Representation = shape([extrude(prof, h_mm)])
            elif kind == "polyline":
                pts = [
                    (0, 0),
                    (w_mm, 0),
                    (w_mm, d_mm / 2),
                    (w_mm / 2, d_mm / 2),
                    (w_mm / 2, d_mm),
                    (0, d_mm),
                ]
                prof = f.createIfcArbitraryClosedProfileDef("AREA", None, poly(pts))
                space.Representation = shape([extrude(prof, h_mm)])
            elif kind == "void":
                outer = poly([(0, 0), (w_mm, 0), (w_mm, d_mm), (0, d_mm)])
                a, b = w_mm / 3, d_mm / 3
                inner = poly([(a, b), (a, 2 * b), (2 * a, 2 * b), (2 * a, b)])
                prof = f.createIfcArbitraryProfileDefWithVoids("AREA", None, outer, [inner])
                space.Representation = shape([extrude(prof, h_mm)])
            elif kind == "circle":
                r = min(w_mm, d_mm) / 2
                prof = f.createIfcCircleProfileDef(
                    "AREA",
                    None,
                    f.createIfcAxis2Placement2D(f.createIfcCartesianPoint((r, r)), None),
                    r,
                )
                space.Representation = shape([extrude(prof, h_mm)])
            elif kind == "brep":
                space.Representation = shape([brep_box(w_mm, d_mm, h_mm)], "Brep")
            else:
                item = f.createIfcMappedItem(
                    mapped_source,
                    f.createIfcCartesianTransformationOperator3D(
                        None, None, point3(0, 0, 0), 1.0, None
                    ),
                )
                space.Representation = shape([item], "MappedRepresentation")
            a_m2 = expected_area_m2(kind, w_mm / 1000, d_mm / 1000)
            total += a_m2
            pset = ifcopenshell.api.pset.add_pset(f, product=space, name="Pset_SpaceCommon")
            ifcopenshell.api.pset.edit_pset(
                f, pset=pset, properties={"Reference": f"R{made}", "IsExternal": False}
            )
            qto = ifcopenshell.api.pset.add_qto(f, product=space, name="Qto_SpaceBaseQuantities")
            ifcopenshell.api.pset.edit_qto(f, qto=qto, properties={"NetFloorArea": a_m2})
            storey_spaces.append(space)
            made += 1
        ifcopenshell.api.aggregate.assign_object(f, products=storey_spaces, relating_object=storey)
        for k, zone in enumerate(zones):
            members = storey_spaces[k :: len(zones)]
            if members:
                ifcopenshell.api.group.assign_group(f, products=members, group=zone)
    del origin2
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    f.write(str(tmp))
    tmp.replace(path)
    return total


def factory_path(spaces: int, storeys: int) -> Path:
    return CACHE / f"factory-v{GENERATOR_VERSION}-{spaces}x{storeys}.ifc"


def ensure_factory(spaces: int, storeys: int) -> tuple[Path, float]:
    path = factory_path(spaces, storeys)
    area_file = path.with_suffix(".area")
    if not (path.exists() and area_file.exists()):
        t = time.perf_counter()
        total = write_factory(path, spaces=spaces, storeys=storeys)
        area_file.write_text(repr(total))
        print(f"generated {path} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return path, float(area_file.read_text())


ITERATOR_SCRIPT = """
import sys, ifcopenshell, ifcopenshell.geom
f = ifcopenshell.open(sys.argv[1])
settings = ifcopenshell.geom.settings()
it = ifcopenshell.geom.iterator(settings, f, include=f.by_type("IfcSpace"))
n = 0
if it.initialize():
    while True:
        n += 1
        if not it.next():
            break
print(n)
"""


def run_iterator(f) -> int:
    import ifcopenshell.geom

    settings = ifcopenshell.geom.settings()
    it = ifcopenshell.geom.iterator(settings, f, include=f.by_type("IfcSpace"))
    n = 0
    if it.initialize():
        while True:
            it.get()
            n += 1
            if not it.next():
                break
    return n


def best(times: list[float]) -> float:
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spaces", type=int, default=2000)
    parser.add_argument("--storeys", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; best kept")
    parser.add_argument("--profile", action="store_true", help="cProfile model_from_ifc in-process")
    args = parser.parse_args(argv)

    path, expected = ensure_factory(args.spaces, args.storeys)
    size_mb = path.stat().st_size / 2**20
    print(f"model: {path} ({size_mb:.1f} MB, {args.spaces} spaces on {args.storeys} storeys, mm)")

    import ifcopenshell

    from site_manager.ifc import read_model

    results: dict[str, list[float]] = {"a": [], "b": [], "c": [], "d_ours": [], "d_base": []}
    n_iter = 0
    model = None
    for _ in range(args.repeat):
        t = time.perf_counter()
        f = ifcopenshell.open(str(path))
        results["a"].append(time.perf_counter() - t)
        del f

        t = time.perf_counter()
        f = ifcopenshell.open(str(path))
        n_iter = run_iterator(f)
        results["b"].append(time.perf_counter() - t)
        del f

        t = time.perf_counter()
        model = read_model(path)
        results["c"].append(time.perf_counter() - t)

        cli = [
            str(Path(sys.executable).with_name("site-manager")),
            "spaces",
            str(path),
            "--format",
            "csv",
            "-o",
            os.devnull,
        ]
        t = time.perf_counter()
        subprocess.run(cli, check=True, stderr=subprocess.DEVNULL)
        results["d_ours"].append(time.perf_counter() - t)

        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", ITERATOR_SCRIPT, str(path)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        results["d_base"].append(time.perf_counter() - t)

    assert model is not None
    got = model.total_area_m2
    print(
        f"spaces read: ours {len(model.spaces)}, iterator {n_iter}; total area ours "
        f"{got:.1f} m², by hand {expected:.1f} m² ({100 * (got - expected) / expected:+.3f} %)"
    )
    a, b, c = best(results["a"]), best(results["b"]), best(results["c"])
    d_ours, d_base = best(results["d_ours"]), best(results["d_base"])
    print(f"best of {args.repeat} runs, wall-clock seconds:")
    print(f"  (a) ifcopenshell.open alone             {a:7.3f}")
    print(f"  (b) open + geometry iterator (spaces)   {b:7.3f}")
    print(f"  (c) read_model                          {c:7.3f}")
    print(f"  (d) site-manager spaces process         {d_ours:7.3f}")
    print(f"      python -c open + iterator process   {d_base:7.3f}")
    print("ratios (target):")
    print(f"  (b)/(c) = {b / c:5.2f}  (>= 4)   {'ok' if b / c >= 4 else 'MISSED'}")
    print(f"  (c)/(a) = {c / a:5.2f}  (<= 10)  {'ok' if c / a <= 10 else 'MISSED'}")
    print(
        f"  (d) baseline/ours = {d_base / d_ours:5.2f}  (>= 2)   "
        f"{'ok' if d_base / d_ours >= 2 else 'MISSED'}"
    )

    if args.profile:
        import cProfile
        import pstats

        from site_manager.ifc.build import model_from_ifc

        f = ifcopenshell.open(str(path))
        prof = cProfile.Profile()
        prof.enable()
        model_from_ifc(f, str(path))
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
