"""Data-problem flags of a traveller's crossings judged again after a correction.

Flags are derived from the record, not part of it: recording judges them on the crossings known
at that moment (recording.py), and a correction can change what they should say. An amended
direction or time moves where the traveller was; a voided crossing no longer counts as the one
before the next; an amended time moves the local date an expired document is judged on. So
after each correction the flags of the traveller's crossings in that host state are judged again
on the record as corrected, with the same rules as recording. `document_invalid` is about the
document as read at the BCP, which no correction changes, so it stays as recorded.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Connection, delete, insert

from rmis.registry.corrected import corrected_history
from rmis.registry.document_dates import implausible_birth, implausible_expiry
from rmis.registry.model import Flag, Outcome
from rmis.registry.recording import presence_flag
from rmis.store.schema import crossing_flags, crossings, documents

# The flags a correction can change; the others stay as recorded.
REJUDGED = (
    Flag.ENTRY_WHILE_INSIDE,
    Flag.EXIT_WITHOUT_ENTRY,
    Flag.DOCUMENT_EXPIRED,
    Flag.IMPLAUSIBLE_BIRTH_DATE,
    Flag.IMPLAUSIBLE_EXPIRY_DATE,
)


def judged_flags(history: list[dict]) -> list[tuple[int, Flag]]:
    """(seq, flag) for crossings as corrected, given in time order (`occurred_at`, `seq`).

    A voided crossing did not happen: it gets no flag and is no one's previous crossing.
    """
    flags: list[tuple[int, Flag]] = []
    previous: str | None = None
    for crossing in history:
        if crossing["voided"]:
            continue
        if crossing["outcome"] == Outcome.ADMITTED.value:
            presence = presence_flag(crossing["direction"], previous)
            if presence is not None:
                flags.append((crossing["seq"], presence))
            previous = crossing["direction"]
        expiry = crossing["expiry_date"]
        if expiry is not None and expiry < crossing["local_date"]:
            flags.append((crossing["seq"], Flag.DOCUMENT_EXPIRED))
        if implausible_birth(crossing["birth_date"], crossing["local_date"]):
            flags.append((crossing["seq"], Flag.IMPLAUSIBLE_BIRTH_DATE))
        if implausible_expiry(expiry, crossing["local_date"]):
            flags.append((crossing["seq"], Flag.IMPLAUSIBLE_EXPIRY_DATE))
    return flags


def rejudge_flags(connection: Connection, traveller_id: UUID, host_state: str) -> None:
    """Replace the correctable flags of the traveller's crossings in `host_state`."""
    history = corrected_history(
        connection,
        traveller_id,
        host_state,
        crossings.c.id,
        crossings.c.seq,
        crossings.c.direction,
        crossings.c.occurred_at,
        crossings.c.local_date,
        crossings.c.outcome,
        documents.c.expiry_date,
        documents.c.birth_date,
    )
    seqs = [crossing["seq"] for crossing in history]
    connection.execute(
        delete(crossing_flags).where(
            crossing_flags.c.crossing_seq.in_(seqs)
            & crossing_flags.c.flag.in_([flag.value for flag in REJUDGED])
        )
    )
    flags = judged_flags(history)
    if flags:
        connection.execute(
            insert(crossing_flags), [{"crossing_seq": s, "flag": f.value} for s, f in flags]
        )
