"""Non-refoulement: nobody whose asylum claim is pending is refused entry, removed or banned.

While an asylum referral of the person is in progress or accepted, recording a refusal of
entry (or, where the record holds them, a removal or a re-entry ban) is refused with
NonRefoulement (problem code `non_refoulement`). The registry calls this inside its recording
transaction, so the API, the pages and the bulk import all pass through it; reading the
referrals table there is the only protection data recording touches, and it writes none.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, and_, exists, select

from rmis.protection.model import PENDING, NonRefoulement
from rmis.store.schema import referrals, travellers

_PENDING_ASYLUM = (referrals.c.need == "asylum") & referrals.c.state.in_(PENDING)
_MERGED = travellers.alias("merged")


def pending_claims(connection: Connection, traveller_ids: Iterable[UUID]) -> set[UUID]:
    """Of these people, those with an asylum claim pending (a referral of theirs, or of an id
    merged into theirs, in progress or accepted)."""
    ids = list(dict.fromkeys(traveller_ids))
    if not ids:
        return set()
    direct = select(referrals.c.traveller_id).where(
        _PENDING_ASYLUM & referrals.c.traveller_id.in_(ids)
    )
    merged = (
        select(_MERGED.c.merged_into)
        .join(referrals, referrals.c.traveller_id == _MERGED.c.id)
        .where(_PENDING_ASYLUM & _MERGED.c.merged_into.in_(ids))
    )
    return set(connection.execute(direct.union(merged)).scalars())


def has_pending_claim(traveller_id: ColumnElement) -> ColumnElement[bool]:
    """SQL for "this traveller has an asylum claim pending", for set-based callers (the bulk
    import judges a whole chunk in one statement)."""
    merged = _MERGED
    return exists().where(_PENDING_ASYLUM & (referrals.c.traveller_id == traveller_id)) | exists(
        select(merged.c.id)
        .join(referrals, referrals.c.traveller_id == merged.c.id)
        .where(and_(_PENDING_ASYLUM, merged.c.merged_into == traveller_id))
    )


def guard_return(connection: Connection, traveller_ids: Iterable[UUID], action: str) -> None:
    """Raise NonRefoulement when any of these people has an asylum claim pending. `action`
    names what would return them: "refusal of entry", "removal", "re-entry ban"."""
    blocked = pending_claims(connection, traveller_ids)
    if blocked:
        raise NonRefoulement(sorted(blocked), action)
