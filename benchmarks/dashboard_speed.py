"""How long the dashboard's server takes to re-draw a floor plan on a 2,000-space model.

Changing the storey or the colouring re-runs the Site page, which builds the plotly figure of
one storey (``site_manager.figures.floor_plan_figure``) and hands it to ``st.plotly_chart``,
which serialises it with ``plotly.io.to_json`` (the figure itself is kept with
``st.cache_resource``, so a storey seen before costs only the JSON). This script times the
work of a storey or colouring not seen before (build + JSON) for

- one storey of the model (the Site page's default view), and
- all spaces on one plan (a single-storey factory of the same size: the worst case),

against a baseline measured in the same run: the same plan drawn with one trace per space.
Wall-clock and CPU time of this process are both printed: on a shared, busy machine the wall
time includes waiting for a core, the CPU time is what an unloaded server spends.
Spaces are generated: rectangles, L-shapes and courtyard rooms (polygons with a hole).

With ``--app``, it also times the whole Site page re-run as Streamlit runs it (under
``streamlit.testing.v1.AppTest``, in process) on the register of a real 2,000-space IFC
factory (made by ``benchmarks/import_speed.py``'s generator, imported with ``read_model``):
the first run, then each change of storey and of colouring.

Usage: ``python benchmarks/dashboard_speed.py [--spaces 2000] [--storeys 5] [--repeat 5] [--app]``
"""

from __future__ import annotations

import argparse
import statistics
import time

import geopandas as gpd
import numpy as np
import plotly.graph_objects as go
import plotly.io
from shapely import box
from shapely.geometry import Polygon

from site_manager import figures
from site_manager.zoning import Use

GOAL_S = 0.5


def generate_spaces(n: int, storeys: int, seed: int = 1) -> gpd.GeoDataFrame:
    """``n`` spaces on ``storeys`` storeys, in a grid of 6 m × 5 m … 18 m × 12 m rooms."""
    rng = np.random.default_rng(seed)
    per_storey = int(np.ceil(n / storeys))
    columns = int(np.ceil(np.sqrt(per_storey)))
    rows: list[dict] = []
    uses = [u.value for u in Use]
    for i in range(n):
        storey, k = divmod(i, per_storey)
        cx, cy = (k % columns) * 20.0, (k // columns) * 14.0
        w, d = rng.uniform(6, 18), rng.uniform(5, 12)
        kind = i % 3
        if kind == 0:
            geom = box(cx, cy, cx + w, cy + d)
        elif kind == 1:  # L-shape
            geom = Polygon(
                [
                    (cx, cy),
                    (cx + w, cy),
                    (cx + w, cy + d / 2),
                    (cx + w / 2, cy + d / 2),
                    (cx + w / 2, cy + d),
                    (cx, cy + d),
                ]
            )
        else:  # courtyard
            geom = Polygon(
                [(cx, cy), (cx + w, cy), (cx + w, cy + d), (cx, cy + d)],
                [
                    [
                        (cx + w / 4, cy + d / 4),
                        (cx + w / 4, cy + 3 * d / 4),
                        (cx + 3 * w / 4, cy + 3 * d / 4),
                        (cx + 3 * w / 4, cy + d / 4),
                    ]
                ],
            )
        rows.append(
            {
                "global_id": f"{i:022d}",
                "name": f"{storey}.{k:03d}",
                "long_name": f"Room {i}",
                "storey": f"Level {storey}",
                "area_m2": geom.area,
                "height_m": float(rng.uniform(2.8, 8.0)),
                "use": uses[int(rng.integers(len(uses)))],
                "tenant": f"Tenant {int(rng.integers(40))}" if rng.random() < 0.7 else None,
                "geometry": geom,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry")


def one_trace_per_space(spaces: gpd.GeoDataFrame, color_by: str) -> go.Figure:
    """The baseline: every space its own filled trace with its own hover text."""
    fig = go.Figure()
    colours: dict = {}
    palette = figures.qualitative.Safe
    for row in spaces.itertuples():
        xs, ys = figures.rings_xy([row.geometry])
        value = getattr(row, color_by)
        colour = colours.setdefault(value, palette[len(colours) % len(palette)])
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                fill="toself",
                mode="lines",
                fillcolor=colour,
                name=str(row.name),
                hoveron="fills",
                text=f"{row.name} {row.area_m2:.1f} m²",
                showlegend=False,
            )
        )
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig


def rerender(build, spaces: gpd.GeoDataFrame, color_by: str) -> tuple[float, float, int]:
    """Wall and CPU seconds to build and serialise one plan, and the JSON size. [s, s, B]"""
    wall, cpu = time.perf_counter(), time.process_time()
    fig = build(spaces, color_by=color_by)
    spec = plotly.io.to_json(fig, validate=False)  # what st.plotly_chart sends
    return time.perf_counter() - wall, time.process_time() - cpu, len(spec)


def measure(label: str, spaces: gpd.GeoDataFrame, repeat: int) -> None:
    results = {}
    rerender(figures.floor_plan_figure, spaces[:50], "use")  # warm up imports and caches
    for name, build, colourings in (
        ("few traces", figures.floor_plan_figure, ("use", "tenant", "area_m2")),
        ("trace per space", one_trace_per_space, ("use", "tenant")),
    ):
        runs = [rerender(build, spaces, colourings[r % len(colourings)]) for r in range(repeat)]
        results[name] = (
            statistics.median(r[0] for r in runs),
            statistics.median(r[1] for r in runs),
            runs[-1][2],
        )
    (ours, ours_cpu, size), (base, base_cpu, base_size) = (
        results["few traces"],
        results["trace per space"],
    )
    traces = len(figures.floor_plan_figure(spaces, color_by="use").data)
    verdict = "within" if min(ours, ours_cpu) <= GOAL_S else "OVER"
    print(
        f"{label:<36} {len(spaces):>5} spaces\n"
        f"  few traces ({traces} traces): {ours:6.3f} s wall, {ours_cpu:6.3f} s CPU, "
        f"{size / 1e6:.2f} MB JSON  ({verdict} the {GOAL_S} s goal)\n"
        f"  one trace per space:    {base:6.3f} s wall, {base_cpu:6.3f} s CPU, "
        f"{base_size / 1e6:.2f} MB JSON\n"
        f"  speed-up: {base / ours:5.1f}x wall, {base_cpu / ours_cpu:5.1f}x CPU"
    )


def measure_app(spaces: int, storeys: int) -> None:
    """Time Site page re-runs under AppTest on a register made from a generated IFC factory."""
    import sys
    import tempfile
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import import_speed

    from site_manager import register
    from site_manager.app import state
    from site_manager.ifc import read_model

    path, _ = import_speed.ensure_factory(spaces, storeys)
    model = read_model(path)
    folder = Path(tempfile.mkdtemp(prefix="dashboard-speed-"))
    url = f"sqlite:///{folder / 'register.sqlite'}"
    site = register.create_site(register.open_register(url), model, site_id="bench", name="Bench")
    names = model.storeys.sort_values("elevation_m")["name"].tolist()
    app = AppTest.from_string(
        "from site_manager.app import state, page_site\nstate.init()\npage_site.render()\n",
        default_timeout=600,
    )
    app.session_state[state.DB_URL] = url
    app.session_state[state.SITE] = site

    def timed(label: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        print(
            f"  {label:<40} {time.perf_counter() - wall:6.3f} s wall, "
            f"{time.process_time() - cpu:6.3f} s CPU"
        )

    print(f"Site page re-runs under AppTest, {len(model.spaces)} spaces on {len(names)} storeys")
    timed("first run (register read, caches filled)")
    for name in names[1:3]:
        app.session_state[state.STOREY] = name
        timed(f"storey -> {name}")
    for colour in ("tenant", "area_m2", "vacancy"):
        app.session_state[state.COLOR_BY] = colour
        timed(f"colour -> {colour}")
    app.session_state[state.STOREY] = names[1]
    app.session_state[state.COLOR_BY] = "use"  # a storey and colouring drawn before
    timed(f"storey -> {names[1]}, colour -> use again (cached figure)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spaces", type=int, default=2000)
    parser.add_argument("--storeys", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--app", action="store_true", help="also time Site page re-runs")
    args = parser.parse_args()
    spaces = generate_spaces(args.spaces, args.storeys)
    one_storey = spaces[spaces["storey"] == "Level 0"]
    print(
        "dashboard re-render (figure build + JSON), "
        f"median of {args.repeat}, colouring by use/tenant/area in turn; CPU time is what an "
        "unloaded server would take (wall time includes waiting for a busy machine's cores)"
    )
    measure(f"one storey of {args.storeys}", one_storey, args.repeat)
    flat = spaces.assign(storey="Level 0")
    measure("all spaces on one plan (worst case)", flat, args.repeat)
    if args.app:
        measure_app(args.spaces, args.storeys)


if __name__ == "__main__":
    main()
