"""The region's map, drawn on the server as SVG: Natural Earth boundaries installed with the
package (reference/data/boundaries.json), no tile server; the BCPs at their coordinates, sized
by the crossings the filters keep and coloured by the change from the period before; the land
corridors between states as lines. Every mark is a link to the next question and carries its
text; the table beside the map holds the same numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

from rmis.reference.bcps import BCP, load_bcps
from rmis.reference.boundaries import load_boundaries

WIDTH = 960
REGION = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
# Where a state's corridors start and end on the map (a point well inside it, in the frame).
ANCHORS = {
    "KAZ": (67.0, 48.0), "UZB": (64.0, 41.6), "KGZ": (74.6, 41.5), "TJK": (71.0, 38.8),
    "TKM": (59.0, 39.2), "RUS": (60.0, 54.6), "CHN": (84.0, 41.0), "AFG": (66.0, 34.6),
    "IRN": (55.0, 35.5), "MNG": (89.0, 47.5), "AZE": (48.0, 40.3), "PAK": (70.0, 33.5),
}  # fmt: skip
# How exact a BCP's coordinates are (bcps.csv's coord_basis): the crossing itself, or only
# the nearest settlement or city.
EXACT_BASES = ("airport_reference_point", "crossing", "bridge", "pass", "port", "cn_port")


@dataclass(frozen=True)
class Mark:
    code: str
    label: str  # what the mark's title says (name, figures, change)
    crossings: int
    change: float | None  # relative to the period before; None when there was none
    href: str


class Projection:
    """Equirectangular, longitudes shrunk by the cosine of the frame's middle latitude."""

    def __init__(self) -> None:
        west, south, east, north = load_boundaries()["frame"]
        self.west, self.north = west, north
        self.k = math.cos(math.radians((south + north) / 2))
        self.scale = WIDTH / ((east - west) * self.k)
        self.height = round((north - south) * self.scale)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return ((lon - self.west) * self.k * self.scale, (self.north - lat) * self.scale)


def exact(bcp: BCP) -> bool:
    return bcp.coord_basis.startswith(EXACT_BASES)


def draw(marks: list[Mark], corridors: list[tuple[str, str, int, str]], title: str,
         unplaced_note: str) -> Markup:  # fmt: skip
    """The SVG: `corridors` as (from_state, to_state, crossings, label)."""
    p = Projection()
    out = [
        f'<svg class="map" viewBox="0 0 {WIDTH} {p.height}" role="group" '
        f'aria-labelledby="map-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<rect width="{WIDTH}" height="{p.height}" class="sea"/>',
    ]
    for country in load_boundaries()["countries"]:
        cls = "state region" if country["code"] in REGION else "state"
        d = " ".join(
            "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in (p(lon, lat) for lon, lat in ring)) + "Z"
            for ring in country["rings"]
        )
        out.append(f'<path class="{cls}" d="{d}"><title>{escape(country["name"])}</title></path>')
    top = max((c for _, _, c, _ in corridors), default=0)
    for origin, destination, count, label in corridors:
        if origin not in ANCHORS or destination not in ANCHORS or not top:
            continue
        (x1, y1), (x2, y2) = p(*ANCHORS[origin]), p(*ANCHORS[destination])
        bend = 0.18  # a curve, so that A->B and B->A do not lie on each other
        cx, cy = (x1 + x2) / 2 - (y2 - y1) * bend, (y1 + y2) / 2 + (x2 - x1) * bend
        width = 1 + 9 * math.sqrt(count / top)
        out.append(
            f'<path class="corridor" d="M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}" '
            f'stroke-width="{width:.1f}"><title>{escape(label)}</title></path>'
        )
    facts = load_bcps()
    biggest = max((m.crossings for m in marks), default=0)
    placed = 0
    for mark in sorted(marks, key=lambda m: -m.crossings):  # small marks drawn on top
        bcp = facts.get(mark.code)
        if bcp is None or bcp.lat is None or bcp.lon is None or not biggest:
            continue
        x, y = p(bcp.lon, bcp.lat)
        if not (0 <= x <= WIDTH and 0 <= y <= p.height):  # e.g. Moscow's airports
            continue
        placed += 1
        r = 3 + 15 * math.sqrt(mark.crossings / biggest)
        tone = _tone(mark.change)
        shape = "bcp" if exact(bcp) else "bcp approximate"
        out.append(
            f'<a href="{escape(mark.href)}"><circle class="{shape} {tone}" cx="{x:.1f}" '
            f'cy="{y:.1f}" r="{r:.1f}"><title>{escape(mark.label)}</title></circle></a>'
        )
    out.append("</svg>")
    svg = "".join(out)
    unplaced = len(marks) - placed
    note = f'<p class="note">{escape(unplaced_note % {"n": unplaced})}</p>' if unplaced else ""
    return Markup(svg + note)


def _tone(change: float | None) -> str:
    if change is None:
        return "new"
    if change >= 0.25:
        return "up-strong"
    if change >= 0.05:
        return "up"
    if change <= -0.25:
        return "down-strong"
    if change <= -0.05:
        return "down"
    return "steady"
