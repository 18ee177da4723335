"""Alert lists in the record: importing a list (a re-import is its next version, counted as
what it added, changed and withdrew), the lists in force, and the entries the screen indexes.

An entry missing from the newest version is withdrawn in the same transaction that loads the
version, so it stops hitting as soon as the import commits; it is kept (with the version that
left it out), since hits raised on it name it. A malformed entry is kept in the version's
record with its position and reason, and the rest of the list loads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Text,
    bindparam,
    cast,
    func,
    insert,
    select,
    update,
)

from rmis.screening.entries import ListEntry, ListKind, MalformedEntry, json_hash
from rmis.security import Principal, Role, append_audit
from rmis.store.schema import alert_entries, alert_list_versions, alert_lists

# How long a list's owner has to answer a confirmed hit, by kind, unless the import says
# otherwise. SIRENE bureaux answer within 12 hours (wanted and missing persons, documents);
# the state's own entry bans and the sanctions lists have no owner who answers at the border.
DEFAULT_ANSWER_HOURS: dict[ListKind, float | None] = {
    ListKind.DOCUMENTS: 12.0,
    ListKind.WANTED: 12.0,
    ListKind.MISSING: 12.0,
    ListKind.ENTRY_BAN: None,
    ListKind.SANCTIONS: None,
}
# Who may load a list when a principal (not a terminal command's name) loads it.
LIST_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
MAX_NAME_LENGTH = 128
MAX_ENTRY_ID_LENGTH = 256
BATCH = 2_000
_KEEP = object()  # answer_hours not given: a new list takes its kind's default, a known one keeps


class ListImportError(ValueError):
    """An import that cannot load (the message says why); nothing of it is kept."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What one import did: the version it made and how its entries compare with the last."""

    name: str
    kind: ListKind
    owner: str
    version: int
    loaded_at: datetime
    added: int  # new on the list, or back on it after a withdrawal
    changed: int  # on the list before, with other content now
    withdrawn: int  # on the list before, not in this version: they no longer hit
    unchanged: int
    malformed: tuple[MalformedEntry, ...]  # skipped, with their position and reason

    @property
    def entries(self) -> int:
        """Entries on the list now."""
        return self.added + self.changed + self.unchanged


@dataclass(frozen=True, slots=True)
class VersionSummary:
    version: int
    loaded_at: datetime
    loaded_by: str
    owner: str
    source: str
    added: int
    changed: int
    withdrawn: int
    unchanged: int
    malformed: tuple[MalformedEntry, ...]


@dataclass(frozen=True, slots=True)
class ListSummary:
    """One list as `rmis lists show` prints it: the version in force and what it changed."""

    name: str
    kind: ListKind
    owner: str
    version: int
    loaded_at: datetime
    answer_hours: float | None
    entries: int  # on the list now (these hit)
    withdrawn_entries: int  # ever withdrawn and not listed again
    latest: VersionSummary


# An entry the list had before this import, by its id: its row, content hash (as bytes, half
# the memory of the text at a million entries) and whether it is withdrawn; None once read.
_Known = dict[str, tuple[int, bytes, bool] | None]


def _loaded_by(principal: Principal | str) -> str:
    if isinstance(principal, Principal):
        principal.require_role(LIST_ROLES, "load alert lists")
        return principal.name
    if not principal or not principal.strip():
        raise ListImportError("principal_required", "say who loads the list")
    return principal.strip()


def _valid_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ListImportError("name_required", "a list needs a name")
    if len(name) > MAX_NAME_LENGTH:
        raise ListImportError(
            "name_too_long", f"a list's name has at most {MAX_NAME_LENGTH} characters"
        )
    if "," in name:
        # `rmis screen --lists A,B` separates names by commas.
        raise ListImportError("bad_name", f"a list's name has no comma: {name!r}")
    return name


def _answer_hours(value: Any) -> float | None:
    if value is None:
        return None
    hours = float(value)
    if not hours > 0:
        raise ListImportError(
            "bad_answer_hours", f"the owner's time to answer must be > 0 h, not {value}"
        )
    return hours


_INSERT_ENTRY = insert(alert_entries)
_CHANGE_ENTRY = (
    update(alert_entries)
    .where(alert_entries.c.id == bindparam("row_id"))
    .values(
        subject=bindparam("subject"),
        content=bindparam("content"),
        content_hash=bindparam("content_hash"),
        changed_in=bindparam("version"),
    )
)
_RELIST_ENTRY = _CHANGE_ENTRY.values(listed_in=bindparam("version"), withdrawn_in=None)


def import_list(
    engine: Engine,
    *,
    name: str,
    kind: ListKind | str,
    owner: str,
    items: Iterable[ListEntry | MalformedEntry],
    source: str,
    principal: Principal | str,
    now: datetime,
    answer_hours: float | object | None = _KEEP,
    allow_empty: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Load `items` as the next version of the list `name` (its first, for a new list), in one
    transaction with one audit row.

    An entry whose content hash differs from the last version's is changed; one not in `items`
    is withdrawn; one withdrawn before and listed again is added. A MalformedEntry, and an
    entry id that comes again, is skipped and reported. `principal` is a Principal (who must be
    a supervisor or an admin) or the name of whoever runs the import at a terminal.
    `answer_hours` is how long the owner has to answer a confirmed hit (None: no answer is
    awaited); not given, a new list takes its kind's default and a known list keeps its own.
    `progress` is called with the number of items read since its last call.

    Raises ListImportError: a list of another kind under that name, a bad name, or (unless
    `allow_empty`) no readable entry at all for a list that has entries: a file read wrongly
    would otherwise withdraw the whole list.
    """
    loaded_by = _loaded_by(principal)
    name = _valid_name(name)
    kind = ListKind(kind)
    owner = owner.strip()
    if not owner:
        raise ListImportError(
            "owner_required", "say who owns the list (a state, INTERPOL, the UN...)"
        )
    with engine.begin() as connection:
        listed = connection.execute(
            select(alert_lists).where(alert_lists.c.name == name).with_for_update()
        ).first()
        if listed is not None and listed.kind != kind.value:
            raise ListImportError(
                "kind_mismatch", f"list {name} is a {listed.kind} list, not {kind.value}"
            )
        version = 1 if listed is None else listed.version + 1
        if listed is None:
            hours = (
                DEFAULT_ANSWER_HOURS[kind] if answer_hours is _KEEP else _answer_hours(answer_hours)
            )
            connection.execute(
                insert(alert_lists).values(
                    name=name, kind=kind.value, owner=owner, version=version, loaded_at=now,
                    answer_hours=hours,
                )
            )  # fmt: skip
        else:
            hours = listed.answer_hours if answer_hours is _KEEP else _answer_hours(answer_hours)
            connection.execute(
                update(alert_lists)
                .where(alert_lists.c.name == name)
                .values(owner=owner, version=version, loaded_at=now, answer_hours=hours)
            )
        known = _known_entries(connection, name)
        counts, malformed = _load(connection, name, version, known, items, progress)
        to_withdraw = [k[0] for k in known.values() if k is not None and not k[2]]
        del known
        if not sum(counts.values()) and to_withdraw and not allow_empty:
            raise ListImportError(
                "nothing_read",
                f"no entry of list {name} could be read ({len(malformed)} malformed): the list "
                "was left as it was; check the file and its format",
            )
        for start in range(0, len(to_withdraw), BATCH):
            connection.execute(
                update(alert_entries)
                .where(alert_entries.c.id.in_(to_withdraw[start : start + BATCH]))
                .values(withdrawn_in=version)
            )
        summary = ImportSummary(
            name, kind, owner, version, now, counts["added"], counts["changed"],
            len(to_withdraw), counts["unchanged"], tuple(malformed),
        )  # fmt: skip
        connection.execute(
            insert(alert_list_versions).values(
                list_name=name, version=version, loaded_at=now, loaded_by=loaded_by,
                owner=owner, source=source, added=summary.added, changed=summary.changed,
                withdrawn=summary.withdrawn, unchanged=summary.unchanged,
                malformed=[{"position": m.position, "reason": m.reason} for m in malformed],
            )
        )  # fmt: skip
        append_audit(
            connection, at=now, principal=loaded_by, action="lists.import",
            subject=f"list {name} version {version}", purpose="load an alert list",
            detail={"kind": kind.value, "owner": owner, "source": source,
                    "added": summary.added, "changed": summary.changed,
                    "withdrawn": summary.withdrawn, "unchanged": summary.unchanged,
                    "malformed": len(malformed)},
        )  # fmt: skip
    return summary


def _known_entries(connection: Connection, name: str) -> _Known:
    rows = connection.execute(
        select(
            alert_entries.c.entry_id,
            alert_entries.c.id,
            alert_entries.c.content_hash,
            alert_entries.c.withdrawn_in,
        ).where(alert_entries.c.list_name == name)
    )
    return {eid: (row_id, bytes.fromhex(h), w is not None) for eid, row_id, h, w in rows}


def _load(
    connection: Connection,
    name: str,
    version: int,
    known: _Known,
    items: Iterable[ListEntry | MalformedEntry],
    progress: Callable[[int], None] | None,
) -> tuple[dict[str, int], list[MalformedEntry]]:
    """Write the new and changed entries in batches; returns the counts and the malformed
    entries. Each known entry read is marked None in `known`: what is left was not read."""
    counts = {"added": 0, "changed": 0, "unchanged": 0}
    malformed: list[MalformedEntry] = []
    new_ids: set[str] = set()
    inserts: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    relists: list[dict[str, Any]] = []
    read = 0

    def flush() -> None:
        nonlocal read
        if inserts:
            connection.execute(_INSERT_ENTRY, inserts)
            inserts.clear()
        for statement, rows in ((_CHANGE_ENTRY, changes), (_RELIST_ENTRY, relists)):
            if rows:
                connection.execute(statement, rows)
                rows.clear()
        if progress is not None and read:
            progress(read)
        read = 0

    for item in items:
        read += 1
        if isinstance(item, MalformedEntry):
            malformed.append(item)
        elif not isinstance(item, ListEntry):
            raise TypeError(f"a list reader yields ListEntry or MalformedEntry, not {item!r}")
        elif item.entry_id in new_ids or (item.entry_id in known and known[item.entry_id] is None):
            malformed.append(
                MalformedEntry(f"entry {item.entry_id}", "its id comes again: the first is kept")
            )
        elif len(item.entry_id) > MAX_ENTRY_ID_LENGTH:
            malformed.append(
                MalformedEntry(
                    f"entry {item.entry_id[:40]}...",
                    f"an entry id of more than {MAX_ENTRY_ID_LENGTH} characters",
                )
            )
        else:
            content = item.to_json()
            digest = json_hash(content)
            before = known.get(item.entry_id)
            if before is None:
                new_ids.add(item.entry_id)
            else:
                known[item.entry_id] = None
            row = {"subject": item.subject, "content": content, "content_hash": digest}
            if before is None:
                counts["added"] += 1
                inserts.append(
                    row | {"list_name": name, "entry_id": item.entry_id,
                           "listed_in": version, "changed_in": version}
                )  # fmt: skip
            elif before[2]:
                counts["added"] += 1  # listed again
                relists.append(row | {"row_id": before[0], "version": version})
            elif before[1] != bytes.fromhex(digest):
                counts["changed"] += 1
                changes.append(row | {"row_id": before[0], "version": version})
            else:
                counts["unchanged"] += 1
        if len(inserts) + len(changes) + len(relists) >= BATCH:
            flush()
    flush()
    return counts, malformed


def lists_in_force(connection: Connection | Engine) -> tuple[tuple[str, int], ...]:
    """Each list's name and version in force, by name: a screen's index is current while
    this is unchanged (one small query, cheap to ask before every screen)."""
    query = select(alert_lists.c.name, alert_lists.c.version).order_by(alert_lists.c.name)
    if isinstance(connection, Engine):
        with connection.connect() as c:
            return tuple((n, v) for n, v in c.execute(query))
    return tuple((n, v) for n, v in connection.execute(query))


def active_entries(
    engine: Engine, *, lists: Sequence[str] | None = None
) -> Iterator[tuple[str, ListEntry]]:
    """Every entry on a list now (none withdrawn), as (list name, entry), in the order they
    were first listed; only the named `lists` when given. Streams: read it to the end or
    close it."""
    query = (
        # The JSON as text, parsed here: psycopg's and SQLAlchemy's JSON handling read a
        # million entries at half the speed of json.loads on the text.
        select(alert_entries.c.list_name, cast(alert_entries.c.content, Text))
        .where(alert_entries.c.withdrawn_in.is_(None))
        # In the order they were first listed (the key's order): sorting a million entries by
        # list and id spilled to disk on PostgreSQL and took most of the read.
        .order_by(alert_entries.c.id)
    )
    if lists is not None:
        query = query.where(alert_entries.c.list_name.in_(list(lists)))
    with engine.connect() as connection:
        rows = connection.execution_options(yield_per=BATCH).execute(query)
        for list_name, content in rows:
            yield list_name, ListEntry.from_json(json.loads(content))


def _malformed(rows: Any) -> tuple[MalformedEntry, ...]:
    return tuple(MalformedEntry(m["position"], m["reason"]) for m in rows or ())


def _version_summary(row: Any) -> VersionSummary:
    return VersionSummary(
        row.version, row.loaded_at, row.loaded_by, row.owner, row.source, row.added,
        row.changed, row.withdrawn, row.unchanged, _malformed(row.malformed),
    )  # fmt: skip


def list_summaries(engine: Engine) -> list[ListSummary]:
    """Every list with its version in force, its entries now, and what that version changed."""
    with engine.connect() as connection:
        counts: dict[tuple[str, bool], int] = {
            (n, w): c
            for n, w, c in connection.execute(
                select(
                    alert_entries.c.list_name,
                    alert_entries.c.withdrawn_in.is_not(None),
                    func.count(),
                ).group_by(alert_entries.c.list_name, alert_entries.c.withdrawn_in.is_not(None))
            )
        }
        v = alert_list_versions.c
        rows = connection.execute(
            select(
                alert_lists.c.name,
                alert_lists.c.kind,
                alert_lists.c.answer_hours,
                v.version,
                v.loaded_at,
                v.loaded_by,
                v.owner,
                v.source,
                v.added,
                v.changed,
                v.withdrawn,
                v.unchanged,
                v.malformed,
            )
            .select_from(alert_lists)
            .join(
                alert_list_versions,
                (alert_list_versions.c.list_name == alert_lists.c.name)
                & (alert_list_versions.c.version == alert_lists.c.version),
            )
            .order_by(alert_lists.c.name)
        ).all()
    return [
        ListSummary(
            r.name,
            ListKind(r.kind),
            r.owner,
            r.version,
            r.loaded_at,
            r.answer_hours,
            counts.get((r.name, False), 0),
            counts.get((r.name, True), 0),
            _version_summary(r),
        )
        for r in rows
    ]


def list_history(engine: Engine, name: str) -> list[VersionSummary]:
    """Every version of one list, oldest first (empty for a list never loaded)."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(alert_list_versions)
            .where(alert_list_versions.c.list_name == name)
            .order_by(alert_list_versions.c.version)
        ).all()
    return [_version_summary(r) for r in rows]
