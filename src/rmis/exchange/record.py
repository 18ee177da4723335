"""What a node encodes its journey keys from: its own record's admitted crossings with the
identity of their documents (names, birth date, sex, document), read only, never sent."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, select

from rmis.store.schema import bcps, crossings, documents


def crossings_to_encode(engine: Engine, first: date, last: date) -> pd.DataFrame:
    """Admitted crossings from `first` to `last` (local days) with the columns encode() reads."""
    c, d, b = crossings.c, documents.c, bcps.c
    query = (
        select(
            c.id.label("crossing_id"),
            c.host_state,
            c.direction,
            c.bcp_code.label("bcp"),
            c.local_date,
            c.occurred_at,
            b.neighbour,
            b.mode,
            d.surname,
            d.given_names,
            d.birth_date,
            d.sex,
            d.issuing_state,
            d.document_type,
            d.number.label("document_number"),
        )
        .select_from(
            crossings.join(documents, c.document_id == d.id).join(bcps, c.bcp_code == b.code)
        )
        .where(c.outcome == "admitted", c.local_date >= first, c.local_date <= last)
        .order_by(c.seq)
    )
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).mappings().all())
    if frame.empty:
        return frame
    frame["partner"] = frame.neighbour.fillna(frame["mode"].str.upper())
    frame["crossing_id"] = frame.crossing_id.astype(str)
    return frame.drop(columns=["neighbour", "mode"])
