"""The stay-rules engine: pure functions over one traveller's timeline in one host state.

No database, no network, no clock: the day of evaluation is always an argument.
"""

from rmis.stay.evaluate import Evaluation, Status, StatusKind, evaluate
from rmis.stay.model import Permit, PermitKind, Registration, Stay, Timeline, TimelineError
from rmis.stay.overstays import (
    STILL_PRESENT,
    LateExit,
    OpenOverstay,
    OverstayReport,
    TimelineColumns,
    TravellerTimeline,
    find_overstays,
    find_overstays_in_columns,
)
from rmis.stay.registration import add_working_days, registration_due
from rmis.stay.rules import DayCount, Regime, RuleSchedule, StayRule, WindowKind
from rmis.stay.stays_csv import StaysFileError, parse_stays_csv

__all__ = [
    "STILL_PRESENT",
    "DayCount",
    "Evaluation",
    "LateExit",
    "OpenOverstay",
    "OverstayReport",
    "Permit",
    "PermitKind",
    "Regime",
    "Registration",
    "RuleSchedule",
    "Status",
    "StatusKind",
    "Stay",
    "StayRule",
    "StaysFileError",
    "Timeline",
    "TimelineColumns",
    "TimelineError",
    "TravellerTimeline",
    "WindowKind",
    "add_working_days",
    "evaluate",
    "find_overstays",
    "find_overstays_in_columns",
    "parse_stays_csv",
    "registration_due",
]
