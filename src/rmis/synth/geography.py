"""The region as the generator sees it: states by index, land crossings and airports.

States are small integers in the generated columns; `STATES[i]` is the ICAO code. The
crossing points come from the reference BCP list (rmis.reference.bcps), so every generated
crossing happens at a real BCP of the state that records it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import numpy as np

from rmis.reference.bcps import BCP, load_bcps
from rmis.synth.calibration import CORRIDORS, LONG_TERM_STOCKS, RECORDING_STATES, TRANSIT_ROUTES


def _all_states() -> tuple[str, ...]:
    seen = dict.fromkeys(RECORDING_STATES)
    for c in CORRIDORS:
        seen.setdefault(c.nationality)
        seen.setdefault(c.host)
    for route in TRANSIT_ROUTES:
        for state in route.path:
            seen.setdefault(state)
    for stock in LONG_TERM_STOCKS:
        seen.setdefault(stock.nationality)
    return tuple(seen)


STATES: tuple[str, ...] = _all_states()
STATE = {code: i for i, code in enumerate(STATES)}


@dataclass(frozen=True, slots=True)
class Route:
    """One way across a border: the BCP of the state left and of the state entered.

    A side is None when that state keeps no record in the region (a flight from Delhi).
    """

    leave: BCP | None
    arrive: BCP | None
    mode: str
    weight: float


def _airports() -> dict[str, list[BCP]]:
    by_state: dict[str, list[BCP]] = defaultdict(list)
    for bcp in load_bcps().values():
        if bcp.mode == "air":
            by_state[bcp.state].append(bcp)
    return by_state


def _zipf(n: int) -> list[float]:
    # The data file lists each state's main hub first; traffic falls off with rank.
    return [1.0 / (rank + 1) for rank in range(n)]


@cache
def land_routes(leave: str, arrive: str) -> tuple[Route, ...]:
    """Land and sea crossings from `leave` into `arrive` (both sides recorded)."""
    bcps = load_bcps()
    routes = []
    for bcp in bcps.values():
        if bcp.state == leave and bcp.neighbour == arrive and bcp.counterpart in bcps:
            routes.append((bcp, bcps[bcp.counterpart]))
    weights = _zipf(len(routes))
    return tuple(Route(a, b, a.mode, w) for (a, b), w in zip(routes, weights, strict=True))


@cache
def air_routes(leave: str, arrive: str) -> tuple[Route, ...]:
    """Flights from `leave` to `arrive`: airport pairs, or one side where the other keeps no
    record. Empty when neither state has an airport in the list."""
    airports = _airports()
    out_ports = airports.get(leave) or [None]
    in_ports = airports.get(arrive) or [None]
    routes = []
    for a, wa in zip(out_ports, _zipf(len(out_ports)), strict=True):
        for b, wb in zip(in_ports, _zipf(len(in_ports)), strict=True):
            if a is not None or b is not None:
                routes.append(Route(a, b, "air", wa * wb))
    return tuple(routes)


@cache
def has_land_border(a: str, b: str) -> bool:
    return bool(land_routes(a, b))


def state_codes(indexes: np.ndarray) -> np.ndarray:
    """ICAO codes for an array of state indexes."""
    return np.asarray(STATES, dtype=object)[indexes]
