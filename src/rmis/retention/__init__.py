"""Retention by law, as data: rules per state and kind, legal holds, the erasure run over the
record and the warehouse.

This is the room's one door: other rooms use what is named here and nothing else of retention.
"""

from rmis.retention.erasure import StateErasure, add_years, due_travellers, run_retention
from rmis.retention.holds import HOLD_ROLES, lift_hold, place_hold
from rmis.retention.rules import Retention, RetentionRules, load_retention_rules
from rmis.retention.schedule import DailyErasure
from rmis.retention.warehouse import erase_from_warehouse

__all__ = [
    "HOLD_ROLES",
    "DailyErasure",
    "Retention",
    "RetentionRules",
    "StateErasure",
    "add_years",
    "due_travellers",
    "erase_from_warehouse",
    "lift_hold",
    "load_retention_rules",
    "place_hold",
    "run_retention",
]
