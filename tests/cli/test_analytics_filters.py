"""`rmis analytics` under the analyst's filters, and its terminal tables as a person reads them:
the command the dashboard's download is compared with, clear errors for bad values, dates ISO,
rounded numbers, named codes, tables not cut at 80 columns."""

from __future__ import annotations

import re
from datetime import date

import pytest
from typer.testing import CliRunner

from rmis.analytics import MOVEMENT_TYPES, summarise
from rmis.cli import app
from rmis.store import open_database
from rmis.warehouse.sync import sync_warehouse
from warehouse.scenario import NOW, Person, record

runner = CliRunner()
LAND = "RUS-KURMANGAZY-ROAD"  # Russia's side of a crossing from Kazakhstan

ACCEPTANCE = [
    "analytics", "flows", "--nationality", "TJK", "--host", "RUS", "--direction", "entry",
    "--from", "2025-03-01", "--to", "2025-05-31", "--by", "corridor,bcp", "--format", "csv",
]  # fmt: skip


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("filters")
    engine = open_database(f"sqlite:///{path / 'rmis.sqlite3'}")
    by_air = Person("T1", "TJK")
    by_air.cross("entry", "RUS-SVO", date(2025, 3, 10))
    by_land = Person("T2", "TJK", sex="F")
    by_land.cross("entry", LAND, date(2025, 4, 5), purpose="work")
    back_and_forth = Person("T4", "TJK")
    back_and_forth.stay("RUS-SVO", date(2025, 3, 2), 49)  # the exit is not an entry
    too_late = Person("T3", "TJK")
    too_late.cross("entry", "RUS-SVO", date(2025, 6, 10))
    uzbek = Person("U1", "UZB")
    uzbek.cross("entry", "RUS-SVO", date(2025, 3, 15))
    elsewhere = Person("T5", "TJK")
    elsewhere.cross("entry", "KAZ-ALA", date(2025, 3, 20))
    refused = Person("T6", "TJK")
    refused.cross("entry", "RUS-SVO", date(2025, 5, 1))
    refused.rows[-1].update(outcome="refused", refusal_reason="H")
    people = [by_air, by_land, back_and_forth, too_late, uzbek, elsewhere, refused]
    for i, person in enumerate(people):  # seven people, not one linked across documents
        for row in person.rows:
            row.update(surname=f"NAZAROV{'ABCDEFG'[i]}", birth_date=f"19{70 + 3 * i}-0{i + 1}-1{i}")
    for row in (r for p in people for r in p.rows):
        row.setdefault("outcome", "admitted")
        row.setdefault("refusal_reason", "")
    record(engine, path, people)
    sync_warehouse(engine, path / "warehouse", NOW, summarise=summarise)
    engine.dispose()
    return path


@pytest.fixture
def env(data_dir, monkeypatch):
    monkeypatch.setenv("RMIS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("RMIS_DATABASE_URL", f"sqlite:///{data_dir / 'rmis.sqlite3'}")
    monkeypatch.delenv("RMIS_ENGINE", raising=False)
    return data_dir


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_the_dashboards_comparison_command_counts_what_the_filters_keep(env):
    result = invoke(*ACCEPTANCE)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "from_state,to_state,bcp,entries,exits,refused",
        "AIR,RUS,RUS-SVO,2,0,1",  # T1 and T4 admitted, T6 refused; not the Uzbek, not June
        f"KAZ,RUS,{LAND},1,0,0",
    ]


def test_the_summaries_and_the_crossings_give_the_same_filtered_flows(env):
    # Counting people (small-count suppression) reads the crossings, not the summaries.
    quick, crossings = invoke(*ACCEPTANCE), invoke(*ACCEPTANCE, "--suppress-below", "1")
    assert quick.exit_code == crossings.exit_code == 0, quick.output + crossings.output
    assert crossings.stdout.splitlines()[0].endswith(",people")
    cut = [",".join(line.split(",")[:6]) for line in crossings.stdout.splitlines()]
    assert cut == quick.stdout.splitlines()


def test_a_movement_type_filter_keeps_the_people_of_that_type(env):
    every = invoke(*ACCEPTANCE[:-4], "--format", "csv", "--by", "nationality")
    assert every.exit_code == 0, every.output
    for kind in MOVEMENT_TYPES:
        one = invoke(*ACCEPTANCE[:-4], "--format", "csv", "--by", "host_state",
                     "--movement-type", kind)  # fmt: skip
        assert one.exit_code == 0, one.output
    none = invoke(*ACCEPTANCE[:-4], "--format", "csv", "--movement-type", "local_border")
    assert none.stdout.splitlines() == ["host_state,month,entries,exits,refused"]


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--nationality", "TJ1"], "nationality 'TJ1': expected an ICAO three-letter code"),
        (["--nationality", "XXQ"], "nationality XXQ: not an ICAO country code"),
        (["--direction", "sideways"], "direction 'sideways': expected entry or exit"),
        (["--bcp", "RUS-NOWHERE"], "bcp RUS-NOWHERE: no such BCP in the reference"),
        (["--age-band", "99"], "age band '99': expected 0-17"),
        (["--movement-type", "nomad"], "movement type 'nomad': expected transit"),
        (["--from", "2025-06-01", "--to", "2025-03-01"], "the period starts (2025-06-01) after"),
    ],
)
def test_a_bad_filter_is_a_clear_error(env, flags, message):
    result = invoke("analytics", "flows", *flags)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_terminal_tables_print_dates_iso_and_round_shares(env):
    flows = invoke("analytics", "flows", "--by", "month,host_state")
    assert flows.exit_code == 0, flows.output
    assert "2025-03-01" in flows.stdout and "00:00:00" not in flows.stdout
    roles = invoke("analytics", "state-roles")
    assert roles.exit_code == 0, roles.output
    assert "100.0%" in roles.stdout
    assert not re.search(r"\d\.\d{4,}", roles.stdout)


def test_terminal_tables_name_codes(env):
    bcps = invoke("analytics", "flows", "--by", "corridor,bcp", "--host", "RUS")
    assert "RUS-SVO Moscow Sheremetyevo" in bcps.stdout
    assert "by air (not recorded)" in bcps.stdout and "AIR" not in bcps.stdout
    types = invoke("analytics", "typology", "--summary")
    assert types.exit_code == 0, types.output
    assert "short visit" in types.stdout and "short_visit" not in types.stdout
    refusals = invoke("analytics", "refusals", "--by", "refusal_reason", "--format", "csv")
    assert refusals.stdout.splitlines() == ["refusal_reason,refused", "H,1"]
    table = invoke("analytics", "refusals", "--by", "refusal_reason")
    assert "H: is subject to an entry ban" in table.stdout


def test_a_wide_table_is_not_cut_when_the_output_is_not_a_terminal(env):
    result = invoke("analytics", "mirror")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) > 80
    assert "…" not in result.stdout
    header = next(line for line in lines if "month" in line)
    assert "entries recorded by destination" in header  # on one line, whole


def test_the_typology_summary_counts_people_per_type_every_type_listed(env):
    result = invoke("analytics", "typology", "--summary", "--format", "csv")
    lines = result.stdout.splitlines()
    assert lines[0] == "movement_type,people"
    assert [line.split(",")[0] for line in lines[1:]] == list(MOVEMENT_TYPES)
    assert sum(int(line.split(",")[1]) for line in lines[1:]) == 7  # seven people
    tajiks = invoke("analytics", "typology", "--summary", "--format", "csv",
                    "--nationality", "TJK")  # fmt: skip
    assert sum(int(line.split(",")[1]) for line in tajiks.stdout.splitlines()[1:]) == 6


def test_stock_and_surges_take_their_filters(env):
    stock = invoke("analytics", "stock", "--on", "2025-04-10", "--nationality", "TJK",
                   "--by", "host_state", "--format", "csv")  # fmt: skip
    assert stock.exit_code == 0, stock.output
    # T1, T2, T4 in Russia, T5 in Kazakhstan (the Uzbek is not counted)
    assert stock.stdout.splitlines() == ["host_state,present", "KAZ,1", "RUS,3"]
    by_bcp = invoke("analytics", "stock", "--on", "2025-04-10", "--bcp", LAND,
                    "--by", "host_state", "--format", "csv")  # fmt: skip
    assert by_bcp.stdout.splitlines() == ["host_state,present", "RUS,1"]
    surges = invoke("analytics", "surges", "--host", "RUS")
    assert surges.exit_code == 0, surges.output


def test_corridors_count_each_journey_leg_once(env):
    result = invoke("analytics", "corridors", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "from_state,to_state,crossings,counted_from",
        "AIR,RUS,4,entries",  # T1, T3, T4, the Uzbek: arrivals whose origin is not recorded
        "AIR,KAZ,1,entries",
        "KAZ,RUS,1,entries",  # T2 over land, from Russia's entries
        "RUS,AIR,1,exits",  # T4 leaving by air, destination not recorded
    ]
    tajiks = invoke("analytics", "corridors", "--nationality", "TJK", "--host", "RUS",
                    "--format", "csv")  # fmt: skip
    assert tajiks.stdout.splitlines()[1:] == ["AIR,RUS,3,entries", "KAZ,RUS,1,entries",
                                              "RUS,AIR,1,exits"]  # fmt: skip
    table = invoke("analytics", "corridors")
    assert "by air (not recorded)" in table.stdout and "AIR" not in table.stdout


def test_a_table_prints_whole_medians_whole_dates_iso_and_shares_rounded(capsys):
    import pandas as pd

    from rmis.cli.analytics import print_table

    frame = pd.DataFrame(
        {
            "month": [pd.Timestamp("2024-12-01"), pd.Timestamp("2025-01-01")],
            "bcp_code": ["UZB-TMJ", "KAZ-ALA"],
            "movement_type": ["short_visit", "local_border"],
            "median_days": [251.0, 30.0],
            "ratio": [1.23456, 0.5],
            "origin_share": [1 / 3, 2 / 3],
        }
    )
    print_table(frame, "a caption")
    out = capsys.readouterr().out
    assert "UZB-TMJ Termez Airport" in out and "short visit" in out
    assert "2024-12-01" in out and "00:00" not in out
    assert " 251 " in out and "251.0" not in out
    assert "1.23" in out and "1.23456" not in out
    assert "33.3%" in out and "0.333" not in out
    assert "median days" in out and "a caption" in out
    print_table(frame.iloc[:0], None)  # no row: the headers alone
    assert "median days" in capsys.readouterr().out
