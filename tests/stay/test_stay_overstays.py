from __future__ import annotations

from datetime import date

from rmis.reference.stay_rules import load_stay_rules
from rmis.stay import (
    LateExit,
    OpenOverstay,
    Stay,
    Timeline,
    TravellerTimeline,
    find_overstays,
)

D = date.fromisoformat


def test_open_overstays_and_late_exits_in_kazakhstan() -> None:
    table = load_stay_rules()
    travellers = [
        # UZB in KAZ: 30 days per entry. Still present on day 41.
        TravellerTimeline("A", "UZB", Timeline((Stay(D("2025-05-01")),))),
        # Left on day 35: five days late.
        TravellerTimeline("B", "UZB", Timeline((Stay(D("2025-04-01"), D("2025-05-05")),))),
        # Within the limit, and on the day of the report.
        TravellerTimeline("C", "UZB", Timeline((Stay(D("2025-05-20")),))),
        # Exits on the report day, a day late: a late exit, not an open overstay.
        TravellerTimeline("E", "UZB", Timeline((Stay(D("2025-05-10"), D("2025-06-10")),))),
        # No limit published (RUS citizens in KAZ: 90 days per stay) and within it.
        TravellerTimeline("F", "RUS", Timeline((Stay(D("2025-04-01")),))),
    ]
    report = find_overstays(travellers, lambda nat: table.schedule("KAZ", nat), D("2025-06-10"))
    assert report.open == (OpenOverstay("A", "UZB", D("2025-05-01"), D("2025-05-30"), 11),)
    assert report.late_exits == (
        LateExit("B", "UZB", D("2025-04-01"), D("2025-05-05"), D("2025-04-30"), 5),
        LateExit("E", "UZB", D("2025-05-10"), D("2025-06-10"), D("2025-06-08"), 2),
    )
