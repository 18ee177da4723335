from datetime import UTC, datetime
from zoneinfo import available_timezones

import pycountry

from rmis.reference.bcps import MODES, bcps_of_state, load_bcps


def test_every_bcp_has_a_source_a_known_state_and_mode():
    bcps = load_bcps()
    assert len(bcps) > 200
    for bcp in bcps.values():
        assert bcp.source.startswith("http"), bcp.code
        assert pycountry.countries.get(alpha_3=bcp.state) is not None, bcp.code
        assert bcp.mode in MODES, bcp.code
        assert bcp.code.startswith(bcp.state + "-"), bcp.code
        assert bcp.time_zone in available_timezones(), bcp.code


def test_counterparts_point_at_each_other_across_the_line():
    bcps = load_bcps()
    linked = [b for b in bcps.values() if b.counterpart]
    assert linked
    for bcp in linked:
        other = bcps[bcp.counterpart]
        assert other.counterpart == bcp.code
        assert other.state == bcp.neighbour and bcp.state == other.neighbour
        assert other.mode == bcp.mode


def test_region_states_have_their_main_airports_and_land_posts():
    codes = set(load_bcps())
    assert {"KAZ-ALA", "KAZ-NQZ", "UZB-TAS", "KGZ-FRU", "TJK-DYU", "TKM-ASB"} <= codes
    land = {"KAZ-DOSTYK-RAIL", "CHN-ALASHANKOU-RAIL", "UZB-TERMEZ-ROAD", "AFG-HAIRATAN-ROAD"}
    assert land <= codes
    assert all(b.state == "TJK" for b in bcps_of_state("TJK"))


def test_local_date_follows_the_tz_database_history():
    # Almaty moved from UTC+6 to UTC+5 on 2024-03-01: 18:30 UTC was the next day before, not after.
    almaty = load_bcps()["KAZ-ALA"].zone
    before = datetime(2024, 1, 10, 18, 30, tzinfo=UTC).astimezone(almaty)
    after = datetime(2024, 6, 10, 18, 30, tzinfo=UTC).astimezone(almaty)
    assert before.date().isoformat() == "2024-01-11"
    assert after.date().isoformat() == "2024-06-10"


def test_unnamed_sides_are_marked_and_described():
    bcps = load_bcps()
    kurmangazy_ru = bcps["RUS-KURMANGAZY-ROAD"]
    assert not kurmangazy_ru.name_known
    assert "RUS side" in kurmangazy_ru.name
