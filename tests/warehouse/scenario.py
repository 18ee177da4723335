"""Small registries for warehouse and analytics tests, recorded through the bulk import, and
changes of who is one person (rmis.persons: merge, split)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID

from sqlalchemy import Engine, select, update
from uuid6 import uuid7

from rmis import persons
from rmis.registry import import_crossings
from rmis.store.schema import documents, travellers

NOW = datetime(2026, 12, 31, tzinfo=UTC)


@dataclass
class Person:
    number: str
    nationality: str
    issuing_state: str = ""
    birth_date: date = date(1990, 5, 1)
    sex: str = "M"
    surname: str = "TESTOV"
    given_names: str = "TEST"
    rows: list[dict[str, str]] = field(default_factory=list)

    def cross(
        self, direction: str, bcp: str, day: date, purpose: str = "tourism", hour: int = 8
    ) -> str:
        """Add a crossing at `hour` UTC on `day`; its id."""
        crossing_id = str(uuid7())
        at = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
        self.rows.append(
            {
                "crossing_id": crossing_id,
                "direction": direction,
                "bcp": bcp,
                "occurred_at": at.isoformat(),
                "issuing_state": self.issuing_state or self.nationality,
                "document_number": self.number,
                "surname": self.surname,
                "given_names": self.given_names,
                "nationality": self.nationality,
                "birth_date": self.birth_date.isoformat(),
                "sex": self.sex,
                "purpose": purpose,
                "officer": "officer.1",
            }
        )
        return crossing_id

    def stay(
        self, entry_bcp: str, entry: date, days: int, exit_bcp: str | None = None, **kw
    ) -> None:
        """Enter on `entry` and leave `days` days later (the same day when days is 0)."""
        self.cross("entry", entry_bcp, entry, **kw)
        self.cross("exit", exit_bcp or entry_bcp, entry + timedelta(days=days), hour=9, **kw)


def record(engine: Engine, tmp_path: Path, people: list[Person]) -> None:
    rows = sorted((r for p in people for r in p.rows), key=lambda r: r["occurred_at"])
    path = tmp_path / f"import-{uuid7().hex}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    summary = import_crossings(engine, path, io.StringIO(), now=NOW)
    assert summary.rejected == 0, summary
    for person in people:
        person.rows.clear()


def traveller_of(engine: Engine, number: str) -> UUID:
    with engine.connect() as connection:
        return connection.execute(
            select(documents.c.traveller_id).where(documents.c.number == number)
        ).scalar_one()


def merge(engine: Engine, a: str, b: str, kind: str = "confirmed") -> UUID:
    """The people of documents `a` and `b` made one (persons.merge: the older traveller
    survives, the other's documents, crossings and permits move to it, each moved document
    gets a person_links row); the survivor's id."""
    with engine.begin() as connection:
        merged = persons.merge(
            connection, traveller_of(engine, a), traveller_of(engine, b), kind=kind,
            rule="review", decided_by="sup.test", now=NOW,
        )  # fmt: skip
    return merged.survivor


def split(engine: Engine, number: str) -> UUID:
    """Document `number` and its crossings to a person of their own (persons.split); the new
    traveller's id."""
    with engine.begin() as connection:
        document_id = connection.execute(
            select(documents.c.id).where(documents.c.number == number)
        ).scalar_one()
        done = persons.split(
            connection, document_id, decided_by="sup.test", reason="not the same man", now=NOW
        )
    return done.traveller_id


def merge_leaving_documents(engine: Engine, survivor: str, absorbed: str) -> None:
    """Mark the traveller of `absorbed` merged into that of `survivor` without moving its
    documents: what persons never leaves behind, but a record changed by hand could."""
    keep, gone = traveller_of(engine, survivor), traveller_of(engine, absorbed)
    with engine.begin() as connection:
        connection.execute(
            update(travellers)
            .where(travellers.c.id == gone)
            .values(merged_into=keep, merged_at=NOW)
        )
