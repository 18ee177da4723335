"""Journey keys against the synthetic region's truth: exits linked to the entries that follow
them in another state, on the keys alone; journeys traced over several borders; keys made
under another secret never meet; the keys carry no identity in the clear."""

from __future__ import annotations

import contextlib
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmis.exchange import regional
from rmis.exchange.journeys import (
    KEY_COLUMNS,
    Secret,
    clks,
    encode,
    link,
    normalise_name,
    read_keys,
    trace,
    write_keys,
)
from rmis.reference.bcps import load_bcps
from rmis.synth.region import SynthConfig, generate

SECRET = Secret(b"the secret the states of the region agreed on!!")


@pytest.fixture(scope="module")
def region():
    """Admitted crossings of 800 travellers over a year, with their person and local day."""
    made = generate(SynthConfig(travellers=800, years=1, seed=5, end=date(2026, 6, 30)))
    c = made.crossings.to_pandas()
    owners = made.recorded_documents.to_pandas()[
        ["issuing_state", "document_number", "document_type", "person_id"]
    ]
    c = c.merge(owners, on=["issuing_state", "document_number", "document_type"], how="left")
    bcps = load_bcps()
    c["host_state"] = c.bcp.map(lambda b: bcps[b].state)
    c["partner"] = c.bcp.map(lambda b: bcps[b].neighbour or bcps[b].mode.upper())
    c["local_date"] = [
        t.tz_convert(bcps[b].time_zone).date()
        for t, b in zip(pd.to_datetime(c.occurred_at), c.bcp, strict=True)
    ]
    c["token"] = c.crossing_id
    return c[c.outcome == "admitted"].reset_index(drop=True)


def _truth(c: pd.DataFrame) -> set:
    s = c.sort_values(["person_id", "occurred_at"])
    nxt = s.shift(-1)
    hop = (s.direction == "exit") & (nxt.direction == "entry") & (nxt.person_id == s.person_id)
    hop &= nxt.host_state != s.host_state
    return set(zip(s.token[hop], nxt.token[hop], strict=True))


def _f1(found: set, truth: set) -> tuple[float, float, float]:
    tp = len(found & truth)
    p, r = tp / len(found), tp / len(truth)
    return p, r, 2 * p * r / (p + r)


@pytest.fixture(scope="module")
def keys(region):
    # Each node encodes its own crossings; the hub gets only the keys.
    return pd.concat(
        [encode(part, SECRET) for _, part in region.groupby("host_state")], ignore_index=True
    )


def test_exits_are_linked_to_entries_on_the_keys_alone(region, keys):
    truth = _truth(region)
    assert len(truth) > 500
    links = link(keys)
    p, r, f1 = _f1(set(zip(links.exit_token, links.entry_token, strict=True)), truth)
    assert f1 >= 0.99, (p, r)
    clk_only = link(keys, documents=False)
    p, r, f1 = _f1(set(zip(clk_only.exit_token, clk_only.entry_token, strict=True)), truth)
    assert f1 >= 0.99, (p, r)


def test_journeys_are_traced_across_several_borders(region, keys):
    """Journeys of three borders or more (Tajikistan -> Uzbekistan -> Kazakhstan -> Russia and
    the like) traced on the keys' links are the journeys traced on the true links."""
    truth = _truth(region)
    true_links = pd.DataFrame(sorted(truth), columns=["exit_token", "entry_token"])
    on_truth = trace(keys, true_links)
    on_keys = trace(keys, link(keys))
    expected = on_truth[on_truth.borders >= 3].states.value_counts()
    found = on_keys[on_keys.borders >= 3].states.value_counts()
    assert expected.sum() > 20
    assert any(path.startswith("TJK>UZB>KAZ") for path in expected.index)
    for path, count in expected.items():
        assert found.get(path, 0) >= 0.95 * count, path
    assert found.sum() <= 1.05 * expected.sum()


def test_keys_under_another_secret_never_meet(region):
    exits = region[region.direction == "exit"]
    entries = region[region.direction == "entry"]
    other = Secret(b"another secret, of two other states of the region")
    mixed = pd.concat([encode(exits, SECRET), encode(entries, other)], ignore_index=True)
    assert link(mixed).empty
    assert link(mixed.iloc[:0]).empty and link(mixed[mixed.direction == "exit"]).empty


def test_the_keys_carry_no_identity(region, keys):
    text = write_keys(keys)
    sent = read_keys(text)
    assert list(sent.columns) == KEY_COLUMNS
    # The BCP is the reference's code (public, and some are named like people: Gulbahor).
    assert set(sent.bcp) <= set(load_bcps())
    sent = sent.drop(columns="bcp")
    values = set(sent.drop(columns="local_date").to_numpy().ravel())
    identity = set(region.surname.map(normalise_name)) | set(region.given_names)
    identity |= set(region.document_number) | set(region.birth_date.astype(str))
    assert not values & identity
    # Neither in any field nor inside one (long enough not to turn up in base64 by chance).
    long_ones = [v for v in identity if len(v) >= 8]
    text = write_keys(sent.assign(bcp=""))
    assert not any(v in text for v in long_ones)


def test_a_mistyped_name_still_scores_high_and_another_person_low(region):
    one = region.iloc[[0]].copy()
    typo = one.copy()
    typo["surname"] = one.surname.iloc[0][:-1] + ("A" if one.surname.iloc[0][-1] != "A" else "E")
    other = region[region.person_id != one.person_id.iloc[0]].iloc[[0]]
    a, b, c = (clks(encode(x, SECRET)) for x in (one, typo, other))

    def dice(x, y):
        both = np.bitwise_count(x & y).sum()
        return 2 * both / (np.bitwise_count(x).sum() + np.bitwise_count(y).sum())

    assert dice(a, b) >= 0.85
    assert dice(a, c) < 0.7


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.assign(surname="IVANOV"), "exactly the columns"),
        (lambda f: f.assign(doc_key="ab"), "64 hex"),
        (lambda f: f.assign(clk="AAAA"), "512 bits"),
        (lambda f: f.assign(direction="through"), "entry or exit"),
        (lambda f: f.assign(local_date="07/01/2026"), "YYYY-MM-DD"),
        (lambda f: f.assign(hour="2026-07-01 10:00"), "YYYY-MM-DDTHH"),
        (lambda f: f.assign(hour="2026-02-30T10"), "a real hour"),
        (lambda f: f.assign(bcp="NOWHERE"), "known BCP"),
        (lambda f: f.assign(host_state="RUS"), "known BCP"),  # a BCP of another state
        (lambda f: f.drop(columns=["bcp", "hour"]), "encode them again"),
        (lambda f: pd.concat([f, f]), "twice"),
    ],
)
def test_bad_keys_are_refused(keys, change, message):
    bad = change(keys.head(3).copy())
    with pytest.raises(ValueError, match=message):
        read_keys(bad.to_csv(index=False))


def _crossing(person: int, direction: str, bcp: str, at: str, **identity) -> dict:
    bcps = load_bcps()
    row = {
        "surname": ["KARIMOV", "SAIDOVA", "TURSUNOV"][person],
        "given_names": ["AZIZ", "DILNOZA", "BOBUR"][person],
        "birth_date": ["1990-04-02", "1985-11-30", "2001-01-17"][person],
        "sex": ["M", "F", "M"][person],
        "issuing_state": "UZB",
        "document_type": "P",
        "document_number": f"FA{person:07d}",
        "host_state": bcps[bcp].state,
        "direction": direction,
        "partner": bcps[bcp].neighbour or bcps[bcp].mode.upper(),
        "bcp": bcp,
        "occurred_at": pd.Timestamp(at, tz="UTC"),
        "local_date": pd.Timestamp(at).date(),
        "token": f"{person}-{direction}-{bcp}-{at}",
    }
    return {**row, **identity}


def _links(*rows: dict, documents: bool = True) -> set:
    keys = encode(pd.DataFrame(rows), SECRET)
    found = link(keys, documents=documents)
    return set(zip(found.exit_token, found.entry_token, strict=True))


# One land crossing's two posts, another post on the same border, and two airports.
KAZ_SIDE, UZB_SIDE, OTHER_UZB = "KAZ-ZHIBEK-ZHOLY-ROAD", "UZB-GISHT-KUPRIK-ROAD", "UZB-NAVOI-ROAD"


@pytest.mark.parametrize("documents", [True, False])
def test_a_land_crossing_links_its_two_posts_within_the_window(documents):
    out = _crossing(0, "exit", KAZ_SIDE, "2026-03-02T10:10")
    across = _crossing(0, "entry", UZB_SIDE, "2026-03-02T10:50")
    assert _links(out, across, documents=documents) == {(out["token"], across["token"])}
    # The same person entering at another post of that border is another crossing's entry.
    elsewhere = _crossing(0, "entry", OTHER_UZB, "2026-03-02T10:50")
    assert _links(out, elsewhere, documents=documents) == set()
    # An entry more than the window after the exit, or clearly before it, is not its entry.
    late = _crossing(0, "entry", UZB_SIDE, "2026-03-02T23:10")
    before = _crossing(0, "entry", UZB_SIDE, "2026-03-02T07:50")
    assert _links(out, late, documents=documents) == set()
    assert _links(out, before, documents=documents) == set()
    # Two states' clocks: an entry stamped in the hour before the exit's still links.
    skewed = _crossing(0, "entry", UZB_SIDE, "2026-03-02T09:55")
    assert _links(out, skewed, documents=documents) == {(out["token"], skewed["token"])}


def test_a_flight_links_any_airport_of_another_state_within_a_day():
    out = _crossing(1, "exit", "KAZ-ALA", "2026-03-02T22:00")
    landed = _crossing(1, "entry", "UZB-TAS", "2026-03-03T03:30")
    home = _crossing(1, "entry", "KAZ-NQZ", "2026-03-03T01:00")  # back in Kazakhstan
    assert _links(out, landed, home) == {(out["token"], landed["token"])}
    too_late = _crossing(1, "entry", "UZB-TAS", "2026-03-04T00:30")
    assert _links(out, too_late) == set()


def test_a_new_passport_is_linked_by_the_clk_and_a_shuttles_trips_each_to_its_own():
    out = _crossing(2, "exit", KAZ_SIDE, "2026-03-02T08:00")
    renewed = _crossing(2, "entry", UZB_SIDE, "2026-03-02T08:30", document_number="FB1234567")
    assert _links(out, renewed) == {(out["token"], renewed["token"])}
    # A shuttle trader across the same post twice in one window: each exit to its own entry,
    # in whatever order the rows come.
    back_out = _crossing(2, "exit", KAZ_SIDE, "2026-03-02T14:00")
    back_in = _crossing(2, "entry", UZB_SIDE, "2026-03-02T14:20")
    first_in = _crossing(2, "entry", UZB_SIDE, "2026-03-02T08:30")
    expected = {(out["token"], first_in["token"]), (back_out["token"], back_in["token"])}
    assert _links(back_in, back_out, first_in, out) == expected


def test_what_the_blocks_compare_is_counted(keys):
    counts: dict = {}
    found = link(keys, counts=counts)
    assert counts["pairs_by_document"] >= len(found) * 0.95
    exits = int((keys.direction == "exit").sum())
    # Only what the document keys leave is compared by Dice, a small share of every pair.
    assert 0 < counts["exits_to_dice"] < exits * 0.1
    assert counts["dice_comparisons"] < exits * (len(keys) - exits) / 1000


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_keys_or_a_clear_error(text):
    with contextlib.suppress(ValueError):
        read_keys(text)


def _free_cells_at_least(frame: pd.DataFrame, column: str, k: int) -> None:
    shown = frame[column].dropna().astype(int)
    assert ((shown == 0) | (shown >= k)).all()


def test_the_hubs_regional_tables_are_protected(keys):
    links, journeys = regional.linked(keys.assign(agreement="A"))
    paths = regional.journeys_by_path(journeys, k=5)
    assert paths.journeys.isna().any()  # rare paths are suppressed
    _free_cells_at_least(paths, "journeys", 5)
    by_corridor = regional.corridors(links, k=5)
    _free_cells_at_least(by_corridor, "journeys", 5)
    assert by_corridor.journeys.sum() > 0
    through = regional.transit(journeys, k=5)
    _free_cells_at_least(through, "journeys", 5)
    assert set(through.state) >= {"KAZ", "UZB"}
    mirrored = regional.mirror(keys, links, k=5)
    shown = mirrored.dropna()
    assert (shown.linked <= shown.exits_recorded_by_origin).all()
    assert (shown.exits_recorded_by_origin + shown.entries_recorded_by_destination >= 5).all()


def test_regional_early_warning_finds_a_surge_at_one_border(keys):
    """Three times the usual arrivals into Kazakhstan from Uzbekistan over the last four days
    are found; the quiet region raises nothing there before."""
    last = pd.to_datetime(keys.local_date).max()
    quiet = regional.early_warning(keys)
    assert not ((quiet.host_state == "KAZ") & (quiet.border == "UZB")).any()
    usual = keys[(keys.host_state == "KAZ") & (keys.partner == "UZB")]
    usual = usual[usual.direction == "entry"]
    per_day = max(1, round(len(usual) / 365))
    rng = np.random.default_rng(3)
    extra = usual.sample(per_day * 2 * 4 + 40, replace=True, random_state=3).copy()
    extra["token"] = [f"extra{i}" for i in range(len(extra))]
    extra["local_date"] = [
        (last - pd.Timedelta(days=int(d))).strftime("%Y-%m-%d")
        for d in rng.integers(0, 4, len(extra))
    ]
    found = regional.early_warning(pd.concat([keys, extra], ignore_index=True))
    hit = found[(found.host_state == "KAZ") & (found.border == "UZB")]
    assert len(hit) == 1 and hit.observed.iloc[0] > hit.expected.iloc[0] * 2
