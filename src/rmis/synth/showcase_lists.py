"""The demo's alert lists: two small lists written the way their owners would, beside the
showcase travellers, so a newcomer sees a screen find a person across scripts and leave a
namesake alone. Loaded once (a list already in the record is left as it is).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine

from rmis.screening import (
    BirthDate,
    EntryDocument,
    EntryName,
    ListEntry,
    ListKind,
    import_list,
    lists_in_force,
)

WANTED = (
    # The Tajik student of the showcase, as a Kazakh warrant writes him: in Russian Cyrillic,
    # where his passport's MRZ has the Tajik national system's Latin (RAHIMOV FIRUZ).
    ListEntry(
        "KAZ-W-2026-0141", "person", names=(EntryName("РАХИМОВ Фируз", surname="РАХИМОВ",
                                                      given_names="Фируз"),),
        birth_dates=(BirthDate(2004, 9, 1),), sex="M", nationalities=("TJK",),
        listed_on=date(2026, 3, 2), remarks="demo: a warrant of the scenario",
    ),
    # A namesake of the Russian visitor (Юлия Соколова, born 1979): the same names, another
    # woman born in 1961. The screen must leave the visitor alone.
    ListEntry(
        "KAZ-W-2019-0077", "person", names=(EntryName("SOKOLOVA YULIYA"),),
        birth_dates=(BirthDate(1961, 2, 14),), sex="F", nationalities=("RUS",),
        listed_on=date(2019, 5, 20), remarks="demo: a namesake",
    ),
)  # fmt: skip
STOLEN = (
    # A Kyrgyz passport reported stolen: the trader's number with an OCR slip of the list's
    # typist (S for 5), which the screen still finds.
    ListEntry(
        "SLTD-KGZ-88213", "document",
        documents=(EntryDocument("AC234S678", "KGZ", "P"),), status="stolen",
        listed_on=date(2025, 12, 1), remarks="demo: reported stolen",
    ),
)  # fmt: skip
LISTS = (
    ("demo-wanted", ListKind.WANTED, "KAZ", WANTED),
    ("demo-sltd", ListKind.DOCUMENTS, "INTERPOL", STOLEN),
)


def load_showcase_lists(engine: Engine, now: datetime) -> list[str]:
    """Load the demo's lists that are not in the record yet; their names."""
    present = {name for name, _ in lists_in_force(engine)}
    loaded = []
    for name, kind, owner, entries in LISTS:
        if name not in present:
            import_list(engine, name=name, kind=kind, owner=owner, items=entries,
                        source="rmis demo", principal="rmis demo", now=now)  # fmt: skip
            loaded.append(name)
    return loaded
