"""Convert Natural Earth's country boundaries, as published in the `world-atlas` npm package
(TopoJSON, ISC licence, data public domain), into the compact package data the analyst's map
draws: the countries of Central Asia and their neighbours, in plain longitude/latitude rings.

    npm pack world-atlas@2 && tar xzf world-atlas-2.0.2.tgz
    python tools/boundaries.py package/countries-50m.json src/rmis/reference/data/boundaries.json

Run once when the source changes; rmis reads only the output (no download at run time).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pycountry

# The map's frame (degrees): the five states with room for their neighbours' border posts.
WEST, EAST, SOUTH, NORTH = 44.0, 92.0, 33.0, 57.0
SOURCE = "Natural Earth 1:50m Admin 0 countries, via world-atlas 2.0.2 (TopoJSON, ISC)"


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON's quantised, delta-encoded arcs as longitude/latitude points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)  # each arc starts where the last ended
    return points


def inside_frame(points: list[tuple[float, float]]) -> bool:
    return any(WEST <= x <= EAST and SOUTH <= y <= NORTH for x, y in points)


def compact(points: list[tuple[float, float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in points:
        p = [round(x, 2), round(y, 2)]
        if not out or out[-1] != p:
            out.append(p)
    return out


def convert(topology: dict) -> dict:
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs") or []
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings = [ring(r, arcs) for polygon in polygons for r in polygon[:1]]  # outer rings
        kept = [compact(r) for r in rings if inside_frame(r)]
        if not kept:
            continue
        country = pycountry.countries.get(numeric=str(geometry.get("id", "")).zfill(3))
        code = country.alpha_3 if country else None
        countries.append({"code": code, "name": geometry["properties"]["name"], "rings": kept})
    countries.sort(key=lambda c: c["name"])
    return {"source": SOURCE, "frame": [WEST, SOUTH, EAST, NORTH], "countries": countries}


def main() -> None:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    data = convert(json.loads(source.read_text()))
    target.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"{len(data['countries'])} countries, {target.stat().st_size:,} bytes -> {target}")


if __name__ == "__main__":
    main()
