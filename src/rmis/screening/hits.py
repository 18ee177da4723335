"""Hits as cases people decide: a hit found by the screen is raised as a case for the officer
at the BCP, who confirms it, dismisses it as not the same person, or escalates it to a
supervisor, each with a reason; a confirmed hit on a list whose owner answers (SIRENE: within
12 hours) waits for that answer, with the time left. Nothing here refuses anyone: a hit is
advice to a person, and the crossing is recorded (or refused) by the registry alone.

A hit dismissed for this person and this entry is not raised again as new while neither side's
data has changed (the entry's content hash, the traveller's data hash): the screen shows it as
"dismissed on DATE by NAME: reason". Every hit raised or shown, every view and every decision
is in the audit log.

Who sees what: border officers and supervisors see and decide their own state's hits (an
escalated hit is a supervisor's to decide); analysts see counts only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import Connection, Engine, func, insert, or_, select, update
from uuid6 import uuid7

from rmis.screening.entries import ListEntry, ListKind
from rmis.screening.subjects import Hit, ScreenedTraveller
from rmis.security import READING_ROLES, AccessDenied, Principal, Role, append_audit
from rmis.store import as_utc
from rmis.store.schema import alert_entries, alert_lists, bcps, hit_decisions, hits, travellers

OPEN, ESCALATED, CONFIRMED, DISMISSED = "open", "escalated", "confirmed", "dismissed"
CONFIRM, DISMISS, ESCALATE, ANSWER = "confirm", "dismiss", "escalate", "answer"
DECISIONS = (CONFIRM, DISMISS, ESCALATE)
_STATUS_OF = {CONFIRM: CONFIRMED, DISMISS: DISMISSED, ESCALATE: ESCALATED}

# Who screens, sees and decides a state's hits; an escalated hit is a supervisor's alone.
HIT_ROLES = frozenset({Role.BORDER_OFFICER, Role.SUPERVISOR})
ESCALATION_ROLES = frozenset({Role.SUPERVISOR})
# Who may see how many hits there are (analysts: nothing more).
COUNT_ROLES = READING_ROLES
MAX_REASON_LENGTH = 2_000
MAX_PAGE = 500

Standing = Literal["new", "open", "dismissed"]


class HitError(ValueError):
    """A decision that cannot be taken (the code says which rule: not_found, already_decided,
    reason_required...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class HitDecision:
    decision: str  # confirm, dismiss, escalate, or answer (the list owner's, as recorded)
    reason: str
    decided_by: str
    role: str
    at: datetime


@dataclass(frozen=True, slots=True)
class HitCase:
    """One hit as a case: what was screened and found, where, and what people said of it."""

    id: UUID
    status: str  # open, escalated, confirmed, dismissed
    raised_at: datetime
    raised_by: str
    host_state: str
    bcp_code: str | None
    check_id: UUID | None
    subject_key: str
    traveller_id: UUID | None
    traveller: dict[str, Any]  # the screened data: names, birth date, sex, nationality, document
    list_name: str
    list_kind: ListKind
    list_owner: str
    list_version: int
    entry_id: str
    entry_hash: str
    score: float
    reasons: tuple[str, ...]
    decided_at: datetime | None
    decided_by: str | None
    reason: str | None
    answer_due: datetime | None
    answered_at: datetime | None
    answered_by: str | None
    answer: str | None
    decisions: tuple[HitDecision, ...] = ()
    # Read by hit_case only: what the list says now, and whether it changed or was withdrawn
    # since the hit was raised.
    entry: ListEntry | None = None
    entry_changed: bool = False
    entry_withdrawn: bool = False

    @property
    def awaiting_answer(self) -> bool:
        return self.answer_due is not None and self.answered_at is None

    def age(self, now: datetime) -> timedelta:
        return as_utc(now) - as_utc(self.raised_at)

    def time_left(self, now: datetime) -> timedelta | None:
        """Until the list owner's answer is due (negative when overdue); None when no answer
        is awaited (not confirmed, the list's owner does not answer, or answered)."""
        if not self.awaiting_answer:
            return None
        return as_utc(self.answer_due) - as_utc(now)

    def dismissal_note(self) -> str | None:
        """ "dismissed on 2026-12-07 by officer.a: not the same person", for a dismissed hit."""
        if self.status != DISMISSED or self.decided_at is None:
            return None
        on = as_utc(self.decided_at).date().isoformat()
        return f"dismissed on {on} by {self.decided_by}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ScreenedHit:
    """A hit the screen found and the case it is: `new` (raised now), `open` (a case still
    undecided on the same data: not raised twice) or `dismissed` (dismissed before on the same
    data: shown with `note`, not raised as new)."""

    hit: Hit
    case: HitCase
    standing: Standing
    note: str | None = None


@dataclass(frozen=True, slots=True)
class HitCounts:
    """A state's hits counted, for analysts (no person in it)."""

    host_state: str
    by_status: dict[str, int]  # open, escalated, confirmed, dismissed
    by_list: dict[str, dict[str, int]]  # list name -> status -> count
    awaiting_answer: int
    overdue_answers: int


def screened_data(traveller: ScreenedTraveller) -> dict[str, Any]:
    """What was screened, as the case keeps it."""
    doc = traveller.document
    return {
        "id": traveller.id,
        "names": list(traveller.names),
        "birth_date": None if traveller.birth_date is None else str(traveller.birth_date),
        "sex": traveller.sex,
        "nationality": traveller.nationality,
        "document": None
        if doc is None
        else {"issuing_state": doc.issuing_state, "number": doc.number, "type": doc.document_type},
    }


def traveller_hash(traveller: ScreenedTraveller) -> str:
    """Changes when the traveller's data changes (not with the caller's id, the order of the
    names, their case or spacing): a dismissed hit comes back as new when it does."""
    data = screened_data(traveller)
    del data["id"]
    data["names"] = sorted({" ".join(n.casefold().split()) for n in traveller.names})
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def subject_key(traveller: ScreenedTraveller, traveller_id: UUID | None = None) -> str:
    """Who a hit is about, the same at every screening of them: the record's traveller when
    known, else the document shown, else the id the caller gave."""
    if traveller_id is not None:
        return f"traveller {traveller_id}"
    doc = traveller.document
    if doc is not None:
        return f"document {doc.issuing_state.upper()} {''.join(doc.number.upper().split())}"
    return f"screened {traveller.id}"


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise HitError("reason_required", "say why: a reason is required")
    if len(reason) > MAX_REASON_LENGTH:
        raise HitError("reason_too_long", f"a reason has at most {MAX_REASON_LENGTH} characters")
    return reason


_CASE = (
    select(hits, alert_lists.c.kind.label("list_kind"), alert_lists.c.owner.label("list_owner"))
    .select_from(hits)
    .join(alert_lists, alert_lists.c.name == hits.c.list_name)
)


def _case(row: Any, decisions: tuple[HitDecision, ...] = ()) -> HitCase:
    return HitCase(
        row.id, row.status, row.raised_at, row.raised_by, row.host_state, row.bcp_code,
        row.check_id, row.subject_key, row.traveller_id, row.traveller, row.list_name,
        ListKind(row.list_kind), row.list_owner, row.list_version, row.entry_id,
        row.entry_hash, row.score, tuple(row.reasons), row.decided_at, row.decided_by,
        row.reason, row.answer_due, row.answered_at, row.answered_by, row.answer, decisions,
    )  # fmt: skip


def _decisions(connection: Connection, hit_id: UUID) -> tuple[HitDecision, ...]:
    rows = connection.execute(
        select(hit_decisions).where(hit_decisions.c.hit_id == hit_id).order_by(hit_decisions.c.seq)
    )
    return tuple(HitDecision(r.decision, r.reason, r.decided_by, r.role, r.at) for r in rows)


def screening_place(connection: Connection, principal: Principal, bcp_code: str | None) -> str:
    """The host state a screening's hits belong to, after checking the principal may screen
    there: at a BCP, whoever may record crossings at it; elsewhere, an officer or supervisor
    for their own state."""
    if bcp_code is None:
        principal.require_role(HIT_ROLES, "screen travellers")
        return principal.state
    state = connection.execute(select(bcps.c.state).where(bcps.c.code == bcp_code)).scalar()
    if state is None:
        raise HitError("unknown_bcp", f"no BCP with code {bcp_code!r}")
    principal.require_recording_at(bcp_code, state)
    return state


def record_hits(
    connection: Connection,
    traveller: ScreenedTraveller,
    found: Sequence[Hit],
    *,
    principal: Principal,
    host_state: str,
    now: datetime,
    traveller_id: UUID | None = None,
    bcp_code: str | None = None,
    check_id: UUID | None = None,
    purpose: str = "screening",
) -> list[ScreenedHit]:
    """Make each hit a case, inside the caller's transaction (call screening_place first).

    A hit on an entry withdrawn meanwhile (the index was built before the withdrawal) is
    dropped: a withdrawn entry stops hitting at once. A hit already open on the same data is
    not raised twice; one dismissed on the same data is shown as dismissed. Each is audited.
    """
    if not found:
        return []
    key = subject_key(traveller, traveller_id)
    keys = [key] if traveller_id is None else _keys_of_person(connection, traveller_id)
    data = screened_data(traveller)
    data_hash = traveller_hash(traveller)
    in_force = _entries_in_force(connection, found)
    out: list[ScreenedHit] = []
    for hit in found:
        entry = in_force.get((hit.list, hit.entry_id))
        if entry is None:
            continue
        entry_hash, list_version = entry
        earlier = _earlier_case(connection, keys, hit, entry_hash, data_hash, host_state)
        if earlier is not None and earlier.status == DISMISSED:
            shown = ScreenedHit(hit, earlier, "dismissed", earlier.dismissal_note())
            action = "hits.dismissed_before"
        elif earlier is not None:
            shown, action = ScreenedHit(hit, earlier, "open"), "hits.seen_again"
        else:
            case_id = uuid7()
            connection.execute(
                insert(hits).values(
                    id=case_id, raised_at=now, raised_by=principal.name, host_state=host_state,
                    bcp_code=bcp_code, check_id=check_id, subject_key=key,
                    traveller_id=traveller_id, traveller=data, traveller_hash=data_hash,
                    list_name=hit.list, list_version=list_version, entry_id=hit.entry_id,
                    entry_hash=entry_hash, score=float(hit.score), reasons=list(hit.reasons),
                    status=OPEN,
                )
            )  # fmt: skip
            row = connection.execute(_CASE.where(hits.c.id == case_id)).one()
            shown, action = ScreenedHit(hit, _case(row), "new"), "hits.raise"
        append_audit(
            connection, at=now, principal=principal.name, action=action,
            subject=str(shown.case.id), purpose=purpose,
            detail={"traveller": key, "list": hit.list, "entry_id": hit.entry_id,
                    "score": round(float(hit.score), 4), "bcp": bcp_code,
                    "check_id": None if check_id is None else str(check_id)},
        )  # fmt: skip
        out.append(shown)
    return out


def _entries_in_force(
    connection: Connection, found: Sequence[Hit]
) -> dict[tuple[str, str], tuple[str, int]]:
    """(list, entry id) -> (content hash, list version) of the hit entries still listed."""
    wanted = {(h.list, h.entry_id) for h in found}
    rows = connection.execute(
        select(
            alert_entries.c.list_name,
            alert_entries.c.entry_id,
            alert_entries.c.content_hash,
            alert_lists.c.version,
        )
        .join(alert_lists, alert_lists.c.name == alert_entries.c.list_name)
        .where(
            alert_entries.c.withdrawn_in.is_(None)
            & alert_entries.c.list_name.in_(sorted({w[0] for w in wanted}))
            & alert_entries.c.entry_id.in_(sorted({w[1] for w in wanted}))
        )
    )
    return {(n, e): (h, v) for n, e, h, v in rows if (n, e) in wanted}


def _keys_of_person(connection: Connection, traveller_id: UUID) -> list[str]:
    """The subject keys a person's hits may be under: their id and every id merged into it
    (a dismissal made before two records were found to be one person still stands)."""
    ids, frontier = [traveller_id], [traveller_id]
    while frontier:
        merged = connection.execute(
            select(travellers.c.id).where(travellers.c.merged_into.in_(frontier))
        ).scalars()
        frontier = [t for t in merged if t not in ids]
        ids += frontier
    return [f"traveller {t}" for t in ids]


def _earlier_case(
    connection: Connection,
    keys: Sequence[str],
    hit: Hit,
    entry_hash: str,
    data_hash: str,
    host_state: str,
) -> HitCase | None:
    """The case that stands for this hit already: the latest dismissed or still undecided one
    of this state on the same entry data and traveller data, if any."""
    row = connection.execute(
        _CASE.where(
            hits.c.subject_key.in_(list(keys))
            & (hits.c.list_name == hit.list)
            & (hits.c.entry_id == hit.entry_id)
            & (hits.c.entry_hash == entry_hash)
            & (hits.c.traveller_hash == data_hash)
            & (hits.c.host_state == host_state)
            & hits.c.status.in_([DISMISSED, OPEN, ESCALATED])
        )
        .order_by(
            # A dismissal stands before an undecided case, the latest first.
            (hits.c.status == DISMISSED).desc(),
            hits.c.raised_at.desc(),
        )
        .limit(1)
    ).first()
    return None if row is None else _case(row)


def _own_case(connection: Connection, principal: Principal, hit_id: UUID) -> HitCase:
    row = connection.execute(
        _CASE.where((hits.c.id == hit_id) & (hits.c.host_state == principal.state))
    ).first()
    if row is None:
        raise HitError("not_found", f"no hit {hit_id} in {principal.state}")
    return _case(row, _decisions(connection, hit_id))


def hit_case(
    engine: Engine, principal: Principal, hit_id: UUID, *, now: datetime, purpose: str
) -> HitCase:
    """One hit of the principal's state with every decision on it and what the list says of
    the entry now (HitCase.entry, .entry_changed, .entry_withdrawn). Audited."""
    principal.require_role(HIT_ROLES, "see hits")
    with engine.begin() as connection:
        case = _own_case(connection, principal, hit_id)
        listed = connection.execute(
            select(
                alert_entries.c.content, alert_entries.c.content_hash, alert_entries.c.withdrawn_in
            ).where(
                (alert_entries.c.list_name == case.list_name)
                & (alert_entries.c.entry_id == case.entry_id)
            )
        ).first()
        if listed is not None:
            case = replace(
                case,
                entry=ListEntry.from_json(listed.content),
                entry_changed=listed.content_hash != case.entry_hash,
                entry_withdrawn=listed.withdrawn_in is not None,
            )
        append_audit(connection, at=now, principal=principal.name, action="hits.view",
                     subject=str(hit_id), purpose=purpose)  # fmt: skip
    return case


def decide_hit(
    engine: Engine,
    principal: Principal,
    hit_id: UUID,
    decision: str,
    reason: str,
    *,
    now: datetime,
) -> HitCase:
    """confirm (the traveller is the listed person or document), dismiss (not the same), or
    escalate (to a supervisor), with a reason. An officer decides an open hit; a supervisor an
    open or escalated one. Confirming starts the list owner's time to answer, when the list's
    owner answers. Nothing is refused or recorded at the border by this. Audited.

    Raises HitError (not_found, already_decided, reason_required, bad_decision...) and
    AccessDenied (a role that may not, an officer deciding an escalated hit).
    """
    principal.require_role(HIT_ROLES, "decide hits")
    if decision not in DECISIONS:
        raise HitError(
            "bad_decision", f"a decision is confirm, dismiss or escalate, not {decision!r}"
        )
    reason = _require_reason(reason)
    with engine.begin() as connection:
        case = _own_case(connection, principal, hit_id)
        if case.status in (CONFIRMED, DISMISSED):
            raise HitError("already_decided", f"hit {hit_id} was {case.status} already")
        if case.status == ESCALATED and principal.role not in ESCALATION_ROLES:
            raise AccessDenied(
                "escalated_to_supervisor", f"hit {hit_id} is escalated: a supervisor decides it"
            )
        if decision == ESCALATE and principal.role in ESCALATION_ROLES:
            raise HitError("cannot_escalate", "a supervisor decides: confirm or dismiss")
        status = _STATUS_OF[decision]
        values: dict[str, Any] = {"status": status, "decided_at": now,
                                  "decided_by": principal.name, "reason": reason}  # fmt: skip
        if decision == CONFIRM:
            hours = connection.execute(
                select(alert_lists.c.answer_hours).where(alert_lists.c.name == case.list_name)
            ).scalar()
            if hours is not None:
                values["answer_due"] = now + timedelta(hours=hours)
        taken = connection.execute(
            update(hits)
            .where((hits.c.id == hit_id) & (hits.c.status == case.status))
            .values(values)
        ).rowcount
        if taken != 1:
            raise HitError("already_decided", f"hit {hit_id} was decided meanwhile")
        _add_decision(connection, principal, hit_id, decision, reason, now)
        append_audit(
            connection, at=now, principal=principal.name, action=f"hits.{decision}",
            subject=str(hit_id), purpose="decide a hit",
            detail={"from": case.status, "to": status, "reason": reason,
                    "list": case.list_name, "entry_id": case.entry_id,
                    "answer_due": values.get("answer_due")},
        )  # fmt: skip
        return _own_case(connection, principal, hit_id)


def record_answer(
    engine: Engine, principal: Principal, hit_id: UUID, answer: str, *, now: datetime
) -> HitCase:
    """The list owner's answer to a confirmed hit (what they said, as the officer or supervisor
    who received it writes it). Audited. HitError 'no_answer_awaited' when none is awaited."""
    principal.require_role(HIT_ROLES, "record a list owner's answer")
    answer = _require_reason(answer)
    with engine.begin() as connection:
        case = _own_case(connection, principal, hit_id)
        if not case.awaiting_answer:
            raise HitError(
                "no_answer_awaited", f"hit {hit_id} awaits no answer from its list's owner"
            )
        taken = connection.execute(
            update(hits)
            .where((hits.c.id == hit_id) & hits.c.answered_at.is_(None))
            .values(answered_at=now, answered_by=principal.name, answer=answer)
        ).rowcount
        if taken != 1:
            raise HitError("no_answer_awaited", f"hit {hit_id} was answered meanwhile")
        _add_decision(connection, principal, hit_id, ANSWER, answer, now)
        late = as_utc(now) > as_utc(case.answer_due)  # type: ignore[arg-type]
        append_audit(
            connection, at=now, principal=principal.name, action="hits.answer",
            subject=str(hit_id), purpose="record the list owner's answer",
            detail={"answer": answer, "due": case.answer_due, "late": late},
        )  # fmt: skip
        return _own_case(connection, principal, hit_id)


def _add_decision(
    connection: Connection, principal: Principal, hit_id: UUID, decision: str, reason: str,
    now: datetime,
) -> None:  # fmt: skip
    connection.execute(
        insert(hit_decisions).values(hit_id=hit_id, decision=decision, reason=reason,
                                     decided_by=principal.name, role=principal.role.value, at=now)
    )  # fmt: skip


def _still_open():
    return or_(
        hits.c.status.in_([OPEN, ESCALATED]),
        (hits.c.status == CONFIRMED)
        & hits.c.answer_due.is_not(None)
        & hits.c.answered_at.is_(None),
    )


def open_hits(
    engine: Engine,
    principal: Principal,
    now: datetime,
    *,
    purpose: str = "open hits",
    limit: int = 100,
) -> list[HitCase]:
    """The principal's state's hits still waiting for someone (open, escalated, or confirmed
    and waiting for the list owner's answer), oldest first; each gives its age and the time
    left for the owner's answer (HitCase.age, .time_left). For supervisors and officers;
    analysts see counts only (hit_counts). Audited."""
    if principal.role not in HIT_ROLES:
        raise AccessDenied(
            "role_not_allowed", f"role {principal.role} sees hit counts only, not hits"
        )
    with engine.begin() as connection:
        rows = connection.execute(
            _CASE.where((hits.c.host_state == principal.state) & _still_open())
            .order_by(hits.c.raised_at, hits.c.id)
            .limit(max(1, min(limit, MAX_PAGE)))
        ).all()
        found = [_case(r) for r in rows]
        append_audit(
            connection, at=now, principal=principal.name, action="hits.open",
            subject=",".join(str(c.id) for c in found) or "-", purpose=purpose,
        )  # fmt: skip
    return found


def hit_counts(engine: Engine, principal: Principal, now: datetime) -> HitCounts:
    """How many hits the principal's state has, by status and by list, and how many answers of
    list owners are awaited and overdue: no traveller in it. Audited."""
    principal.require_role(COUNT_ROLES, "count hits")
    state = principal.state
    with engine.begin() as connection:
        by_list: dict[str, dict[str, int]] = {}
        by_status = dict.fromkeys((OPEN, ESCALATED, CONFIRMED, DISMISSED), 0)
        for list_name, status, count in connection.execute(
            select(hits.c.list_name, hits.c.status, func.count())
            .where(hits.c.host_state == state)
            .group_by(hits.c.list_name, hits.c.status)
        ):
            by_list.setdefault(list_name, {})[status] = count
            by_status[status] += count
        awaiting = (
            (hits.c.host_state == state)
            & hits.c.answer_due.is_not(None)
            & hits.c.answered_at.is_(None)
        )
        waiting = connection.execute(select(func.count()).where(awaiting)).scalar_one()
        overdue = connection.execute(
            select(func.count()).where(awaiting & (hits.c.answer_due < now))
        ).scalar_one()
        counts = HitCounts(state, by_status, by_list, waiting, overdue)
        append_audit(connection, at=now, principal=principal.name, action="hits.counts",
                     subject=state, purpose="count hits",
                     detail={"by_status": by_status, "overdue": overdue})  # fmt: skip
    return counts
