"""The stay-rules engine: pure functions over one traveller's timeline in one host state.

No database, no network, no clock: the day of evaluation is always an argument.
"""

from rmis.stay.evaluate import Evaluation, Status, StatusKind, evaluate
from rmis.stay.model import Permit, PermitKind, Registration, Stay, Timeline, TimelineError
from rmis.stay.overstays import (
    LateExit,
    OpenOverstay,
    OverstayReport,
    TravellerTimeline,
    find_overstays,
)
from rmis.stay.registration import add_working_days, registration_due
from rmis.stay.rules import DayCount, Regime, RuleSchedule, StayRule, WindowKind
from rmis.stay.stays_csv import StaysFileError, parse_stays_csv

__all__ = [
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
    "TimelineError",
    "TravellerTimeline",
    "WindowKind",
    "add_working_days",
    "evaluate",
    "find_overstays",
    "parse_stays_csv",
    "registration_due",
]
