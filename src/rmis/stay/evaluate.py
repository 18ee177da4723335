"""Stay status of one traveller in one host state on one day, with the reasons in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from rmis.stay.model import Permit, Timeline
from rmis.stay.presence import OPEN_END, Presence, presence_on
from rmis.stay.registration import check_registration
from rmis.stay.rules import Regime, RuleSchedule, StayRule
from rmis.stay.window import first_unlawful_day, window_start


class StatusKind(StrEnum):
    LAWFUL = "lawful"
    COVERED_BY_PERMIT = "covered_by_permit"
    REGISTRATION_OVERDUE = "registration_overdue"
    OVERSTAY = "overstay"
    NO_ALLOWANCE = "no_allowance"  # not present, and would be over the limit on entering
    UNDETERMINED = "undetermined"  # no rule, or the sources give no limit to judge by


@dataclass(frozen=True, slots=True)
class Status:
    kind: StatusKind
    days: int | None = None  # overstay: days beyond the lawful stay; registration: days overdue
    permit: Permit | None = None

    def __str__(self) -> str:
        match self.kind:
            case StatusKind.OVERSTAY:
                return f"overstay of {self.days} days"
            case StatusKind.REGISTRATION_OVERDUE:
                return f"registration overdue by {self.days} days"
            case StatusKind.COVERED_BY_PERMIT:
                return f"covered by {self.permit.label() if self.permit else 'a permit'}"
            case StatusKind.NO_ALLOWANCE:
                return "no allowance left: entering now would exceed the limit"
            case StatusKind.UNDETERMINED:
                return "undetermined: no stay limit to judge by"
        return "lawful"


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The answer to "may this traveller stay, and until when?" on day `on`.

    days_used: counted days (present, not covered by a permit) in the window that ends on
      `on` under the rule in force that day; for a rule with only a per-stay limit, the days of
      the current stay; None when no rule limits the stay.
    days_remaining: what is left of the allowance on `on` (never negative); None if unlimited.
    overstay_days: how far the count exceeds the maximum on `on` (the EU calculator's count;
      the per-stay limit too); 0 when a permit covers `on`.
    latest_legal_exit: the last day of lawful stay if the traveller stays on from `on`; when
      `on` is already unlawful, the day the lawful stay ended (before `on`). None when no limit
      binds.
    registration_due: last day to register the current stay, None if no deadline applies.
    status: the verdict; trail: the reasons, in order, as sentences.
    """

    on: date
    present: bool
    rule: StayRule | None
    days_used: int | None
    days_remaining: int | None
    overstay_days: int
    latest_legal_exit: date | None
    registration_due: date | None
    status: Status
    trail: tuple[str, ...]


def evaluate(timeline: Timeline, rules: RuleSchedule | StayRule, on_date: date) -> Evaluation:
    """Evaluate a traveller's stay in one host state on day `on_date`.

    `rules` is the schedule for the traveller's nationality in that host state (see
    `rmis.reference.stay_rules.StayRulesTable.schedule`), or one rule in force at all times.
    """
    on = on_date
    schedule = rules if isinstance(rules, RuleSchedule) else RuleSchedule.single(rules)
    pres = presence_on(timeline, schedule, on)
    d = pres.on
    rule = schedule.rule_on(d)
    trail: list[str] = []
    trail.append(rule.describe() if rule else "No stay rule is in force for this traveller.")
    if rule and rule.notes:
        trail.append(f"Note: {rule.notes}")

    entry = date.fromordinal(pres.entry)
    if pres.present:
        trail.append(f"Present since {entry}: day {d - pres.entry + 1} of this stay.")
    else:
        trail.append(f"Not present on {on}; figures assume an entry on {on}.")

    counted_today = pres.is_counted(d)
    permit_today = None if counted_today else pres.covering(d)
    stay_days = pres.counter.between(pres.entry, d) if pres.present else 0
    lawful_until, since = _lawful_stay_end(pres, schedule)

    days_used, days_remaining, overstay = _count(rule, pres, stay_days, counted_today)
    if rule and rule.window is not None and days_used is not None:
        first = date.fromordinal(window_start(rule, d))
        trail.append(f"Days counted from {first} to {on}: {days_used} of {rule.max_days} allowed.")
    if rule and rule.max_days_per_stay is not None and pres.present:
        trail.append(f"Days counted in this stay: {stay_days} of {rule.max_days_per_stay} allowed.")
    if permit_today is not None:
        overstay = 0
        trail.append(f"On {on} the stay is covered by a {permit_today.label()}.")

    if lawful_until is None:
        if (rule and rule.limited) or (rule and rule.regime is Regime.VISA_REQUIRED):
            trail.append("No limit binds within the years ahead.")
    elif since is not None and pres.present:
        trail.append(f"Lawful stay ended on {lawful_until}; unlawfully present since {since}.")
    elif since is not None:
        trail.append(f"Entering on {on} would already be unlawful.")
    else:
        trail.append(f"Latest lawful exit, staying on from {on}: {lawful_until}.")

    reg = check_registration(entry, on, schedule.rule_on(pres.entry), timeline.registrations)
    due = reg.due if pres.present else None
    if pres.present:
        trail.extend(reg.words)

    status = _status(pres, rule, since, permit_today, reg.overdue_days)
    trail.append(f"Status: {status}.")
    return Evaluation(
        on=on,
        present=pres.present,
        rule=rule,
        days_used=days_used,
        days_remaining=days_remaining,
        overstay_days=overstay,
        latest_legal_exit=lawful_until,
        registration_due=due,
        status=status,
        trail=tuple(trail),
    )


def _lawful_stay_end(pres: Presence, schedule: RuleSchedule) -> tuple[date | None, date | None]:
    """(latest lawful exit, first unlawful day if it is on or before `on`) for the current stay.

    We look at the counted run that holds `on` (or, if a permit covers `on`, the runs after it)
    and the runs that follow, as if the traveller stayed on.
    """
    d = pres.on
    for a, b in pres.current_runs():
        if b < d:
            continue
        f = first_unlawful_day(a, b, pres.entry, pres.counter, schedule, pres.horizon, pres.on)
        if f is not None:
            unlawful_now = f <= d and a <= d
            return date.fromordinal(f - 1), date.fromordinal(f) if unlawful_now else None
        if b >= OPEN_END:
            break
    return None, None


def _count(
    rule: StayRule | None, pres: Presence, stay_days: int, counted_today: bool
) -> tuple[int | None, int | None, int]:
    if rule is None or not rule.limited:
        if rule is not None and rule.regime is Regime.VISA_REQUIRED and pres.present:
            # Every day not covered by a visa or permit is over the (zero) allowance.
            uncovered = _days_in_run_to(pres) if counted_today else 0
            return stay_days, 0, uncovered
        return None, None, 0
    d = pres.on
    today = 1 if counted_today and pres.present else 0
    used = remaining = over = None
    if rule.window is not None:
        assert rule.max_days is not None
        used = pres.counter.between(window_start(rule, d), d - 1) + today
        remaining = max(0, rule.max_days - used)
        over = max(0, used - rule.max_days)
    if rule.max_days_per_stay is not None:
        s = rule.max_days_per_stay
        used = stay_days if used is None else used
        remaining = (
            max(0, s - stay_days) if remaining is None else min(remaining, max(0, s - stay_days))
        )
        over = max(over or 0, stay_days - s)
    return used, remaining, over or 0


def _days_in_run_to(pres: Presence) -> int:
    for a, b in pres.current_runs():
        if a <= pres.on <= b:
            return pres.on - a + 1
    return 0


def _status(
    pres: Presence, rule: StayRule | None, since: date | None, permit: Permit | None, overdue: int
) -> Status:
    if not pres.present:
        if rule is None or rule.regime is Regime.UNKNOWN:
            return Status(StatusKind.UNDETERMINED)
        return Status(StatusKind.NO_ALLOWANCE) if since else Status(StatusKind.LAWFUL)
    if since is not None:
        return Status(StatusKind.OVERSTAY, pres.on - since.toordinal() + 1)
    if overdue:
        return Status(StatusKind.REGISTRATION_OVERDUE, overdue)
    if permit is not None:
        return Status(StatusKind.COVERED_BY_PERMIT, permit=permit)
    if rule is None or rule.regime is Regime.UNKNOWN:
        return Status(StatusKind.UNDETERMINED)
    return Status(StatusKind.LAWFUL)
