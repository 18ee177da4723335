"""The regional hub's service: nodes registered with their public keys, submissions received
(verified, held to the agreements, recorded once, versions kept), the region's figures.

Every refusal is a `Refused` with the HTTP status the hub's API answers with; nothing refused
is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, and_, func, insert, select

from rmis.exchange import regional
from rmis.exchange.aggregates import DATAFLOWS, period_days, read_payload
from rmis.exchange.agreements import Agreements
from rmis.exchange.journeys import KEY_COLUMNS, link, read_keys
from rmis.exchange.signing import KeyProblem, read_public_key
from rmis.exchange.submission import BadSubmission, Submission
from rmis.store.schema import exchange_nodes, exchange_submissions

TOTAL = "_T"


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class Receipt:
    digest: str
    recorded: bool  # False: the hub had it already (a resend)
    in_force: bool  # the newest version of its sender's dataflow and period


def register_node(engine: Engine, state: str, public_key: str, now: datetime) -> None:
    """Register (or re-key) a node. Its earlier submissions stay, verified as they were."""
    read_public_key(public_key)
    with engine.begin() as c:
        found = c.execute(select(exchange_nodes.c.state).where(exchange_nodes.c.state == state))
        if found.first():
            c.execute(
                exchange_nodes.update()
                .where(exchange_nodes.c.state == state)
                .values(public_key=public_key.strip(), registered_at=now)
            )
        else:
            c.execute(
                insert(exchange_nodes).values(
                    state=state, public_key=public_key.strip(), registered_at=now
                )
            )


def receive(
    engine: Engine, agreements: Agreements, submission: Submission, now: datetime
) -> Receipt:
    try:
        fields = submission.fields()
    except BadSubmission as error:
        raise Refused(400, str(error)) from error
    digest, sender = submission.digest, fields["sender"]
    with engine.begin() as c:
        key = c.execute(
            select(exchange_nodes.c.public_key).where(exchange_nodes.c.state == sender)
        ).scalar()
        if key is None:
            raise Refused(403, f"{sender} is not a registered node")
        try:
            ok = submission.verified_by(key)
        except KeyProblem:
            ok = False
        if not ok:
            raise Refused(401, f"the signature does not verify against {sender}'s registered key")
        agreement = agreements.covering(
            sender, fields["kind"], fields["dataflow"], fields["period"]
        )
        if agreement is None or agreement.id != fields["agreement"]:
            raise Refused(
                403,
                f"no agreement lets {sender} send {fields['kind']} "
                f"{fields['dataflow']} for {fields['period']}",
            )
        _check_payload(fields, agreement.suppress_below)
        s = exchange_submissions.c
        if c.execute(select(s.digest).where(s.digest == digest)).first():
            return Receipt(digest, False, _in_force(c, fields, digest))
        same = and_(
            s.sender == sender, s.dataflow == fields["dataflow"], s.period == fields["period"]
        )
        clash = c.execute(select(s.digest).where(same, s.version == fields["version"])).first()
        if clash:
            raise Refused(
                409,
                f"version {fields['version']} of {fields['dataflow']} "
                f"{fields['period']} was sent with other content",
            )
        c.execute(
            insert(exchange_submissions).values(
                digest=digest,
                sender=sender,
                agreement=agreement.id,
                kind=fields["kind"],
                dataflow=fields["dataflow"],
                period=fields["period"],
                version=fields["version"],
                envelope=submission.envelope,
                signature=submission.signature,
                received_at=now,
            )
        )
        return Receipt(digest, True, _in_force(c, fields, digest))


def _in_force(c, fields: dict, digest: str) -> bool:
    s = exchange_submissions.c
    newest = c.execute(
        select(s.digest)
        .where(
            s.sender == fields["sender"],
            s.dataflow == fields["dataflow"],
            s.period == fields["period"],
        )
        .order_by(s.version.desc())
        .limit(1)
    ).scalar()
    return newest == digest


def _check_payload(fields: dict, k: int) -> None:
    """A node sends only its own figures, only for the period it names, suppressed at the
    agreement's k; journey keys carry no identity in the clear."""
    sender, dataflow, period = fields["sender"], fields["dataflow"], fields["period"]
    if fields["kind"] == "journey_keys":
        try:
            keys = read_keys(fields["payload"])
        except ValueError as error:
            raise Refused(422, f"journey keys: {error}") from error
        if set(keys.host_state) - {sender}:
            raise Refused(422, f"{sender} may send journey keys of its own crossings only")
        first, last = period_days(period)
        days = pd.to_datetime(keys.local_date)
        if len(keys) and (days.min().date() < first or days.max().date() > last):
            raise Refused(422, f"the payload has days outside {period}")
        return
    try:
        frame = read_payload(fields["payload"])
    except Exception as error:  # pandas raises many kinds on bad CSV
        raise Refused(422, f"the payload is not SDMX-CSV: {error}") from error
    need = {"DATAFLOW", "HOST_STATE", "TIME_PERIOD", "MEASURE", "OBS_VALUE", "CONF_STATUS"}
    if missing := need - set(frame.columns):
        raise Refused(422, f"the payload lacks {', '.join(sorted(missing))}")
    if set(frame.DATAFLOW) - {f"RMIS:{dataflow}(1.0)"}:
        raise Refused(422, f"the payload is not all {dataflow}")
    if set(frame.HOST_STATE) - {sender, TOTAL}:
        raise Refused(422, f"{sender} may send figures of its own state only")
    if set(frame.TIME_PERIOD) - {period}:
        raise Refused(422, f"the payload has periods other than {period}")
    if (
        set(frame.CONF_STATUS) - {"F", "C"}
        or (frame.OBS_VALUE[frame.CONF_STATUS == "C"] != "").any()
    ):
        raise Refused(422, "a confidential cell must be sent without its value")
    people = DATAFLOWS[dataflow].people
    cells = frame[(people == frame.MEASURE) & (frame.CONF_STATUS == "F")]
    cells = cells[~_is_total(cells)]
    values = pd.to_numeric(cells.OBS_VALUE, errors="coerce")
    if values.isna().any():
        raise Refused(422, "a free cell has no number")
    if ((values > 0) & (values < k)).any():
        raise Refused(422, f"cells of fewer than {k} people must be suppressed (the agreement)")


def _is_total(frame: pd.DataFrame) -> pd.Series:
    dims = [
        c
        for c in frame.columns
        if c not in ("DATAFLOW", "TIME_PERIOD", "MEASURE", "OBS_VALUE", "CONF_STATUS")
    ]
    return (frame[dims] == TOTAL).any(axis=1)


def history(engine: Engine, sender: str | None = None, dataflow: str | None = None) -> list[dict]:
    """Every submission the hub holds (no payloads), oldest first, with whether it is in force."""
    s = exchange_submissions.c
    query = select(
        s.digest, s.sender, s.agreement, s.kind, s.dataflow, s.period, s.version, s.received_at
    )
    if sender:
        query = query.where(s.sender == sender)
    if dataflow:
        query = query.where(s.dataflow == dataflow)
    newest = (
        select(s.sender, s.dataflow, s.period, func.max(s.version).label("v"))
        .group_by(s.sender, s.dataflow, s.period)
        .subquery()
    )
    with engine.connect() as c:
        tops = {(r.sender, r.dataflow, r.period): r.v for r in c.execute(select(newest))}
        rows = c.execute(query.order_by(s.received_at, s.digest)).mappings().all()
    return [
        {
            **row,
            "received_at": row["received_at"].isoformat(),
            "in_force": tops[(row["sender"], row["dataflow"], row["period"])] == row["version"],
        }
        for row in rows
    ]


def in_force(engine: Engine, kind: str, dataflow: str, period: str | None = None) -> list[dict]:
    """The fields of the newest version of each sender's `dataflow` (and period)."""
    s = exchange_submissions.c
    conditions = [s.kind == kind, s.dataflow == dataflow]
    if period:
        conditions.append(s.period == period)
    with engine.connect() as c:
        rows = c.execute(
            select(s.sender, s.period, s.version, s.envelope)
            .where(*conditions)
            .order_by(s.sender, s.period, s.version)
        ).all()
    newest: dict[tuple[str, str], str] = {}
    for row in rows:
        newest[(row.sender, row.period)] = row.envelope
    return [Submission(envelope, "").fields() for envelope in newest.values()]


def figures(engine: Engine, dataflow: str, period: str | None = None) -> pd.DataFrame:
    """The region's table of `dataflow`: every node's cells and totals in force, as sent."""
    parts = [read_payload(f["payload"]) for f in in_force(engine, "aggregates", dataflow, period)]
    if not parts:
        return pd.DataFrame(
            columns=["DATAFLOW", "HOST_STATE", "TIME_PERIOD", "MEASURE", "OBS_VALUE", "CONF_STATUS"]
        )
    return pd.concat(parts, ignore_index=True)


def regional_totals(engine: Engine, dataflow: str, period: str | None = None) -> pd.DataFrame:
    """Per period and measure, the region's total: the sum of the nodes' own grand totals."""
    frame = figures(engine, dataflow, period)
    dims = [
        c
        for c in frame.columns
        if c not in ("DATAFLOW", "TIME_PERIOD", "MEASURE", "OBS_VALUE", "CONF_STATUS")
    ]
    grand = frame[(frame[dims] == TOTAL).all(axis=1)] if dims else frame.iloc[0:0]
    grand = grand.assign(OBS_VALUE=pd.to_numeric(grand.OBS_VALUE))
    out = grand.groupby(["TIME_PERIOD", "MEASURE"], as_index=False).OBS_VALUE.sum()
    return out.rename(columns={"OBS_VALUE": "total"})


def journey_keys(engine: Engine, agreements: Agreements, period: str | None = None) -> pd.DataFrame:
    """Every node's journey keys in force, with the agreement each came under."""
    parts = []
    for fields in in_force(engine, "journey_keys", "RMIS_JOURNEY_KEYS", period):
        keys = read_keys(fields["payload"])
        parts.append(keys.assign(agreement=fields["agreement"]))
    if not parts:
        return pd.DataFrame(columns=["agreement", *KEY_COLUMNS])
    return pd.concat(parts, ignore_index=True)


def _strictest_k(agreements: Agreements) -> int:
    """The k the hub's journey tables are suppressed at: the largest any journey agreement sets."""
    ks = [a.suppress_below for a in agreements.items if a.kind == "journey_keys"]
    return max(ks, default=5)


def _linked(engine: Engine, agreements: Agreements, period: str | None, linker=None):
    keys = journey_keys(engine, agreements, period)
    links, traced = regional.linked(keys, linker or link)
    return keys, links, traced, _strictest_k(agreements)


def journeys(
    engine: Engine, agreements: Agreements, period: str | None = None, linker=None
) -> pd.DataFrame:
    """Journeys across the region by the states they passed, most travelled first."""
    _, _, traced, k = _linked(engine, agreements, period, linker)
    return regional.journeys_by_path(traced, k)


def corridors(
    engine: Engine, agreements: Agreements, period: str | None = None, linker=None
) -> pd.DataFrame:
    """Linked border crossings per month and corridor (from, to)."""
    _, links, _, k = _linked(engine, agreements, period, linker)
    return regional.corridors(links, k)


def transit(
    engine: Engine, agreements: Agreements, period: str | None = None, linker=None
) -> pd.DataFrame:
    """Per month and state, the journeys that passed through it."""
    _, _, traced, k = _linked(engine, agreements, period, linker)
    return regional.transit(traced, k)


def mirror(
    engine: Engine, agreements: Agreements, period: str | None = None, linker=None
) -> pd.DataFrame:
    """Mirror statistics on land borders, with the journeys that explain them."""
    keys, links, _, k = _linked(engine, agreements, period, linker)
    return regional.mirror(keys.drop(columns="agreement"), links, k)


def warnings(engine: Engine, agreements: Agreements, on=None) -> pd.DataFrame:
    """Regional early warning on the journey keys' daily arrivals (all periods held)."""
    keys = journey_keys(engine, agreements)
    return regional.early_warning(keys.drop(columns="agreement"), on)
