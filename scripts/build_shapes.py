#!/usr/bin/env python3
"""Convert the vendored world-atlas TopoJSON into what the map and the server load.

Run once after updating the vendored world-atlas files (the outputs are committed):

    .venv/bin/python scripts/build_shapes.py

Inputs (atlas/geo/data/world-atlas/, world-atlas 2.0.2, Natural Earth data, public domain):
- countries-110m.json: the shapes drawn on the map;
- countries-50m.json: read only for the centroids of small countries the 110m file leaves out
  (Singapore, Hong Kong, Bahrain, Malta, ...), which the map draws as dots.

Outputs:
- atlas/geo/static/geo/countries.json: GeoJSON, one feature per ISO 3166-1 alpha-2 code, with
  coordinates rounded to 0.01 degree (the 110m source is quantised at about 0.004 degree);
- atlas/core/data/centroids.json: {alpha-2: [lat, lng]} for every country in either file.

Decoding TopoJSON is a few lines, so this needs no JavaScript toolchain nor topojson-client.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "atlas" / "geo" / "data" / "world-atlas"
SHAPES_OUT = ROOT / "atlas" / "geo" / "static" / "geo" / "countries.json"
CENTROIDS_OUT = ROOT / "atlas" / "core" / "data" / "centroids.json"

# Shapes that Natural Earth draws without an ISO numeric id. Kosovo uses the user-assigned code
# XK (as atlas.core.countries does). Northern Cyprus and Somaliland are drawn as part of the
# UN-recognised states that the catalogue records deployments against (CY, SO), so clicking them
# shows what is recorded for those codes rather than nothing.
UNNUMBERED = {"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}
# Antarctica has no deployments and, on a Web Mercator map, would take a third of the height.
DROP = {"010"}
PRECISION = 2
# Countries and territories in neither file (parts of France in Natural Earth's shapes, or too
# small for the 50m scale): approximate centres of their main island or town, for markers only.
EXTRA_CENTROIDS = {
    "BQ": (12.18, -68.24), "BV": (-54.42, 3.36), "CC": (-12.17, 96.87), "CX": (-10.49, 105.62),
    "GF": (3.93, -53.13), "GI": (36.14, -5.35), "GP": (16.25, -61.56), "MQ": (14.64, -61.02),
    "RE": (-21.12, 55.53), "SJ": (78.22, 15.65), "TK": (-9.2, -171.85), "TV": (-8.52, 179.2), "YT": (-12.83, 45.17),
}


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded, quantised positions
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(arcs, indexes) -> list[tuple[float, float]]:
    points = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]  # ~i: the arc walked backwards
        points.extend(arc if not points else arc[1:])
    return points


def unwrap_antimeridian(ring):
    """A ring that jumps across the 180th meridian (Fiji, eastern Russia), made continuous.

    Leaflet draws straight lines between points, so a jump from 179.9 to -179.9 becomes a stripe
    across the whole map. Shifting the western points by +360 keeps the ring in one piece, just
    east of 180.
    """
    if not any(abs(a[0] - b[0]) > 180 for a, b in zip(ring, ring[1:])):
        return ring
    return [(x + 360 if x < 0 else x, y) for x, y in ring]


def polygons(geometry) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def numeric_to_alpha2() -> dict[str, str]:
    import pycountry
    return {c.numeric: c.alpha_2 for c in pycountry.countries}


def country_polygons(path: Path) -> dict[str, list[list[list[tuple[float, float]]]]]:
    """alpha-2 code -> polygons (lists of rings of (lng, lat)), antimeridian fixed."""
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    codes = numeric_to_alpha2()
    result: dict[str, list] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric, name = geometry.get("id"), geometry["properties"]["name"]
        if numeric in DROP:
            continue
        code = codes.get(numeric) if numeric else UNNUMBERED.get(name)
        if code is None:
            # Disputed or minor areas without a code (Siachen Glacier, Indian Ocean Ter.) stay
            # off the map rather than being attached to a country by guesswork.
            print(f"skipped {name!r} (id {numeric!r}): no country code", file=sys.stderr)
            continue
        for polygon in polygons(geometry):
            rings = [unwrap_antimeridian(ring_points(arcs, ring)) for ring in polygon]
            result.setdefault(code, []).append(rings)
    return result


def rounded_ring(ring):
    out = []
    for x, y in ring:
        point = [round(x, PRECISION), round(y, PRECISION)]
        if not out or out[-1] != point:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def geojson(shapes) -> dict:
    features = []
    for code in sorted(shapes):
        polys = []
        for polygon in shapes[code]:
            rings = [rounded_ring(r) for r in polygon]
            rings = [r for r in rings if len(r) >= 4]  # rounding can collapse tiny islands
            if rings:
                polys.append(rings)
        if not polys:
            continue
        geometry = ({"type": "Polygon", "coordinates": polys[0]} if len(polys) == 1
                    else {"type": "MultiPolygon", "coordinates": polys})
        features.append({"type": "Feature", "id": code, "properties": {}, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def ring_area_centroid(ring) -> tuple[float, float, float]:
    """Signed area and centroid (shoelace formula, planar degrees: fine for placing a marker)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if abs(area) < 1e-12:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area, cx / (6 * area), cy / (6 * area)


def centroid(polys) -> tuple[float, float]:
    """The centroid of the largest polygon's outer ring, as (lat, lng): inside the mainland."""
    best = max((ring_area_centroid(p[0]) for p in polys), key=lambda acx: abs(acx[0]))
    _area, x, y = best
    if x > 180:
        x -= 360
    return round(y, 2), round(x, 2)


def main(argv=None) -> int:
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path,
                        help="write both files into this folder instead of the repository")
    args = parser.parse_args(argv)
    shapes_out, centroids_out = SHAPES_OUT, CENTROIDS_OUT
    if args.output_dir:
        shapes_out = args.output_dir / SHAPES_OUT.name
        centroids_out = args.output_dir / CENTROIDS_OUT.name
    shapes = country_polygons(SOURCE_DIR / "countries-110m.json")
    detailed = country_polygons(SOURCE_DIR / "countries-50m.json")
    shapes_out.parent.mkdir(parents=True, exist_ok=True)
    shapes_out.write_text(json.dumps(geojson(shapes), separators=(",", ":")) + "\n",
                          encoding="utf-8")
    centroids = {code: centroid(polys) for code, polys in {**shapes, **detailed}.items()}
    centroids = {**EXTRA_CENTROIDS, **centroids}
    centroids_out.write_text(json.dumps(centroids, separators=(",", ":"), sort_keys=True) + "\n",
                             encoding="utf-8")
    print(f"{shapes_out}: {len(shapes)} countries, {shapes_out.stat().st_size:,} bytes")
    print(f"{centroids_out}: {len(centroids)} centroids")
    return 0


if __name__ == "__main__":
    sys.exit(main())
