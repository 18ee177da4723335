"""The bulk import and the recording service store the same crossings the same way.

The same journeys (repeated entries, exits without entries, refusals between, ties in time,
crossings out of order, documents that are invalid or expired, local days that differ from the
UTC day) go in through the import under one set of document numbers and through
`record_crossings` under another; everything stored must match, flags included.
"""

import io
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from uuid6 import uuid7

from rmis.persons import rules_only
from rmis.persons.model import default_link_model
from rmis.registry.crossings import record_crossings
from rmis.registry.importing import import_crossings
from rmis.registry.model import Direction, DocumentSeen, NewCrossing, Outcome, Purpose
from rmis.security.principals import Principal, Role
from rmis.store.schema import crossing_flags, crossings, documents

NOW = datetime(2026, 11, 23, tzinfo=UTC)
START = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
SUPERVISOR = Principal("officer.1", Role.SUPERVISOR, "KAZ")
BCPS = ["KAZ-ALA", "KAZ-DOSTYK-ROAD", "KAZ-NQZ"]
# Every traveller here has the same names and birth date, and the two paths record the same
# people under two sets of numbers: the model would link them across (tests/persons tests
# linking). Both paths link by the certain rules only, so what is compared is recording.
LINKER = rules_only(default_link_model())


def journeys(seed: int, people: int) -> list[NewCrossing]:
    """Crossings of `people` travellers in a shuffled order, with every kind of data problem."""
    rng = random.Random(seed)
    out = []
    for person in range(people):
        document = DocumentSeen(
            issuing_state="UZB",
            number=f"{person:06d}",
            document_type="P",
            surname="KARIMOV",
            given_names="AZIZ",
            nationality="UZB",
            birth_date=date(1990, 1, 1),
            sex="M",
            expiry_date=rng.choice([None, date(2026, 3, 5), date(2031, 1, 1)]),
            mrz_valid=rng.random() > 0.2,
        )
        at = START
        for _ in range(rng.randint(1, 7)):
            at += rng.choice([timedelta(0), timedelta(hours=5), timedelta(days=3)])
            refused = rng.random() < 0.15
            out.append(
                NewCrossing(
                    id=uuid7(),
                    direction=rng.choice(list(Direction)),
                    bcp_code=rng.choice(BCPS),
                    occurred_at=at,
                    document=document,
                    purpose=Purpose.WORK,
                    outcome=Outcome.REFUSED if refused else Outcome.ADMITTED,
                    refusal_reason="H" if refused else None,
                )
            )
    rng.shuffle(out)
    return out


def as_row(crossing: NewCrossing, prefix: str) -> dict[str, object]:
    d = crossing.document
    return {
        "crossing_id": str(crossing.id),
        "direction": crossing.direction.value,
        "bcp": crossing.bcp_code,
        "occurred_at": crossing.occurred_at,
        "issuing_state": d.issuing_state,
        "document_number": prefix + d.number,
        "document_type": d.document_type,
        "surname": d.surname,
        "given_names": d.given_names,
        "nationality": d.nationality,
        "birth_date": d.birth_date,
        "sex": d.sex,
        "expiry_date": d.expiry_date,
        "purpose": crossing.purpose.value,
        "outcome": crossing.outcome.value,
        "refusal_reason": crossing.refusal_reason,
        "officer": SUPERVISOR.name,
        "mrz_valid": d.mrz_valid,
    }


def with_prefix(crossing: NewCrossing, prefix: str) -> NewCrossing:
    document = replace(crossing.document, number=prefix + crossing.document.number)
    return replace(crossing, id=uuid7(), document=document)


def stored(engine, prefix: str) -> list[tuple]:
    """What the record holds for one set of documents, in recording order, ids left out."""
    flags = (
        select(crossing_flags.c.flag)
        .where(crossing_flags.c.crossing_seq == crossings.c.seq)
        .order_by(crossing_flags.c.flag)
    )
    query = (
        select(crossings, documents)
        .join(documents, documents.c.id == crossings.c.document_id)
        .where(documents.c.number.startswith(prefix))
        .order_by(crossings.c.seq)
    )
    skip = {"seq", "id", "id_1", "document_id", "traveller_id", "traveller_id_1"}
    skip |= {"recorded_at", "first_seen_at"}
    with engine.connect() as connection:
        result = []
        for row in connection.execute(query).mappings():
            # Looked up by its own keys: the import stored them in the form queries bind.
            same = connection.execute(
                select(crossings.c.seq).where(crossings.c.id == row["id"])
            ).scalar_one()
            assert same == row["seq"]
            listed = connection.execute(flags.where(crossings.c.seq == row["seq"])).scalars()
            values = {k: v for k, v in row.items() if k not in skip}
            values["number"] = values["number"].removeprefix(prefix)
            result.append((tuple(sorted(values.items())), tuple(listed)))
        return result


@pytest.mark.parametrize("chunk", [1, 17])
def test_import_and_service_store_the_same(engine, tmp_path, chunk):
    # Flags judge a crossing against what is recorded with it: chunk and batch alike.
    crossings_in_order = journeys(seed=3, people=30)
    path = tmp_path / "c.parquet"
    pq.write_table(pa.Table.from_pylist([as_row(c, "I") for c in crossings_in_order]), path)
    summary = import_crossings(
        engine, path, io.StringIO(), now=NOW, chunk_rows=chunk, linker=LINKER
    )
    assert summary.recorded == len(crossings_in_order)
    for start in range(0, len(crossings_in_order), chunk):
        batch = crossings_in_order[start : start + chunk]
        sent = [with_prefix(c, "S") for c in batch]
        record_crossings(engine, SUPERVISOR, sent, now=NOW, linker=LINKER)
    imported, recorded = stored(engine, "I"), stored(engine, "S")
    assert imported == recorded
    assert {flag for _, flags in imported for flag in flags} == {
        "exit_without_entry",
        "entry_while_inside",
        "document_invalid",
        "document_expired",
    }


def test_files_after_and_before_what_is_recorded_store_the_same(engine, tmp_path):
    # Known travellers both ways: a file in time order, each chunk after what is recorded, then
    # a file going back before it (an old file imported late), so recorded crossings fall
    # between the new ones.
    everything = sorted(journeys(seed=5, people=40), key=lambda c: c.occurred_at)
    later = [c for c in everything if c.occurred_at > START + timedelta(hours=5)]
    earlier = [c for c in everything if c.occurred_at <= START + timedelta(hours=5)]
    chunk = 23
    for name, part in (("later", later), ("earlier", earlier)):
        path = tmp_path / f"{name}.parquet"
        pq.write_table(pa.Table.from_pylist([as_row(c, "I") for c in part]), path)
        summary = import_crossings(
            engine, path, io.StringIO(), now=NOW, chunk_rows=chunk, linker=LINKER
        )
        assert summary.recorded == len(part)
        for start in range(0, len(part), chunk):
            batch = [with_prefix(c, "S") for c in part[start : start + chunk]]
            record_crossings(engine, SUPERVISOR, batch, now=NOW, linker=LINKER)
    imported, recorded = stored(engine, "I"), stored(engine, "S")
    assert imported == recorded
    assert {flag for _, flags in imported for flag in flags} >= {
        "exit_without_entry",
        "entry_while_inside",
    }


def test_a_file_partly_recorded_stores_the_same(engine, tmp_path):
    # Half the crossings imported first, then the whole file in chunks that straddle them:
    # each chunk keeps only its new rows, with documents already known, judged with what was
    # recorded before it; the service given the same batches does the same.
    everything = journeys(seed=7, people=30)
    served = {c.id: with_prefix(c, "S") for c in everything}
    half = everything[::2]
    chunk = 9
    for name, part in (("half", half), ("whole", everything)):
        path = tmp_path / f"{name}.parquet"
        pq.write_table(pa.Table.from_pylist([as_row(c, "I") for c in part]), path)
        summary = import_crossings(
            engine, path, io.StringIO(), now=NOW, chunk_rows=chunk, linker=LINKER
        )
        new = len(part) if part is half else len(everything) - len(half)
        assert (summary.recorded, summary.already_recorded) == (new, len(part) - new)
        for start in range(0, len(part), chunk):
            batch = [served[c.id] for c in part[start : start + chunk]]
            record_crossings(engine, SUPERVISOR, batch, now=NOW, linker=LINKER)
    imported, recorded = stored(engine, "I"), stored(engine, "S")
    assert len(imported) == len(everything)
    assert imported == recorded
    with engine.connect() as connection:
        numbers = connection.execute(select(documents.c.number)).scalars().all()
    assert len(numbers) == len(set(numbers)) == 2 * 30  # each document once, I and S
