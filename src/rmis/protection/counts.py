"""Referrals counted for policy: by month, need, agency, outcome (state), nationality and BCP,
under the disclosure control every count of rmis passes (rmis.analytics.protect: cells under k
suppressed, and the cells that would let them be worked out from the totals)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, select

from rmis.protection import access
from rmis.protection.model import ProtectionError
from rmis.security import Principal
from rmis.store.schema import referrals

DIMENSIONS = ("month", "need", "agency", "state", "nationality", "bcp")
DEFAULT_K = 5


def referral_counts(
    engine: Engine,
    principal: Principal,
    *,
    by: list[str],
    now: datetime,
    k: int = DEFAULT_K,
    since: date | None = None,
    until: date | None = None,
) -> tuple[list[dict], bool]:
    """One row per cell of `by` with its number of referrals (None where suppressed, with
    `confidential` true); and whether totals must be withheld. No person in it. `since` and
    `until` (both included) bound the day a referral was made: the control is applied to the
    cells of that period alone, as they are published."""
    access.require(principal, access.READ_COUNTS, "count referrals")
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown or not by or len(set(by)) != len(by):
        raise ProtectionError(
            "unknown_dimension", f"by must name some of {list(DIMENSIONS)}, each once", "by"
        )
    if k < 1:
        raise ProtectionError("invalid_k", "k must be at least 1", "k")
    if since is not None and until is not None and since > until:
        raise ProtectionError("invalid_period", "since must not be after until", "since")
    import pandas as pd  # the analytics stack is loaded only by those who count

    from rmis.analytics import protect

    query = select(
        referrals.c.created_at, referrals.c.need, referrals.c.agency, referrals.c.state,
        referrals.c.nationality, referrals.c.bcp_code,
    ).where(referrals.c.host_state == principal.state)  # fmt: skip
    if since is not None:
        query = query.where(referrals.c.created_at >= _start_of(since))
    if until is not None:
        query = query.where(referrals.c.created_at < _start_of(until + timedelta(days=1)))
    with engine.begin() as connection:
        rows = connection.execute(query).all()
        access.audit(connection, principal, "protection.counts", principal.state,
                     "statistics", now, {"by": by, "k": k, "since": _iso(since),
                                         "until": _iso(until)})  # fmt: skip
    frame = pd.DataFrame(
        [(r.created_at.strftime("%Y-%m"), r.need, r.agency, r.state, r.nationality or "XXX",
          r.bcp_code or "-") for r in rows],
        columns=list(DIMENSIONS),
    )  # fmt: skip
    cells = frame.groupby(by, dropna=False).size().rename("referrals").reset_index()
    if cells.empty:
        return [], False
    protected = protect(cells, by, "referrals", [], k)
    out = []
    for (_, row), confidential in zip(
        protected.frame.iterrows(), protected.confidential, strict=True
    ):
        cell = {d: row[d] for d in by}
        cell["referrals"] = None if confidential else int(row["referrals"])
        cell["confidential"] = bool(confidential)
        out.append(cell)
    return out, bool(protected.totals_withheld)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
