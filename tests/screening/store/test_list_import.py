"""Importing alert lists into the record: versions, what each added, changed and withdrew,
malformed entries skipped with their position, and the entries in force for the index."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import replace
from datetime import timedelta
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from screening_store_cases import NOW, document, person
from sqlalchemy import select

from rmis.screening import EntryDocument, ListEntry, ListKind, MalformedEntry
from rmis.screening import lists as lists_module
from rmis.screening.entries import json_hash
from rmis.screening.lists import (
    ListImportError,
    active_entries,
    import_list,
    list_history,
    list_summaries,
    lists_in_force,
)
from rmis.security import AccessDenied, verify_chain
from rmis.store.schema import audit_log


def _load(engine, items, *, name="interpol-wanted", kind=ListKind.WANTED, now=NOW, **more):
    return import_list(
        engine, name=name, kind=kind, owner="INTERPOL", items=items, source="test.jsonl",
        principal="rmis lists import", now=now, **more,
    )  # fmt: skip


def _active(engine):
    return {(n, e.entry_id): e for n, e in active_entries(engine)}


def test_a_first_import_is_version_one_and_its_entries_are_in_force(engine):
    entries = [person("W1", "IVANOV PETR"), person("W2", "KARIMOV AZIZ"), person("W3", "ALIEV ALI")]
    summary = _load(engine, entries)
    assert (summary.version, summary.added, summary.changed, summary.withdrawn) == (1, 3, 0, 0)
    assert summary.entries == 3 and summary.malformed == ()
    assert _active(engine) == {("interpol-wanted", e.entry_id): e for e in entries}
    assert lists_in_force(engine) == (("interpol-wanted", 1),)
    [shown] = list_summaries(engine)
    assert (shown.name, shown.kind, shown.owner, shown.version, shown.entries) == (
        "interpol-wanted", ListKind.WANTED, "INTERPOL", 1, 3,
    )  # fmt: skip
    assert shown.answer_hours == 12.0  # a wanted list's owner answers within 12 hours (SIRENE)
    assert (shown.latest.added, shown.latest.source, shown.latest.loaded_by) == (
        3, "test.jsonl", "rmis lists import",
    )  # fmt: skip


def test_a_reimport_is_the_next_version_with_what_it_added_changed_and_withdrew(engine):
    _load(engine, [person("W1", "IVANOV PETR"), person("W2", "KARIMOV AZIZ"),
                   person("W3", "ALIEV ALI")])  # fmt: skip
    changed = person("W2", "KARIMOV AZIZ", born="1971-03-15")
    summary = _load(
        engine,
        [person("W1", "IVANOV PETR"), changed, person("W4", "NAZAROV OLIM")],
        now=NOW + timedelta(days=1),
    )
    assert (summary.version, summary.added, summary.changed, summary.withdrawn,
            summary.unchanged) == (2, 1, 1, 1, 1)  # fmt: skip
    active = _active(engine)
    assert set(active) == {("interpol-wanted", e) for e in ("W1", "W2", "W4")}
    assert active[("interpol-wanted", "W2")] == changed  # the new content is in force
    [shown] = list_summaries(engine)
    assert (shown.version, shown.entries, shown.withdrawn_entries) == (2, 3, 1)
    assert [v.version for v in list_history(engine, "interpol-wanted")] == [1, 2]

    # Listed again after its withdrawal: added (back on the list), and it hits again.
    third = _load(engine, [person("W1", "IVANOV PETR"), changed, person("W3", "ALIEV ALI")])
    assert (third.version, third.added, third.withdrawn, third.unchanged) == (3, 1, 1, 2)
    assert ("interpol-wanted", "W3") in _active(engine)
    assert ("interpol-wanted", "W4") not in _active(engine)


def test_the_same_content_again_changes_nothing_but_the_version(engine):
    entries = [person("W1", "IVANOV PETR"), document("D1", "KAZ", "N1234567")]
    _load(engine, entries)
    again = _load(engine, list(entries))
    assert (again.version, again.added, again.changed, again.withdrawn, again.unchanged) == (
        2, 0, 0, 0, 2,
    )  # fmt: skip


def test_a_malformed_entry_is_reported_with_its_position_and_the_rest_loads(engine):
    bad = MalformedEntry("line 3", "birth date 1970-13-01 is no date")
    summary = _load(
        engine, [person("W1", "IVANOV PETR"), bad, person("W2", "KARIMOV AZIZ"),
                 person("W1", "IVANOV PYOTR")],
    )  # fmt: skip
    assert (summary.added, summary.entries) == (2, 2)
    assert summary.malformed[0] == bad
    assert summary.malformed[1].position == "entry W1"
    assert "comes again" in summary.malformed[1].reason
    # The first W1 is kept, and the version keeps the malformed entries with their positions.
    assert _active(engine)[("interpol-wanted", "W1")].names[0].full == "IVANOV PETR"
    assert list_history(engine, "interpol-wanted")[0].malformed == summary.malformed


def test_a_file_read_wrongly_does_not_withdraw_the_whole_list(engine):
    _load(engine, [person("W1", "IVANOV PETR")])
    with pytest.raises(ListImportError) as refused:
        _load(engine, [MalformedEntry("line 1", "not a UN list")])
    assert refused.value.code == "nothing_read"
    assert lists_in_force(engine) == (("interpol-wanted", 1),)  # nothing of it was kept
    assert set(_active(engine)) == {("interpol-wanted", "W1")}
    emptied = _load(engine, [], allow_empty=True)
    assert (emptied.version, emptied.withdrawn, emptied.entries) == (2, 1, 0)
    assert _active(engine) == {}


def test_a_list_keeps_its_kind_and_takes_a_clear_name(engine):
    _load(engine, [person("W1", "IVANOV PETR")])
    with pytest.raises(ListImportError) as refused:
        _load(engine, [person("W1", "IVANOV PETR")], kind=ListKind.SANCTIONS)
    assert refused.value.code == "kind_mismatch"
    for name, code in (("", "name_required"), ("a,b", "bad_name"), ("x" * 129, "name_too_long")):
        with pytest.raises(ListImportError) as refused:
            _load(engine, [person("W1", "IVANOV PETR")], name=name)
        assert refused.value.code == code


def test_the_owners_time_to_answer_comes_from_the_kind_or_the_import(engine):
    _load(engine, [person("S1", "IVANOV PETR")], name="un-sc", kind=ListKind.SANCTIONS)
    _load(engine, [document("D1", "KAZ", "N1")], name="sltd", kind=ListKind.DOCUMENTS,
          answer_hours=6)  # fmt: skip
    _load(engine, [document("D1", "KAZ", "N1")], name="sltd", kind=ListKind.DOCUMENTS)
    hours = {s.name: s.answer_hours for s in list_summaries(engine)}
    assert hours == {"un-sc": None, "sltd": 6.0}  # a re-import keeps the list's own setting
    with pytest.raises(ListImportError):
        _load(engine, [person("S1", "IVANOV PETR")], name="un-sc", kind="sanctions",
              answer_hours=0)  # fmt: skip


def test_only_supervisors_and_admins_load_lists_as_principals(engine, analyst, supervisor):
    with pytest.raises(AccessDenied):
        import_list(engine, name="bans", kind="entry_ban", owner="KAZ",
                    items=[person("B1", "IVANOV PETR")], source="s", principal=analyst,
                    now=NOW)  # fmt: skip
    done = import_list(engine, name="bans", kind="entry_ban", owner="KAZ",
                       items=[person("B1", "IVANOV PETR", legal_basis="Art. 48")], source="s",
                       principal=supervisor, now=NOW)  # fmt: skip
    assert done.version == 1


def test_every_import_is_in_the_audit_log(engine):
    _load(engine, [person("W1", "IVANOV PETR")])
    _load(engine, [person("W2", "KARIMOV AZIZ")])
    with engine.connect() as connection:
        rows = connection.execute(
            select(audit_log.c.action, audit_log.c.subject, audit_log.c.detail).where(
                audit_log.c.action == "lists.import"
            )
        ).all()
        assert verify_chain(connection) is None
    assert [r.subject for r in rows] == [
        "list interpol-wanted version 1",
        "list interpol-wanted version 2",
    ]
    assert (rows[1].detail["added"], rows[1].detail["withdrawn"]) == (1, 1)


def test_batches_of_any_size_count_and_write_every_entry(engine, monkeypatch):
    monkeypatch.setattr(lists_module, "BATCH", 3)
    first = [person(f"W{i}", f"PERSON NUMBER{i}") for i in range(20)]
    _load(engine, first)
    second = [replace(e, remarks="changed") if i % 3 == 0 else e for i, e in enumerate(first)]
    second = second[:15] + [person(f"N{i}", f"NEW PERSON{i}") for i in range(7)]
    seen = []
    summary = _load(engine, second, progress=seen.append)
    assert (summary.added, summary.changed, summary.withdrawn, summary.unchanged) == (7, 5, 5, 10)
    assert sum(seen) == len(second)
    active = _active(engine)
    assert len(active) == 22
    assert active[("interpol-wanted", "W3")].remarks == "changed"
    assert ("interpol-wanted", "W19") not in active


def test_entries_in_force_can_be_read_for_some_lists_only(engine):
    _load(engine, [person("W1", "IVANOV PETR")])
    _load(engine, [document("D1", "KAZ", "N1")], name="sltd", kind=ListKind.DOCUMENTS)
    assert [(n, e.entry_id) for n, e in active_entries(engine, lists=["sltd"])] == [("sltd", "D1")]
    assert len(list(active_entries(engine))) == 2


VERSIONS = st.dictionaries(
    st.sampled_from([f"E{i}" for i in range(8)]), st.sampled_from([None, "armed", "released"])
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(versions=st.lists(VERSIONS, min_size=1, max_size=4))
def test_every_version_counts_what_it_changed_and_leaves_exactly_its_entries(engine, versions):
    name = f"list-{uuid4().hex[:8]}"  # one list per example: the engine is shared
    before: dict[str, str | None] = {}
    for version, remarks_by_id in enumerate(versions, start=1):
        entries = [person(i, f"PERSON {i[1:]}", remarks=r) for i, r in remarks_by_id.items()]
        summary = _load(engine, entries, name=name, allow_empty=True)
        new, old = set(remarks_by_id), set(before)
        assert summary.version == version
        assert summary.added == len(new - old)
        assert summary.withdrawn == len(old - new)
        assert summary.changed == sum(remarks_by_id[i] != before[i] for i in new & old)
        assert summary.unchanged == sum(remarks_by_id[i] == before[i] for i in new & old)
        in_force = {e.entry_id: e.remarks for _, e in active_entries(engine, lists=[name])}
        assert in_force == remarks_by_id
        before = remarks_by_id


ENTRIES = st.builds(
    person,
    st.text(min_size=1, max_size=12).filter(str.strip),
    st.text(min_size=1, max_size=30).filter(str.strip),
    born=st.sampled_from([None, "1970", "1970-03", "1970-03-15"]),
    remarks=st.none() | st.text(max_size=20),
    documents=st.lists(
        st.builds(EntryDocument, st.text(min_size=1, max_size=9), st.none() | st.just("KAZ")),
        max_size=2,
    ).map(tuple),
    listed_on=st.none() | st.dates(),
    child=st.booleans(),
    sex=st.sampled_from([None, "M", "F"]),
    nationalities=st.lists(st.sampled_from(["KAZ", "UZB", "D"]), max_size=2).map(tuple),
    extra=st.dictionaries(st.text(max_size=5), st.text(max_size=5) | st.integers(), max_size=2),
)


@settings(max_examples=100)
@given(entry=ENTRIES)
def test_the_stored_json_is_the_entrys_fields_and_reads_back_as_the_entry(entry):
    as_fields = json.loads(json.dumps(dataclasses.asdict(entry), default=str))
    assert entry.to_json() == as_fields
    assert ListEntry.from_json(entry.to_json()) == entry
    assert json_hash(entry.to_json()) == entry.content_hash()


def test_entries_in_any_script_and_with_extras_come_back_as_they_were_loaded(engine):
    listed = [
        person("W1", "ИВАНОВ Пётр", remarks='"armed" \\ dangerous', extra={"ftm": {"id": "Q1"}}),
        person("W2", "عبد الله", born="1960"),
        person("W3", "ҚАСЫМОВ Әлихан", born=None, nationalities=("KAZ",)),
    ]
    _load(engine, listed)
    assert [e for _, e in active_entries(engine)] == listed
    assert [e.extra for _, e in active_entries(engine)] == [e.extra for e in listed]
