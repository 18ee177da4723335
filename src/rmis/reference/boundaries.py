"""The region's country boundaries, from package data: Natural Earth 1:50m (public domain) as
the `world-atlas` TopoJSON publishes it, converted once by tools/boundaries.py into plain
longitude/latitude rings of the states in and around Central Asia, with the frame they fill."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files


@cache
def load_boundaries() -> dict:
    """{"source", "frame": [west, south, east, north], "countries": [{"code", "name", "rings"}]}"""
    text = files("rmis.reference").joinpath("data/boundaries.json").read_text(encoding="utf-8")
    return json.loads(text)
