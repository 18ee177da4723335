"""The dimensions analyses can be cut by, as Ibis expressions over crossings or stays."""

from __future__ import annotations

from datetime import date

import ibis

PERIODS = ("day", "week", "month", "year")
AGE_BANDS = ((0, "0-17"), (18, "18-24"), (25, "25-34"), (35, "35-44"), (45, "45-54"), (55, "55-64"))


class UnknownDimension(ValueError):
    """A `--by` name the analysis cannot cut by."""


def period(day: ibis.DateValue, name: str) -> ibis.DateValue:
    """The first day of the period (ISO week starting Monday, month, year) holding `day`."""
    if name == "day":
        return day
    unit = {"week": "W", "month": "M", "year": "Y"}[name]
    return day.truncate(unit)


def age_band(birth_year: ibis.IntegerValue, year: ibis.IntegerValue) -> ibis.StringValue:
    """Age reached during `year`, in bands; unknown when there is no birth year."""
    age = year - birth_year
    band = ibis.cases(*((age < upper, label) for upper, label in _band_limits()), else_="65+")
    return ibis.ifelse(birth_year.isnull(), "unknown", band)


def _band_limits() -> list[tuple[int, str]]:
    uppers = [lower for lower, _ in AGE_BANDS[1:]] + [65]
    return [(upper, label) for upper, (_, label) in zip(uppers, AGE_BANDS, strict=True)]


def check_dimensions(by: list[str], allowed: tuple[str, ...]) -> None:
    unknown = [d for d in by if d not in allowed]
    if unknown:
        raise UnknownDimension(
            f"cannot cut by {', '.join(unknown)}; choose from {', '.join(allowed)}"
        )


def date_filter(day: ibis.DateValue, start: date | None, end: date | None) -> ibis.BooleanValue:
    condition = ibis.literal(True)
    if start is not None:
        condition &= day >= start
    if end is not None:
        condition &= day <= end
    return condition
