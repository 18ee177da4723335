"""Keep the registry's reference tables (BCPs, refusal reasons) equal to the package data."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from rmis.reference.bcps import load_bcps
from rmis.reference.refusal_reasons import load_refusal_reasons
from rmis.store.schema import bcps, refusal_reasons


def sync_reference(connection: Connection) -> None:
    """Insert reference rows the database lacks and refresh the ones that changed.

    Rows are never deleted: crossings may point at a BCP that the reference list has since dropped.
    """
    wanted_bcps = {
        bcp.code: {
            "code": bcp.code,
            "state": bcp.state,
            "name": bcp.name,
            "mode": bcp.mode,
            "neighbour": bcp.neighbour,
            "counterpart": bcp.counterpart,
            "time_zone": bcp.time_zone,
            "source": bcp.source,
        }
        for bcp in load_bcps().values()
    }
    wanted_reasons = {
        code: {"code": code, **fields} for code, fields in load_refusal_reasons().items()
    }
    for table, key, wanted in (
        (bcps, bcps.c.code, wanted_bcps),
        (refusal_reasons, refusal_reasons.c.code, wanted_reasons),
    ):
        rows = connection.execute(select(table)).mappings()
        have = {row[key.name]: dict(row) for row in rows}
        for code, row in wanted.items():
            if code in have and have[code] != row:
                connection.execute(update(table).where(key == code).values(row))
        missing = [row for code, row in wanted.items() if code not in have]
        if missing:
            connection.execute(insert(table), missing)
