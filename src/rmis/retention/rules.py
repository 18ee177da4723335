"""Retention as data: years after a stay ends, per host state, from package data or a state's
own file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Retention:
    crossings_years: int  # after the stay's end
    overstay_years: int  # after the end of a stay that overstayed (or its lawful end, if open)


@dataclass(frozen=True, slots=True)
class RetentionRules:
    default: Retention
    states: dict[str, Retention]

    def of(self, state: str) -> Retention:
        return self.states.get(state, self.default)


def _retention(table: dict, base: Retention | None, where: str) -> Retention:
    values = {}
    for name in ("crossings_years", "overstay_years"):
        value = table.get(name, getattr(base, name) if base else None)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100:
            raise ValueError(f"{where}: {name} must be a whole number of years, 1 to 100")
        values[name] = value
    return Retention(**values)


def load_retention_rules(path: Path | None = None) -> RetentionRules:
    """The package's table, or a state's own file (RMIS_RETENTION) in the same shape."""
    text = (
        path.read_text(encoding="utf-8")
        if path
        else files("rmis.retention").joinpath("data/retention.toml").read_text(encoding="utf-8")
    )
    where = str(path or "retention.toml")
    data = tomllib.loads(text)
    default = _retention(data.get("default", {}), None, f"{where} [default]")
    states = {
        code: _retention(table, default, f"{where} [states.{code}]")
        for code, table in data.get("states", {}).items()
    }
    return RetentionRules(default, states)
