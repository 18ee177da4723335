"""Registration deadlines after entry, in calendar or working days.

Deadlines are counted from the day after entry (Russian civil law counts a period from the
day after the event; Uzbekistan's rule says "from 00:01 the next day"). Working days skip the
rule's rest days (Saturday and Sunday unless the rule says otherwise). Public holidays are not
in rmis data, so a deadline that spans a holiday is reported one working day early: the
officer should allow for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from rmis.stay.model import Registration
from rmis.stay.rules import DayCount, StayRule


def add_working_days(start: date, days: int, rest_days: frozenset[int]) -> date:
    """The `days`-th working day after `start` (`start` itself is not counted)."""
    if len(rest_days) >= 7:
        raise ValueError("a week needs at least one working day")
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() not in rest_days:
            days -= 1
    return day


def registration_due(entry: date, rule: StayRule) -> date | None:
    """The last day to register for a stay that began on `entry`, or None if no deadline.

    When short stays are exempt, a stay that outgrows the exemption must be registered by
    the later of the deadline and the first day beyond the exemption.
    """
    if rule.registration_days is None:
        return None
    if rule.registration_count is DayCount.WORKING:
        due = add_working_days(entry, rule.registration_days, rule.rest_days)
    else:
        due = entry + timedelta(days=rule.registration_days)
    if rule.registration_exempt_up_to is not None:
        due = max(due, entry + timedelta(days=rule.registration_exempt_up_to))
    return due


@dataclass(frozen=True, slots=True)
class RegistrationCheck:
    due: date | None
    registered_on: date | None
    overdue_days: int
    words: tuple[str, ...]


def check_registration(
    entry: date, on: date, rule: StayRule | None, registrations: Iterable[Registration]
) -> RegistrationCheck:
    """Registration of the stay that began on `entry`, as it stands on `on`.

    The rule in force on the day of entry decides the deadline.
    """
    if rule is None:
        return RegistrationCheck(None, None, 0, ("No rule gives a registration deadline.",))
    words = [rule.describe_registration()]
    due = registration_due(entry, rule)
    if due is None:
        return RegistrationCheck(None, None, 0, tuple(words))
    done = next((r.on for r in registrations if entry <= r.on <= on), None)
    if done is not None:
        late = f", {(done - due).days} days late" if done > due else ""
        words.append(f"Registered on {done}{late}.")
        return RegistrationCheck(due, done, 0, tuple(words))
    if on > due:
        overdue = (on - due).days
        words.append(f"Registration was due by {due}; none recorded: {overdue} days overdue.")
        return RegistrationCheck(due, None, overdue, tuple(words))
    words.append(f"Registration due by {due}; none recorded yet.")
    return RegistrationCheck(due, None, 0, tuple(words))
