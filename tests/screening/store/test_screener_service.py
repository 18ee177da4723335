"""The Screener: the index of the lists in force, built again when a list's version changes,
and a screening that records its hits as cases in one call (the real ScreeningIndex)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from screening_store_cases import BCP, NOW, document, person
from sqlalchemy import insert

from rmis.screening import BirthDate, ListKind, ScreenedTraveller, TravellerDocument
from rmis.screening.hits import decide_hit
from rmis.screening.lists import import_list
from rmis.screening.service import Screener
from rmis.security import AccessDenied
from rmis.store.schema import travellers

WANTED = "interpol-wanted"


def _load(engine, items, *, name=WANTED, kind=ListKind.WANTED):
    import_list(engine, name=name, kind=kind, owner="INTERPOL", items=items, source="t",
                principal="test", now=NOW)  # fmt: skip


def _ivanov(number="N7777777") -> ScreenedTraveller:
    return ScreenedTraveller(
        "t-1", ("IVANOV PETR",), BirthDate.parse("1970-03-15"), "M", "KAZ",
        TravellerDocument("KAZ", number, "P"),
    )  # fmt: skip


def test_no_list_loaded_finds_nothing(engine, officer):
    screener = Screener(engine)
    assert screener.screen(_ivanov()) == []
    done = screener.screen_and_record(_ivanov(), officer, now=NOW, bcp_code=BCP)
    assert done.hits == () and done.lists == ()


def test_a_screening_records_its_hits_and_the_index_is_built_once_per_version(engine, officer):
    _load(engine, [person("W1", "IVANOV PETR"), person("W2", "KARIMOV AZIZ")])
    screener = Screener(engine)
    done = screener.screen_and_record(_ivanov(), officer, now=NOW, bcp_code=BCP)
    [found] = done.hits
    assert (found.hit.list, found.hit.entry_id, found.standing) == (WANTED, "W1", "new")
    assert found.case.status == "open" and found.case.reasons
    assert (done.host_state, done.lists, done.subject_key) == (
        "KAZ", ((WANTED, 1),), "document KAZ N7777777",
    )  # fmt: skip
    again = screener.screen_and_record(_ivanov(), officer, now=NOW + timedelta(minutes=1))
    assert [h.standing for h in again.hits] == ["open"]
    assert screener.builds == 1

    # A new version withdraws W1: from the next screen on it no longer hits.
    _load(engine, [person("W2", "KARIMOV AZIZ")])
    assert screener.screen(_ivanov()) == []
    assert screener.builds == 2


def test_a_dismissed_hit_comes_back_as_dismissed_through_the_screener(engine, officer):
    _load(engine, [person("W1", "IVANOV PETR")])
    screener = Screener(engine)
    [found] = screener.screen_and_record(_ivanov(), officer, now=NOW, bcp_code=BCP).hits
    decide_hit(engine, officer, found.case.id, "dismiss", "another Ivanov", now=NOW)
    [shown] = screener.screen_and_record(_ivanov(), officer, now=NOW, bcp_code=BCP).hits
    assert shown.standing == "dismissed"
    assert shown.note == "dismissed on 2026-12-07 by officer.a: another Ivanov"
    # A new passport is changed data: the hit is raised again for the officer to judge.
    [fresh] = screener.screen_and_record(_ivanov("N8888888"), officer, now=NOW, bcp_code=BCP).hits
    assert fresh.standing == "new"


def test_the_record_traveller_is_whom_the_hit_is_about_when_known(engine, officer):
    _load(engine, [person("W1", "IVANOV PETR")])
    traveller_id = uuid4()
    with engine.begin() as connection:
        connection.execute(insert(travellers).values(id=traveller_id, created_at=NOW))
    done = Screener(engine).screen_and_record(
        _ivanov(), officer, now=NOW, bcp_code=BCP, traveller_id=traveller_id
    )
    assert done.subject_key == f"traveller {traveller_id}"
    assert done.hits[0].case.traveller_id == traveller_id


def test_screening_by_list_and_threshold(engine):
    _load(engine, [person("W1", "IVANOV PETR")])
    _load(engine, [document("D1", "KAZ", "N7777777")], name="sltd", kind=ListKind.DOCUMENTS)
    screener = Screener(engine)
    assert {h.list for h in screener.screen(_ivanov())} == {WANTED, "sltd"}
    assert [h.list for h in screener.screen(_ivanov(), lists=["sltd"])] == ["sltd"]
    batch = list(screener.screen_many([_ivanov(), _ivanov("X1")], lists=[WANTED]))
    assert [[h.entry_id for h in hits] for hits in batch] == [["W1"], ["W1"]]
    with pytest.raises(ValueError):
        Screener(engine, threshold=1.5)
    with pytest.raises(ValueError):
        screener.screen(_ivanov(), threshold=0)


def test_only_who_may_record_at_the_bcp_screens_there(engine, officer, analyst):
    _load(engine, [person("W1", "IVANOV PETR")])
    screener = Screener(engine)
    with pytest.raises(AccessDenied):
        screener.screen_and_record(_ivanov(), officer, now=NOW, bcp_code="KAZ-NQZ")
    with pytest.raises(AccessDenied):
        screener.screen_and_record(_ivanov(), analyst, now=NOW)


def test_a_screener_built_before_a_list_existed_sees_it_at_once(engine, officer):
    screener = Screener(engine)
    assert screener.screen(_ivanov()) == []
    _load(engine, [person("W1", "IVANOV PETR")])
    now = datetime(2026, 12, 7, 9, tzinfo=UTC)
    assert [
        h.hit.entry_id for h in screener.screen_and_record(_ivanov(), officer, now=now).hits
    ] == ["W1"]


def test_a_batch_screened_without_cases_is_audited_once(engine):
    from sqlalchemy import select

    from rmis.screening.service import audit_batch_screening
    from rmis.security import verify_chain
    from rmis.store.schema import audit_log, hits

    _load(engine, [person("W1", "IVANOV PETR")])
    screener = Screener(engine)
    found = list(screener.screen_many([_ivanov(), _ivanov("X2")]))
    lists = screener.current()[1]
    audit_batch_screening(engine, principal="ops (terminal)", now=NOW, travellers=2,
                          hits=sum(map(len, found)), lists=lists)  # fmt: skip
    with engine.connect() as connection:
        [row] = connection.execute(
            select(audit_log).where(audit_log.c.action == "screening.batch")
        ).all()
        assert connection.execute(select(hits)).all() == []  # a batch raises no case
        assert verify_chain(connection) is None
    assert (row.subject, row.detail["travellers"], row.detail["hits"]) == (
        f"{WANTED} v1", 2, 2,
    )  # fmt: skip


def test_threads_screening_at_once_build_the_index_once(engine):
    import threading
    import time

    from rmis.screening.index import ScreeningIndex

    _load(engine, [person("W1", "IVANOV PETR")])

    def slow_build(entries):
        time.sleep(0.2)  # long enough for every thread to find the index missing
        return ScreeningIndex.build(entries)

    screener = Screener(engine, build=slow_build)
    found: list[list[str]] = []
    threads = [
        threading.Thread(
            target=lambda: found.append([h.entry_id for h in screener.screen(_ivanov())])
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [["W1"]] * 4
    assert screener.builds == 1


def test_a_un_list_read_from_its_file_is_loaded_and_screened(engine, officer):
    from pathlib import Path

    from rmis.screening.formats import read

    un_file = Path(__file__).parents[1] / "data" / "un_small.xml"
    summary = import_list(
        engine, name="un-sc", kind=ListKind.SANCTIONS, owner="UN Security Council",
        items=read(un_file), source=un_file.name, principal="t", now=NOW,
    )  # fmt: skip
    assert (summary.entries, len(summary.malformed)) == (3, 2)
    assert all(m.position for m in summary.malformed)
    alias = ScreenedTraveller("t-9", ("FRANK KAKORERE",), None, "M", "COD")
    done = Screener(engine).screen_and_record(alias, officer, now=NOW, bcp_code=BCP)
    assert [(h.hit.entry_id, h.standing) for h in done.hits] == [("CDi.002", "new")]
    assert done.hits[0].case.list_kind is ListKind.SANCTIONS
    assert done.hits[0].case.answer_due is None


def test_the_built_index_is_left_out_of_the_garbage_collectors_walks(engine):
    """Frozen after each build: at 1M listed persons a full collection walking the index took
    ~350 ms, the check's slowest answers (docs/screening.md)."""
    import gc

    _load(engine, [person("W1", "IVANOV PETR")])
    gc.unfreeze()
    try:
        screener = Screener(engine)
        index, _ = screener.current()
        assert gc.get_freeze_count() > 0
        assert not any(o is index for o in gc.get_objects())  # the frozen are not walked
    finally:
        gc.unfreeze()
