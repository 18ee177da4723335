"""Names for the codes the analyses return, in the page's language: states, BCPs, movement
types, purposes, sexes, age bands, refusal reasons; numbers and dates as a reader writes them."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pycountry
from babel import Locale
from babel.numbers import format_decimal

from rmis.locales import N_
from rmis.reference.bcps import load_bcps
from rmis.web.ui.desk.labels import PURPOSES, REFUSAL_REASONS
from rmis.web.ui.templating import Translator

MOVEMENT_TYPES = {
    "transit": N_("transit"),
    "long_term": N_("long-term stay"),
    "seasonal": N_("seasonal work"),
    "local_border": N_("local border traffic"),
    "circular": N_("circular movement"),
    "short_visit": N_("short visit"),
}
SEXES = {"F": N_("women"), "M": N_("men"), "X": N_("sex not stated")}
DIRECTIONS = {"entry": N_("entries"), "exit": N_("exits")}
# A corridor's side at an airport or seaport: the flight's or ferry's other end is not recorded.
UNKNOWN_SIDES = {"AIR": N_("by air (other end not recorded)"),
                 "SEA": N_("by sea (other end not recorded)")}  # fmt: skip
# The same, short, where a chart's axis has little room.
UNKNOWN_SIDES_SHORT = {"AIR": N_("by air"), "SEA": N_("by sea")}
SEVERITIES = {"critical": N_("critical"), "warning": N_("warning"), "watch": N_("watch")}
MEASURES = {
    "observed": N_("Arrivals seen"),
    "expected": N_("Arrivals expected"),
    "crossings": N_("Journey legs"),  # a corridor's legs, each counted once (corridor_legs)
    "entries": N_("Entries"),
    "exits": N_("Exits"),
    "refused": N_("Refused"),
    "present": N_("Present"),
    "people": N_("People"),
    "exits_recorded_by_origin": N_("Exits recorded by the origin"),
    "entries_recorded_by_destination": N_("Entries recorded by the destination"),
    "difference": N_("Difference"),
    "ratio": N_("Ratio"),
    "forecast_median": N_("Forecast (median)"),
    "forecast_low80": N_("Forecast, low (80%)"),
    "forecast_high80": N_("Forecast, high (80%)"),
    "overstayers": N_("Overstayers"),
    "without_permit": N_("Of them with no visa or permit on record"),
    "median_days": N_("Median days over"),
    "max_days": N_("Longest, days over"),
    "origin": N_("Origin (own citizens leaving)"),
    "transit": N_("Transit (through in 3 days or less)"),
    "destination": N_("Destination (stayed)"),
}
# A filter a panel cannot apply, by name (the rest are named as DIMENSIONS).
FILTERS = {"start": N_("Period"), "end": N_("Period"), "direction": N_("Direction")}
DIMENSIONS = {
    "month": N_("Month"),
    "week": N_("Week of"),
    "corridor": N_("Corridor"),
    "from_state": N_("From (state)"),
    "to_state": N_("To (state)"),
    "bcp": N_("BCP"),
    "host_state": N_("Host state"),
    "nationality": N_("Nationality"),
    "sex": N_("Sex"),
    "age_band": N_("Age band"),
    "purpose": N_("Purpose"),
    "refusal_reason": N_("Reason"),
    "movement_type": N_("Movement type"),
    "severity": N_("Severity"),
    "status": N_("Status"),
}


@cache
def _bcp_names() -> dict[str, str]:
    return {code: bcp.name for code, bcp in load_bcps().items()}


@cache
def _alpha2(code: str) -> str | None:
    country = pycountry.countries.get(alpha_3=code)
    return country.alpha_2 if country else None


def state(code: str | None, language: str, t: Translator, short: bool = False) -> str:
    if code is None or (isinstance(code, float) and pd.isna(code)):
        return ""
    if code in UNKNOWN_SIDES:
        return t.text((UNKNOWN_SIDES_SHORT if short else UNKNOWN_SIDES)[code])
    alpha2 = _alpha2(code)
    if alpha2:
        try:
            return Locale.parse(language).territories.get(alpha2) or code
        except (ValueError, TypeError):
            return code
    return code


def bcp(code: str) -> str:
    return _bcp_names().get(code, code)


def value(dimension: str, code, language: str, t: Translator, short: bool = False) -> str:
    """A cell of `dimension` as a reader reads it (the code stays in the downloads); `short`
    for a chart's axis."""
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return t.text("not recorded")
    if dimension in ("host_state", "nationality", "from_state", "to_state"):
        return state(code, language, t, short)
    if dimension == "bcp":
        return bcp(code)
    if dimension == "movement_type":
        return t.text(MOVEMENT_TYPES.get(code, code))
    if dimension == "purpose":
        return t.text(PURPOSES[code][0]) if code in PURPOSES else code
    if dimension == "sex":
        return t.text(SEXES.get(code, code))
    if dimension == "refusal_reason":
        words = REFUSAL_REASONS.get(code)
        return f"{code}: {t.text(words)}" if words else code
    if dimension == "severity":
        return t.text(SEVERITIES.get(code, code))
    if dimension == "status":  # current, ended, or "carried from YYYY-MM-DD"
        if code.startswith("carried from "):
            return t.text("carried from %(day)s", day=code.removeprefix("carried from "))
        return t.text("current") if code == "current" else t.text("ended")
    if dimension == "age_band":
        return t.text("age unknown") if code == "unknown" else code
    if dimension == "month":
        return pd.Timestamp(code).strftime("%Y-%m")
    if dimension in ("week", "day"):
        return pd.Timestamp(code).date().isoformat()
    return str(code)


def number(v, language: str) -> str:
    if v is None or pd.isna(v):
        return ""
    if float(v).is_integer():
        return format_decimal(int(v), locale=language)
    return format_decimal(round(float(v), 2), locale=language)
