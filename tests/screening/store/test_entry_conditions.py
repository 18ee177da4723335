"""An entry ban hits only while in force (from valid_from until valid_until, on the day of the
screen), and a missing child's entry says it is a child's case."""

from __future__ import annotations

from datetime import date, timedelta

from screening_store_cases import BCP, NOW, person

from rmis.screening import ListKind, ScreenedTraveller, Screener, import_list

TODAY = NOW.date()


def traveller(name: str = "KARIMOV AZIZ") -> ScreenedTraveller:
    return ScreenedTraveller("t", (name,), None, "M", "UZB", None)


def load(engine, name: str, kind: ListKind, *entries) -> None:
    import_list(engine, name=name, kind=kind, owner="KAZ", items=list(entries), source="test",
                principal="loader", now=NOW)  # fmt: skip


def test_an_entry_ban_hits_from_its_first_day_to_its_last_only(engine, officer):
    ban = person("BAN-1", "KARIMOV AZIZ", born=None, legal_basis="Law on migration, art. 48",
                 valid_from=TODAY, valid_until=TODAY + timedelta(days=30))  # fmt: skip
    load(engine, "kaz-bans", ListKind.ENTRY_BAN, ban)
    screener = Screener(engine)
    days = {
        "before": TODAY - timedelta(days=1), "first": TODAY,
        "last": TODAY + timedelta(days=30), "after": TODAY + timedelta(days=31),
    }  # fmt: skip
    hit_on = {
        label: [h.entry_id for h in screener.screen(traveller(), on=day)]
        for label, day in days.items()
    }
    assert hit_on == {"before": [], "first": ["BAN-1"], "last": ["BAN-1"], "after": []}
    [batch] = screener.screen_many([traveller()], on=days["after"])
    assert batch == []


def test_a_lapsed_ban_raises_no_case_at_the_desk(engine, officer):
    lapsed = person("BAN-2", "KARIMOV AZIZ", born=None, valid_until=TODAY - timedelta(days=1))
    load(engine, "kaz-bans", ListKind.ENTRY_BAN, lapsed)
    found = Screener(engine).screen_and_record(traveller(), officer, now=NOW, bcp_code=BCP)
    assert found.hits == ()


def test_a_missing_childs_hit_says_so_first(engine, officer):
    child = person("MISSING-9", "KARIMOVA MADINA", born="2014-05-02", child=True)
    load(engine, "kaz-missing", ListKind.MISSING, child)
    girl = ScreenedTraveller("t", ("KARIMOVA MADINA",), None, "F", "UZB", None)
    found = Screener(engine).screen_and_record(girl, officer, now=NOW, bcp_code=BCP)
    [shown] = found.hits
    assert shown.hit.reasons[0].startswith("listed as a missing child")
    assert list(shown.case.reasons) == list(shown.hit.reasons)


def test_entries_without_conditions_hit_on_any_day(engine):
    load(engine, "kaz-wanted", ListKind.WANTED, person("W-1", "KARIMOV AZIZ", born=None))
    far = date(2040, 1, 1)
    assert [h.entry_id for h in Screener(engine).screen(traveller(), on=far)] == ["W-1"]
