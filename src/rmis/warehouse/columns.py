"""The warehouse's tables as Arrow schemas: the contract analyses read (docs/warehouse.md)."""

from __future__ import annotations

import pyarrow as pa

CROSSINGS = pa.schema(
    [
        ("seq", pa.int64()),
        ("crossing_id", pa.string()),
        # The record's id of the document the crossing was recorded on (never amended: a
        # crossing on the wrong document is voided). Its person is in DOCUMENTS, so a link
        # changed after export moves no crossing file.
        ("document_id", pa.string()),
        ("direction", pa.string()),
        ("bcp_code", pa.string()),
        ("host_state", pa.string()),
        ("neighbour", pa.string()),  # the state across the line; null at airports and seaports
        ("mode", pa.string()),
        ("occurred_at", pa.timestamp("us", tz="UTC")),
        ("local_date", pa.date32()),
        ("nationality", pa.string()),
        ("purpose", pa.string()),
        ("outcome", pa.string()),
        ("refusal_reason", pa.string()),
        ("sex", pa.string()),
        ("birth_year", pa.int16()),  # not the birth date: the age band is all analyses need
        ("corrected", pa.bool_()),
        ("year", pa.int16()),
        ("month", pa.int8()),
    ]
)

DOCUMENTS = pa.schema(
    [
        ("document_id", pa.string()),
        # The person the document belongs to now, as the record links them (persons/): an HMAC,
        # under the installation's key, of the person's traveller id (pseudonym.person_key).
        # What analyses count; rewritten when links change (sync.py).
        ("person_key", pa.string()),
        # How the document joined its person: first, certain, automatic, confirmed, pending.
        ("link", pa.string()),
        ("issuing_state", pa.string()),
        ("document_number", pa.string()),
        ("document_type", pa.string()),
        # A pseudonym of the holder: an HMAC, under the installation's secret key (pseudonym.py),
        # of issuing state, nationality, birth date, sex and the names as first recorded, the
        # same on a renewed passport or a misread number.
        # Kept as the exact-match peer of the record's linking (bench/); analyses do not join by
        # it. Null without a birth date.
        ("holder_key", pa.string()),
    ]
)

PERMITS = pa.schema(
    [
        ("person_key", pa.string()),
        ("host_state", pa.string()),
        ("kind", pa.string()),
        ("valid_from", pa.date32()),
        ("valid_to", pa.date32()),
        ("entries_allowed", pa.int32()),
        ("duration_days", pa.int32()),
    ]
)

# The review queue's open proposals (persons/): a document waiting to be linked, or not, to the
# candidate's person. A verdict on either side's person may change when a supervisor decides.
REVIEWS = pa.schema(
    [
        ("document_id", pa.string()),
        ("candidate_id", pa.string()),
        ("probability", pa.float64()),
        ("proposed_on", pa.date32()),
    ]
)

# Raised whenever a table's columns change: a warehouse written under another version is
# exported again whole by the next sync (sync.py), and analyses refuse to read it until then.
COLUMNS_VERSION = 2

BCPS = pa.schema(
    [
        ("code", pa.string()),
        ("state", pa.string()),
        ("name", pa.string()),
        ("mode", pa.string()),
        ("neighbour", pa.string()),
        ("counterpart", pa.string()),
        ("time_zone", pa.string()),
    ]
)
