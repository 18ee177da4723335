"""Plan: the stay engine on the trips a person types in, nothing stored.

The form gives a nationality, a host state and up to MAX_TRIPS trips (entry and exit dates,
the last exit may be empty: "I am still there" or "I plan to stay on"). The answer is
`rmis.stay.evaluate` on the day asked, under the rules table's schedule for that nationality
in that host state: the same call `rmis stay check --host --nationality` makes. Nothing here
logs: the dates live only in this request.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from rmis.locales import N_
from rmis.reference.stay_rules import StayRulesTable
from rmis.stay import Evaluation, Registration, Stay, StayRule, Timeline, evaluate

MAX_TRIPS = 24  # a year of monthly trips and more; the form shows a few rows and adds on request
SHOWN_TRIPS = 4
CODE = re.compile(r"^[A-Z]{3}$")
# People in the region write 31.12.2025; the date picker sends 2025-12-31.
DOTTED = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
NOT_A_DATE = N_("This is not a date. Write it like 2025-03-31.")


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str  # an English message id, translated where shown
    value: str = ""


@dataclass(frozen=True, slots=True)
class PlanForm:
    """What the person typed, kept as text so that the form shows it back."""

    nationality: str = ""
    host_state: str = ""
    entries: tuple[str, ...] = ()
    exits: tuple[str, ...] = ()
    on: str = ""
    registered_on: str = ""
    rows: int = SHOWN_TRIPS

    @classmethod
    def of(cls, form: Mapping[str, str], more: bool = False) -> PlanForm:
        entries, exits = [], []
        for i in range(1, MAX_TRIPS + 1):
            entries.append(str(form.get(f"entry_{i}", "")).strip())
            exits.append(str(form.get(f"exit_{i}", "")).strip())
        filled = max((i + 1 for i in range(MAX_TRIPS) if entries[i] or exits[i]), default=0)
        rows = min(MAX_TRIPS, max(SHOWN_TRIPS, filled + 1) + (3 if more else 0))
        return cls(
            nationality=str(form.get("nationality", "")).strip().upper(),
            host_state=str(form.get("host_state", "")).strip().upper(),
            entries=tuple(entries[:rows]),
            exits=tuple(exits[:rows]),
            on=str(form.get("on", "")).strip(),
            registered_on=str(form.get("registered_on", "")).strip(),
            rows=rows,
        )

    def trip(self, i: int) -> tuple[str, str]:
        return (
            self.entries[i] if i < len(self.entries) else "",
            self.exits[i] if i < len(self.exits) else "",
        )


@dataclass(frozen=True, slots=True)
class PlanQuestion:
    nationality: str
    host_state: str
    stays: tuple[Stay, ...]
    on: date
    registered_on: date | None = None


@dataclass(frozen=True, slots=True)
class PlanAnswer:
    question: PlanQuestion
    evaluation: Evaluation
    # The rules that applied before and after the one in force on the day asked, when the
    # rule changed within the trips (Russia's 90/180 became 90 per calendar year in 2025).
    changes: tuple[StayRule, ...] = field(default=())


def parse_date(text: str) -> date | None:
    """An ISO date (or 31.12.2025); None when it cannot be read."""
    text = text.strip()
    m = DOTTED.match(text)
    if m:
        text = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def read_plan(
    form: PlanForm, table: StayRulesTable, today: date
) -> tuple[PlanQuestion | None, list[FieldError]]:
    """The question the form asks, or the fields to fix (each with a message id)."""
    errors: list[FieldError] = []
    if not CODE.match(form.nationality):
        errors.append(FieldError("nationality", N_("Choose your citizenship.")))
    if form.host_state not in table.hosts():
        errors.append(FieldError("host_state", N_("Choose the country you stay in.")))
    stays: list[tuple[int, Stay]] = []
    for i in range(form.rows):
        entry_text, exit_text = form.trip(i)
        if not entry_text and not exit_text:
            continue
        entry, exit_ = parse_date(entry_text), parse_date(exit_text) if exit_text else None
        if entry is None:
            message = N_("Give the date of entry.") if not entry_text else NOT_A_DATE
            errors.append(FieldError(f"entry_{i + 1}", message, entry_text))
            continue
        if exit_text and exit_ is None:
            errors.append(FieldError(f"exit_{i + 1}", NOT_A_DATE, exit_text))
            continue
        if exit_ is not None and exit_ < entry:
            errors.append(FieldError(f"exit_{i + 1}", N_("The exit is before the entry.")))
            continue
        stays.append((i + 1, Stay(entry, exit_)))
    if not stays and not any(e.field.startswith(("entry_", "exit_")) for e in errors):
        errors.append(FieldError("entry_1", N_("Give at least one date of entry.")))
    stays.sort(key=lambda ns: ns[1].entry)
    for (n1, a), (n2, b) in itertools.pairwise(stays):
        if a.exit is None:
            errors.append(FieldError(f"exit_{n1}", N_(
                "Only the last trip may have no exit date. Give the exit of this trip."
            )))  # fmt: skip
        elif b.entry <= a.exit:
            errors.append(FieldError(f"entry_{n2}", N_(
                "This trip starts before the one before it ends. A day of exit and entry "
                "together is one trip."
            )))  # fmt: skip
    on = today
    if form.on:
        parsed = parse_date(form.on)
        if parsed is None:
            errors.append(FieldError("on", NOT_A_DATE, form.on))
        else:
            on = parsed
    elif stays and stays[-1][1].entry > today:
        # A planned trip: answer for its first day, the question a returning worker asks.
        on = stays[-1][1].entry
    registered = None
    if form.registered_on:
        registered = parse_date(form.registered_on)
        if registered is None:
            errors.append(FieldError("registered_on", NOT_A_DATE, form.registered_on))
    if errors:
        return None, errors
    question = PlanQuestion(
        form.nationality, form.host_state, tuple(s for _, s in stays), on, registered
    )
    return question, []


def answer(question: PlanQuestion, table: StayRulesTable) -> PlanAnswer:
    """The stay engine's answer to the question, with the rule changes the trips cross."""
    schedule = table.schedule(question.host_state, question.nationality)
    registrations = (Registration(question.registered_on),) if question.registered_on else ()
    timeline = Timeline(stays=question.stays, registrations=registrations)
    evaluation = evaluate(timeline, schedule, question.on)
    start = min((s.entry for s in question.stays), default=question.on)
    seen: list[StayRule] = []
    for piece in schedule.between(start.toordinal(), question.on.toordinal() + 366):
        if piece.rule is not None and piece.rule not in seen:
            seen.append(piece.rule)
    changes = tuple(seen) if len(seen) > 1 else ()
    return PlanAnswer(question, evaluation, changes)
