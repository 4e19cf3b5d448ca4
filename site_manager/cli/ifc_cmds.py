"""``site-manager inspect`` and ``site-manager spaces``: what is in an IFC model.

Both read the model through :func:`site_manager.ifc.read_model` (a child process with time
and memory limits). Heavy libraries are imported inside the handlers; this module itself
imports only the standard library, so ``site-manager --help`` stays quick.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import warnings
from typing import Any, TextIO

from site_manager import tabular
from site_manager.errors import ValidationError

#: Warnings ``spaces`` prints on stderr before it sums up the rest.
MAX_WARNINGS_SHOWN = 10


def add_commands(sub: Any) -> None:
    """Register ``inspect`` and ``spaces``."""
    inspect = sub.add_parser(
        "inspect",
        help="schema, application, units, storeys, spaces, total area and warnings of a model",
        description="Read an IFC model (.ifc or .ifczip) and describe it.",
    )
    inspect.add_argument("model", metavar="MODEL", help="an .ifc or .ifczip file")
    inspect.add_argument("--json", action="store_true", help="print JSON for machines")
    _add_limits(inspect)
    inspect.set_defaults(handler=_inspect)

    spaces = sub.add_parser(
        "spaces",
        help="the spaces of a model as CSV (WKT geometry), GeoJSON or GeoPackage",
        description="Read an IFC model and write one row per IfcSpace: name, storey, area, "
        "height, volume, zones and the footprint in the model's XY [m]. Warnings go to "
        "stderr.",
    )
    spaces.add_argument("model", metavar="MODEL", help="an .ifc or .ifczip file")
    spaces.add_argument(
        "--format", choices=("csv", "geojson", "gpkg"), default="csv", help="default: csv"
    )
    spaces.add_argument(
        "-o", "--output", metavar="OUT", help="write here instead of stdout (required for gpkg)"
    )
    _add_limits(spaces)
    spaces.set_defaults(handler=_spaces)


def _add_limits(parser: argparse.ArgumentParser) -> None:
    from site_manager.ifc.safe_open import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S

    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"stop reading after this long (default {DEFAULT_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--memory-mb",
        type=float,
        default=DEFAULT_MEMORY_MB,
        metavar="MB",
        help=f"memory the reader may use (default {DEFAULT_MEMORY_MB})",
    )


class _ProgressBar:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label: str, stream: TextIO) -> None:
        self.label = label
        self.stream = stream
        self.drawn = False
        self.started = time.monotonic()

    def start(self) -> None:
        self._draw(f"{self.label}: reading…")

    def __call__(self, done: int, total: int, *_: Any, **__: Any) -> None:
        width = 30
        fraction = done / total if total else 1.0
        filled = int(round(width * fraction))
        bar = "#" * filled + "." * (width - filled)
        self._draw(f"{self.label}: [{bar}] {done}/{total} spaces")

    def _draw(self, text: str) -> None:
        self.stream.write("\r" + text[:200] + "\x1b[K")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False


def _read(args: argparse.Namespace) -> Any:
    from site_manager.ifc import read_model

    bar = None
    if sys.stderr.isatty():
        bar = _ProgressBar(os.path.basename(args.model), sys.stderr)
        bar.start()
    try:
        return read_model(
            args.model, timeout_s=args.timeout, memory_mb=args.memory_mb, progress=bar
        )
    finally:
        if bar is not None:
            bar.close()


def _inspect(args: argparse.Namespace) -> int:
    from site_manager.ifc import summary_from_model

    summary = summary_from_model(_read(args))
    if args.json:
        json.dump(summary, sys.stdout, indent=1, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_summary_text(summary))
    return 0


def _summary_text(s: dict[str, Any]) -> str:
    lines = [
        f"file         {s['file']}",
        f"schema       {s['schema']}",
        f"application  {s['application'] or '(not named)'}",
        f"project      {s['project'] or '(no name)'}",
        f"length unit  {s['length_unit']} ({s['length_unit_m']:g} m)",
        f"CRS          {s['crs'] or 'none'}",
    ]
    if s["latitude"] is not None and s["longitude"] is not None:
        lines.append(f"location     {s['latitude']:.6f}, {s['longitude']:.6f}")
    lines.append(f"storeys      {len(s['storeys'])}")
    for st in s["storeys"]:
        elev = st["elevation_m"]
        elev_text = "?" if elev is None else f"{elev:+.3f} m"
        building = f"  [{st['building']}]" if st["building"] else ""
        lines.append(
            f"  {st['name'] or '(no name)'}  {elev_text}  {st['space_count']} spaces{building}"
        )
    without = s["spaces_without_geometry"]
    extra = f" ({without} without geometry)" if without else ""
    lines.append(f"spaces       {s['space_count']}{extra}")
    lines.append(f"total area   {s['total_area_m2']:.2f} m²")
    lines.append(f"warnings     {len(s['warnings'])}")
    lines.extend(f"  - {w}" for w in s["warnings"])
    return "\n".join(lines) + "\n"


def _spaces(args: argparse.Namespace) -> int:
    if args.format == "gpkg" and not args.output:
        raise ValidationError(
            "spaces: --format gpkg writes a binary file and needs -o OUT (e.g. -o spaces.gpkg)"
        )
    if args.output and os.path.isdir(args.output):
        raise ValidationError(f"{args.output}: is a folder: give a file name for -o")
    model = _read(args)
    _print_warnings(model.warnings)
    frame = model.spaces
    if args.format == "csv":
        # ten significant digits: 32.4, not the 32.39999999999999 the geometry sums give
        _write_text(
            args.output,
            lambda out: tabular.write_csv(
                _csv_frame(frame), out, lineterminator="\n", float_format=CSV_FLOAT_FORMAT
            ),
        )
    elif args.format == "geojson":
        _write_text(args.output, lambda out: out.write(_geojson_text(frame) + "\n"))
    else:
        _write_gpkg(frame, args.output)
    return 0


def _print_warnings(warnings: list[str]) -> None:
    for w in warnings[:MAX_WARNINGS_SHOWN]:
        sys.stderr.write(f"warning: {w}\n")
    if len(warnings) > MAX_WARNINGS_SHOWN:
        sys.stderr.write(
            f"warning: … and {len(warnings) - MAX_WARNINGS_SHOWN} more (see site-manager inspect)\n"
        )


def _write_text(output: str | None, write: Any) -> None:
    if not output or output == "-":
        write(sys.stdout)
        sys.stdout.flush()
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as out:
            write(out)
    except OSError as exc:
        raise ValidationError(
            f"{output}: cannot write ({exc.strerror or exc}): check the path"
        ) from None


def _text_value(value: Any) -> Any:
    """Lists and dicts as text for flat formats: zones joined by ';', property sets as JSON."""
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return value


def _flat_attributes(frame: Any) -> Any:
    """The frame's attribute columns with lists and dicts turned into text."""
    attrs = frame.drop(columns=[frame.geometry.name]).copy()
    for col in attrs.columns:
        if attrs[col].dtype == object:
            attrs[col] = attrs[col].map(_text_value)
    return attrs


#: How ``spaces --format csv`` writes numbers: ten significant digits (0.1 mm² on a
#: 100,000 m² floor), without binary noise.
CSV_FLOAT_FORMAT = "%.10g"


def _csv_frame(frame: Any) -> Any:
    import shapely

    attrs = _flat_attributes(frame)
    attrs["geometry"] = shapely.to_wkt(frame.geometry.values, rounding_precision=6)
    return attrs


def _json_value(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, list | dict | tuple):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def _geojson_text(frame: Any) -> str:
    import shapely

    features = []
    geometry_name = frame.geometry.name
    columns = [c for c in frame.columns if c != geometry_name]
    for geom, row in zip(
        frame.geometry.values, frame[columns].itertuples(index=False), strict=True
    ):
        geometry = None if geom is None or geom.is_empty else shapely.geometry.mapping(geom)
        features.append(
            {
                "type": "Feature",
                "properties": {c: _json_value(v) for c, v in zip(columns, row, strict=True)},
                "geometry": geometry,
            }
        )
    # Coordinates are the model's local XY in metres, not WGS84 (see DESIGN.md §4).
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False, default=str
    )


def _write_gpkg(frame: Any, output: str) -> None:
    import geopandas as gpd

    attrs = _flat_attributes(frame)
    geoms = frame.geometry.copy()
    geoms[geoms.is_empty] = None
    out = gpd.GeoDataFrame(attrs, geometry=geoms.values, crs=frame.crs)
    try:
        if os.path.exists(output):
            os.remove(output)
        with warnings.catch_warnings():
            # Footprints are in the model's local XY: there is no CRS to write, on purpose.
            warnings.filterwarnings("ignore", message=".*crs.*", category=UserWarning)
            out.to_file(output, driver="GPKG", layer="spaces", promote_to_multi=True)
    except OSError as exc:
        raise ValidationError(
            f"{output}: cannot write ({exc.strerror or exc}): check the path"
        ) from None
