"""Render every storey of the sample models to PNG, from the IFC files themselves.

    python models/render_plans.py [--out DIR] [MODEL.ifc ...]

Uses ifcopenshell's own geometry engine (independent of the builder and of the importer):
each element's triangles are projected to plan and merged with shapely, then drawn with
plotly and written to PNG with kaleido (Chromium).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import ifcopenshell
import ifcopenshell.geom
import ifcopenshell.util.element
import numpy as np
import plotly.graph_objects as go
from shapely import Polygon, union_all

HERE = Path(__file__).resolve().parent
COLOURS = {
    "IfcSpace": "rgba(120,170,230,0.45)",
    "IfcWall": "rgba(90,60,40,0.9)",
    "IfcColumn": "rgba(20,20,20,1)",
    "IfcWindow": "rgba(0,200,255,1)",
    "IfcDoor": "rgba(230,120,0,1)",
}
EXTERNAL = "rgba(140,200,120,0.45)"


def plan_polygons(model: ifcopenshell.file) -> dict:
    settings = ifcopenshell.geom.settings()
    settings.set("use-world-coords", True)
    out: dict = defaultdict(list)
    types = ["IfcSpace", "IfcWall", "IfcColumn", "IfcWindow", "IfcDoor"]
    elements = [e for t in types for e in model.by_type(t)]
    it = ifcopenshell.geom.iterator(settings, model, include=elements)
    if not it.initialize():
        return out
    while True:
        shape = it.get()
        el = model.by_id(shape.id)
        verts = np.array(shape.geometry.verts).reshape(-1, 3)
        faces = np.array(shape.geometry.faces).reshape(-1, 3)
        tris = [Polygon(verts[f][:, :2]) for f in faces]
        tris = [t for t in tris if t.area > 1e-6]
        poly = union_all(tris).buffer(0) if tris else Polygon()
        storey = ifcopenshell.util.element.get_container(
            el
        ) or ifcopenshell.util.element.get_aggregate(el)
        out[storey.Name if storey else "?"].append((el, poly))
        if not it.next():
            break
    return out


def draw(name: str, storey: str, items: list, path: Path) -> None:
    fig = go.Figure()
    for el, poly in sorted(items, key=lambda x: list(COLOURS).index(x[0].is_a())):
        geoms = getattr(poly, "geoms", [poly])
        for g in geoms:
            if g.is_empty:
                continue
            colour = COLOURS[el.is_a()]
            if el.is_a("IfcSpace") and el.PredefinedType == "EXTERNAL":
                colour = EXTERNAL
            for ring in [g.exterior, *g.interiors]:
                x, y = ring.xy
                fig.add_trace(
                    go.Scatter(
                        x=list(x),
                        y=list(y),
                        fill="toself",
                        fillcolor=colour,
                        mode="lines",
                        line={"width": 0.5, "color": "black"},
                        showlegend=False,
                    )
                )
            if el.is_a("IfcSpace"):
                c = g.representative_point()
                fig.add_annotation(
                    x=c.x,
                    y=c.y,
                    text=f"{el.Name}<br>{g.area:.0f} m²",
                    showarrow=False,
                    font={"size": 9},
                )
    fig.update_layout(title=f"{name} — {storey}", width=1400, height=900, plot_bgcolor="white")
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    fig.write_image(str(path))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("models", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=Path("/tmp/plans"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in args.models or sorted(HERE.glob("*.ifc")):
        model = ifcopenshell.open(str(path))
        for storey, items in plan_polygons(model).items():
            png = args.out / f"{path.stem}__{storey.replace(' ', '_')}.png"
            draw(path.stem, storey, items, png)
            print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
