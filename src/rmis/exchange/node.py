"""A national node's side of the exchange: what its agreements allow is counted, signed and
put in its outbox; the outbox is sent to the hub when the hub can be reached (store and
forward). A row leaves the outbox only when the hub answered that it has it, so a node that
was offline loses nothing and, the hub recording a resend once, duplicates nothing."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, insert, select, update

from rmis.exchange.agreements import Agreement, Agreements
from rmis.exchange.submission import Submission, make_submission
from rmis.store.schema import exchange_outbox

# post(body) -> (HTTP status, answer); raises OSError when the hub cannot be reached.
Post = Callable[[dict], tuple[int, dict]]


@dataclass
class Sent:
    delivered: list[str] = field(default_factory=list)  # digests the hub now has
    refused: list[tuple[str, str]] = field(default_factory=list)  # (digest, the hub's reason)
    waiting: int = 0  # left in the outbox: the hub could not be reached
    offline: str | None = None


def queue(
    engine: Engine,
    key: Ed25519PrivateKey,
    sender: str,
    agreement: Agreement,
    dataflow: str,
    period: str,
    payload: str,
    now: datetime,
) -> str | None:
    """Sign `payload` as the next version of (dataflow, period) and put it in the outbox;
    None when it is what the newest version already says (nothing new to send)."""
    o = exchange_outbox.c
    with engine.begin() as c:
        last = c.execute(
            select(o.version, o.envelope)
            .where(o.dataflow == dataflow, o.period == period)
            .order_by(o.version.desc())
            .limit(1)
        ).first()
        if last and json.loads(last.envelope)["payload"] == payload:
            return None
        submission = make_submission(
            key,
            sender=sender,
            agreement=agreement.id,
            kind=agreement.kind,
            dataflow=dataflow,
            period=period,
            version=(last.version + 1) if last else 1,
            created=now.isoformat(),
            payload=payload,
        )
        c.execute(
            insert(exchange_outbox).values(
                digest=submission.digest,
                dataflow=dataflow,
                period=period,
                version=(last.version + 1) if last else 1,
                envelope=submission.envelope,
                signature=submission.signature,
                created_at=now,
                attempts=0,
            )
        )
        return submission.digest


def periods(agreement: Agreement, first: date, last: date) -> list[str]:
    """The agreement's periods from the one holding `first` to the one holding `last`."""
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        period = f"{year:04d}-{month:02d}" if agreement.granularity == "month" else f"{year:04d}"
        start = agreement.period_start(period)
        inside = (
            start and start >= agreement.start and (agreement.end is None or start <= agreement.end)
        )
        if inside and period not in out:
            out.append(period)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def prepare(
    engine: Engine,
    key: Ed25519PrivateKey,
    sender: str,
    agreements: Agreements,
    warehouse,
    first: date,
    last: date,
    rules,
    now: datetime,
    secret_of: Callable[[Agreement], object] | None = None,
) -> list[str]:
    """Count, protect and queue every aggregate `sender`'s agreements allow from `first` to
    `last`, and encode its journey keys under each journey agreement's secret (`secret_of`).
    Returns the digests queued (periods unchanged since their last version add none)."""
    from rmis.exchange.aggregates import count, payload

    queued = []
    for agreement in agreements.of_sender(sender):
        if agreement.kind == "journey_keys":
            if secret_of is None:
                raise ValueError(f"agreement {agreement.id} needs its linkage secret")
            secret = secret_of(agreement)
            queued += _journey_keys(engine, key, sender, agreement, first, last, now, secret)
            continue
        for dataflow in agreement.dataflows:
            for period in periods(agreement, first, last):
                truth = count(warehouse, dataflow, period, rules)
                text = payload(truth, dataflow, period, agreement.suppress_below)
                digest = queue(engine, key, sender, agreement, dataflow, period, text, now)
                if digest:
                    queued.append(digest)
    return queued


def _journey_keys(engine, key, sender, agreement, first, last, now, secret) -> list[str]:
    """Each period's journey keys of the node's admitted crossings, as one submission."""
    from rmis.exchange.aggregates import period_days
    from rmis.exchange.journeys import encode, write_keys
    from rmis.exchange.record import crossings_to_encode

    queued = []
    for period in periods(agreement, first, last):
        start, end = period_days(period)
        rows = crossings_to_encode(engine, max(start, first), min(end, last))
        if rows.empty:
            continue
        text = write_keys(encode(rows, secret))
        digest = queue(engine, key, sender, agreement, agreement.dataflows[0], period, text, now)
        if digest:
            queued.append(digest)
    return queued


def pending(engine: Engine) -> list[dict]:
    o = exchange_outbox.c
    with engine.connect() as c:
        rows = c.execute(
            select(
                o.digest, o.dataflow, o.period, o.version, o.created_at, o.attempts, o.last_error
            )
            .where(o.sent_at.is_(None))
            .order_by(o.created_at, o.dataflow, o.period, o.version)
        ).mappings()
        return [dict(r) for r in rows]


def send(engine: Engine, post: Post, now: datetime) -> Sent:
    """Send the outbox, oldest first; stop at the first failure to reach the hub."""
    o = exchange_outbox.c
    result = Sent()
    with engine.connect() as c:
        rows = c.execute(
            select(o.digest, o.envelope, o.signature)
            .where(o.sent_at.is_(None))
            .order_by(o.created_at, o.dataflow, o.period, o.version)
        ).all()
    for i, row in enumerate(rows):
        try:
            status, answer = post(Submission(row.envelope, row.signature).as_json())
        except OSError as error:
            _note(engine, row.digest, str(error))
            result.waiting, result.offline = len(rows) - i, str(error)
            return result
        if status in (200, 201):
            with engine.begin() as c:
                c.execute(
                    update(exchange_outbox)
                    .where(o.digest == row.digest)
                    .values(sent_at=now, attempts=o.attempts + 1, last_error=None)
                )
            result.delivered.append(row.digest)
        elif status >= 500:  # the hub is there but failing: like offline, try again later
            _note(engine, row.digest, f"{status}: {answer.get('detail')}")
            result.waiting, result.offline = len(rows) - i, f"the hub answered {status}"
            return result
        else:  # refused: stays in the outbox, marked, for a person to look at
            reason = f"{status}: {answer.get('detail')}"
            _note(engine, row.digest, reason)
            result.refused.append((row.digest, reason))
    return result


def _note(engine: Engine, digest: str, error: str) -> None:
    o = exchange_outbox.c
    with engine.begin() as c:
        c.execute(
            update(exchange_outbox)
            .where(o.digest == digest)
            .values(attempts=o.attempts + 1, last_error=error[:2000])
        )


def http_post(hub_url: str, timeout: float = 60.0) -> Post:
    """A Post to the hub at `hub_url` (http:// or https://; TLS where deployed)."""
    url = hub_url.rstrip("/") + "/hub/v1/submissions"

    def post(body: dict) -> tuple[int, dict]:
        data = json.dumps(body).encode()
        request = urllib.request.Request(
            url, data=data, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            try:
                answer = json.loads(error.read() or b"{}")
            except ValueError:
                answer = {}
            return error.code, answer
        # URLError (refused, unreachable) is an OSError: the caller keeps the row for later.

    return post
