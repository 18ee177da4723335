"""Flags judged again on an uncorrected history agree with the flags recording gave.

Recording judges a crossing on the crossings recorded before it, so the two agree when the
crossings were recorded in time order (a late-synced earlier crossing is what judging again
after a correction takes into account and recording could not).
"""

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from uuid6 import uuid7

from rmis.registry.crossings import record_crossings
from rmis.registry.model import Direction, DocumentSeen, Flag, NewCrossing, Outcome, Purpose
from rmis.registry.reflag import judged_flags
from rmis.security.principals import Principal, Role
from rmis.store.database import open_database
from rmis.store.schema import crossing_flags, crossings, documents

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
OFFICER = Principal("officer.ala", Role.BORDER_OFFICER, "KAZ", frozenset({"KAZ-ALA"}))
PASSPORT = DocumentSeen(
    issuing_state="UZB",
    number="FA7654321",
    document_type="P",
    surname="KARIMOVA",
    given_names="DILNOZA",
    nationality="UZB",
    birth_date=date(1994, 2, 3),
    sex="F",
    expiry_date=date(2026, 6, 1),
)
steps = st.lists(
    st.tuples(
        st.sampled_from(list(Direction)),
        st.sampled_from([Outcome.ADMITTED, Outcome.ADMITTED, Outcome.REFUSED]),
        st.integers(0, 400),  # days before NOW
        st.integers(0, 1),  # recorded in a batch with the one before, or on its own
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps)
def test_judged_flags_agree_with_recording_on_an_uncorrected_history(tmp_path_factory, steps):
    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('reflag') / 'r.sqlite3'}")
    batches: list[list[NewCrossing]] = []
    in_time_order = sorted(steps, key=lambda step: -step[2])
    for direction, outcome, days_ago, batched in in_time_order:
        crossing = NewCrossing(
            id=uuid7(),
            direction=direction,
            bcp_code="KAZ-ALA",
            occurred_at=NOW - timedelta(days=days_ago),
            document=PASSPORT,
            purpose=Purpose.WORK,
            outcome=outcome,
            refusal_reason="C" if outcome is Outcome.REFUSED else None,
        )
        if batched and batches:
            batches[-1].append(crossing)
        else:
            batches.append([crossing])
    for batch in batches:
        record_crossings(engine, OFFICER, batch, now=NOW)
    with engine.connect() as connection:
        history = [
            dict(row) | {"voided": False}
            for row in connection.execute(
                select(
                    crossings.c.seq,
                    crossings.c.direction,
                    crossings.c.outcome,
                    crossings.c.local_date,
                    documents.c.expiry_date,
                    documents.c.birth_date,
                )
                .join(documents, documents.c.id == crossings.c.document_id)
                .order_by(crossings.c.occurred_at, crossings.c.seq)
            ).mappings()
        ]
        flags = select(crossing_flags.c.crossing_seq, crossing_flags.c.flag)
        stored = {
            (seq, flag)
            for seq, flag in connection.execute(flags)
            if flag != Flag.DOCUMENT_INVALID.value
        }
    engine.dispose()
    assert {(seq, flag.value) for seq, flag in judged_flags(history)} == stored
