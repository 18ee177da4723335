"""The warehouse's tables as Arrow schemas: the contract analyses read (docs/warehouse.md)."""

from __future__ import annotations

import pyarrow as pa

CROSSINGS = pa.schema(
    [
        ("seq", pa.int64()),
        ("crossing_id", pa.string()),
        ("traveller_id", pa.string()),
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
        ("traveller_id", pa.string()),
        ("issuing_state", pa.string()),
        ("document_number", pa.string()),
        ("document_type", pa.string()),
        # A pseudonym of the holder: an HMAC, under the installation's secret key (pseudonym.py),
        # of issuing state, nationality, birth date, sex and the names as first recorded, the
        # same on a renewed passport or a misread number.
        # Overstays link a person's travellers by it (docs/overstays.md); null without a
        # birth date.
        ("holder_key", pa.string()),
    ]
)

PERMITS = pa.schema(
    [
        ("traveller_id", pa.string()),
        ("host_state", pa.string()),
        ("kind", pa.string()),
        ("valid_from", pa.date32()),
        ("valid_to", pa.date32()),
        ("entries_allowed", pa.int32()),
        ("duration_days", pa.int32()),
    ]
)

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
