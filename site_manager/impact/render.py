"""The impact report as HTML (Jinja2 templates in ``site_manager/impact/templates``) and PDF
(WeasyPrint renders the same HTML). The map and the charts are inline SVG drawn here, so the
report needs no browser to render and its PDF keeps them as vector drawings.

:func:`render_html` renders the full report (staff); :func:`render_public_html` the
municipality's copy (:class:`site_manager.disclosure.PublicReport`, its own template, which
has no tenant-level field to show).
"""

from __future__ import annotations

import html
import math
from typing import Any

from site_manager.impact import SECTIONS, ImpactReport

#: Map extent around the building. [m]
MAP_MARGIN_M = 120.0
_WIDTH = 640.0


def _fmt(x: Any, nd: int = 0, unit: str = "") -> str:
    if x is None:
        return "–"
    x = float(x)
    if not math.isfinite(x):
        return "none"
    return f"{x:,.{nd}f}" + (f" {unit}" if unit else "")


def _colour(level: float, limit: float) -> str:
    if not math.isfinite(level):
        return "#9e9e9e"
    if level > limit:
        return "#c62828"
    return "#f9a825" if level > limit - 10.0 else "#2e7d32"


def _path(geom: Any, tx: Any) -> str:
    parts = []
    for poly in getattr(geom, "geoms", [geom]):
        rings = [poly.exterior, *poly.interiors] if hasattr(poly, "exterior") else [poly]
        for ring in rings:
            pts = [tx(x, y) for x, y in ring.coords]
            if pts:
                close = "Z" if hasattr(poly, "exterior") else ""
                parts.append("M" + " L".join(f"{a:.1f},{b:.1f}" for a, b in pts) + close)
    return " ".join(parts)


def site_map_svg(report: Any) -> str:
    """The building in its neighbourhood, the receptors coloured by their day level.

    ``report``: an :class:`ImpactReport` or a ``PublicReport`` (``geometry`` and
    ``noise.receptors``).
    """
    site = report.geometry.get("site")
    if site is None or site.is_empty:
        return ""
    cx0, cy0, cx1, cy1 = site.bounds
    x0, y0, x1, y1 = cx0 - MAP_MARGIN_M, cy0 - MAP_MARGIN_M, cx1 + MAP_MARGIN_M, cy1 + MAP_MARGIN_M
    k = _WIDTH / (x1 - x0)
    height = (y1 - y0) * k

    def tx(x: float, y: float) -> tuple[float, float]:
        return (x - x0) * k, (y1 - y) * k

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {_WIDTH:.0f} {height:.0f}" role="img" aria-label="map of the site">',
        f'<rect width="{_WIDTH:.0f}" height="{height:.0f}" fill="#f7f7f2"/>',
    ]
    streets = report.geometry.get("streets")
    for g in streets.geometry if streets is not None and len(streets) else []:
        out.append(f'<path d="{_path(g, tx)}" stroke="#bbb" stroke-width="6" fill="none"/>')
    blds = report.geometry.get("buildings")
    if blds is not None and len(blds):
        for g, use in zip(blds.geometry, blds.get("use", [""] * len(blds)), strict=False):
            fill = (
                "#d7ccc8" if str(use) in ("residential", "mixed", "school", "care") else "#e0e0e0"
            )
            out.append(f'<path d="{_path(g, tx)}" fill="{fill}" stroke="#999" stroke-width="0.5"/>')
    out.append(f'<path d="{_path(site, tx)}" fill="#1565c0" fill-opacity="0.55" stroke="#0d47a1"/>')
    rec = report.noise.receptors
    for name, x, y, level, limit in zip(
        rec["receptor"], rec["x"], rec["y"], rec["level_day_dba"], rec["limit_day_dba"], strict=True
    ):
        px, py = tx(float(x), float(y))
        out.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="6" stroke="#000" stroke-width="0.7" '
            f'fill="{_colour(float(level), float(limit))}"><title>'
            f"{html.escape(str(name))}: {_fmt(level, 1)} dB(A)</title></circle>"
        )
    bar = 50.0 * k
    out.append(
        f'<line x1="12" y1="{height - 14:.0f}" x2="{12 + bar:.1f}" y2="{height - 14:.0f}" '
        'stroke="#000" stroke-width="2"/>'
        f'<text x="12" y="{height - 20:.0f}" font-size="11" font-family="sans-serif">'
        "50 m</text>"
        f'<text x="{_WIDTH - 20:.0f}" y="22" font-size="14" font-family="sans-serif">N</text>'
        f'<text x="{_WIDTH / 2:.0f}" y="16" font-size="11" font-family="sans-serif" '
        'text-anchor="middle">site map: the building (blue) and its neighbours</text>'
    )
    out.append("</svg>")
    return "".join(out)


def bars_svg(labels: list[str], values: list[float], unit: str = "", nd: int = 1) -> str:
    """A horizontal bar chart."""
    if not values:
        return ""
    top = max(max(values), 1e-9)
    row, left, width = 18.0, 170.0, 420.0
    h = row * len(values) + 8
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 100:.0f}" '
        f'height="{h:.0f}" font-family="sans-serif" font-size="11">'
    ]
    for i, (lab, v) in enumerate(zip(labels, values, strict=True)):
        y = 4 + i * row
        w = max(0.0, v) / top * width
        out.append(
            f'<text x="{left - 6:.0f}" y="{y + 12:.0f}" text-anchor="end">'
            f"{html.escape(str(lab))[:28]}</text>"
            f'<rect x="{left:.0f}" y="{y:.0f}" width="{w:.1f}" height="{row - 4:.0f}" '
            f'fill="#1565c0"/><text x="{left + w + 4:.1f}" y="{y + 12:.0f}">'
            f"{_fmt(v, nd)} {html.escape(unit)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _env() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("site_manager.impact", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
    )
    env.filters["num"] = _fmt
    return env


def render_public_html(public: Any) -> str:
    """The municipality's copy (a ``site_manager.disclosure.PublicReport``) as one HTML page."""
    from site_manager.disclosure import DIMENSIONS, THRESHOLD, TRIPS_ROUNDING

    return str(
        _env()
        .get_template("impact_public.html.j2")
        .render(
            r=public,
            sections=SECTIONS,
            site_map=site_map_svg(public),
            dims=DIMENSIONS,
            threshold=THRESHOLD,
            rounding=TRIPS_ROUNDING,
        )
    )


def render_public_pdf(public: Any) -> bytes:
    """The municipality's copy as PDF (WeasyPrint)."""
    return _pdf(render_public_html(public))


def render_html(report: ImpactReport) -> str:
    """The report as one self-contained HTML page."""
    env = _env()
    j = report.jobs
    charts = {
        "kind": bars_svg(list(j.by_kind["kind"]), [float(x) for x in j.by_kind["jobs"]], "jobs"),
        "sector": bars_svg(
            list(j.by_sector["sector"]), [float(x) for x in j.by_sector["tenants"]], "tenants", 0
        ),
        "trips": bars_svg(
            list(report.trips.by_kind["kind"]),
            [float(x) for x in report.trips.by_kind["trips_per_day"]],
            "trips/day",
        ),
    }
    return env.get_template("impact.html.j2").render(
        r=report, sections=SECTIONS, site_map=site_map_svg(report), charts=charts, colour=_colour
    )


def render_pdf(report: ImpactReport) -> bytes:
    """The report as PDF (WeasyPrint; needs the pango and cairo libraries)."""
    return _pdf(render_html(report))


def _pdf(html_text: str) -> bytes:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # pragma: no cover - depends on the machine
        from site_manager.errors import SiteManagerError

        raise SiteManagerError(
            f"cannot write PDF: WeasyPrint is not usable here ({exc}); write .html instead"
        ) from None
    return bytes(weasyprint.HTML(string=html_text).write_pdf())
