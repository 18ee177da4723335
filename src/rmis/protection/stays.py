"""An asylum seeker is lawfully present while their claim is pending: not an overstayer.

The basis runs from the day the asylum referral was made (in progress or accepted) as a
permit-like basis would; their stay is reported apart, as asylum seekers, never as overstays.
`without_asylum_seekers` is the one small step every place that gives overstay verdicts calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from sqlalchemy import Connection, func, select

from rmis.protection.model import PENDING
from rmis.stay import OverstayReport
from rmis.store.schema import referrals, travellers


def asylum_seekers_on(connection: Connection, host_state: str, on: date) -> dict[str, date]:
    """Traveller id (text, after merges) -> the day their pending asylum claim was made, for
    claims made on or before `on` in the host state."""
    query = (
        select(
            func.coalesce(travellers.c.merged_into, referrals.c.traveller_id).label("who"),
            referrals.c.created_at,
        )
        .join(travellers, travellers.c.id == referrals.c.traveller_id)
        .where(referrals.c.host_state == host_state)
        .where(referrals.c.need == "asylum")
        .where(referrals.c.state.in_(PENDING))
    )
    seekers: dict[str, date] = {}
    for who, created_at in connection.execute(query):
        since = created_at.date()
        if since <= on:
            key = str(who)
            seekers[key] = min(since, seekers.get(key, since))
    return seekers


def without_asylum_seekers(
    report: OverstayReport, seekers: Mapping[str, date]
) -> tuple[OverstayReport, tuple]:
    """The report without the open stays of people whose claim is pending on its day, and
    those stays apart (OpenOverstay rows: reported as asylum seekers, not overstayers)."""
    kept = tuple(o for o in report.open if o.traveller not in seekers)
    apart = tuple(o for o in report.open if o.traveller in seekers)
    return replace(report, open=kept), apart
