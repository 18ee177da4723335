"""An asylum seeker is lawfully present while their claim is pending: not an overstayer.

The basis is permit-like, with its dates (`asylum_permits`: PermitKind.ASYLUM, which the stay
engine accepts under every rule): from the day the asylum referral was made, while it is in
progress or accepted, to the day it was rejected, revoked or done (a status granted is then
recorded as the permit the state issues). The registry adds it to every timeline it builds
(the check, stay status, overstays). `without_asylum_seekers` is the one small step a place
that gives overstay verdicts from elsewhere (the warehouse's analyses) calls, to report their
stays apart rather than as overstays.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from uuid import UUID

from sqlalchemy import Connection, func, or_, select

from rmis.protection.model import PENDING
from rmis.stay import OverstayReport, Permit, PermitKind
from rmis.store import as_utc
from rmis.store.schema import referrals, travellers

_WHO = func.coalesce(travellers.c.merged_into, referrals.c.traveller_id)


def asylum_permits(
    connection: Connection, host_state: str, traveller_id: UUID | None = None
) -> dict[UUID, list[Permit]]:
    """Traveller (after merges) -> their asylum claims in the host state as permit-like bases:
    open-ended while pending, to the day it closed otherwise."""
    query = (
        select(
            _WHO.label("who"),
            referrals.c.id,
            referrals.c.state,
            referrals.c.created_at,
            referrals.c.updated_at,
        )
        .join(travellers, travellers.c.id == referrals.c.traveller_id)
        .where((referrals.c.host_state == host_state) & (referrals.c.need == "asylum"))
    )
    if traveller_id is not None:
        query = query.where(
            or_(referrals.c.traveller_id == traveller_id, travellers.c.merged_into == traveller_id)
        )
    bases: dict[UUID, list[Permit]] = defaultdict(list)
    for row in connection.execute(query):
        since = as_utc(row.created_at).date()
        until = date.max if row.state in PENDING else as_utc(row.updated_at).date()
        bases[row.who].append(
            Permit(PermitKind.ASYLUM, since, max(since, until), reference=f"referral {row.id}")
        )
    return dict(bases)


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
