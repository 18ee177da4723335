"""The names the region draws (pools, frequencies, female forms, MRZ spellings) and the keying
slips of rows typed by hand: where they fall, what they change, and that the truth never
sees them."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmis.synth.name_data import GIVEN, KAZ_SURNAME_COUNTS
from rmis.synth.name_pools import (
    GIVEN_TOP_SHARE,
    SURNAME_EXPONENT,
    feminine,
    mrz_spelling,
    mrz_system,
    pool_for,
    top_share_exponent,
    with_suffix,
)
from rmis.synth.recording import Noise, _birth_slips
from rmis.synth.region import SynthConfig, generate

END = date(2026, 10, 31)
PEOPLES = ("KAZ", "KGZ", "TJK", "UZB", "TKM", "RUS")
MRZ_NAME = re.compile(r"[A-Z]+( [A-Z]+)*")


@pytest.mark.parametrize("nationality", PEOPLES)
def test_each_people_has_hundreds_of_surnames_on_a_power_law_of_rank(nationality):
    pool = pool_for(nationality)
    shares = pool.surnames.shares()
    assert len(set(pool.surnames.names)) == len(pool.surnames.names)
    assert len(pool.surnames.names) >= (700 if nationality not in ("RUS", "TKM") else 250)
    ranks = np.arange(1, len(shares) + 1)
    assert np.allclose(shares[0] / shares, ranks**SURNAME_EXPONENT)
    # The commonest holds a few per cent at most, and no name is as common as all the rest.
    assert 0.005 < shares[0] < 0.05
    for names in (pool.male, pool.female):
        assert abs(names.shares()[0] - GIVEN_TOP_SHARE) < 1e-6
        assert len(names.names) >= 50


def test_the_kazakh_list_starts_with_the_published_commonest_in_their_order():
    names = pool_for("KAZ").surnames.names
    published = [name for name, _ in KAZ_SURNAME_COUNTS]
    assert list(names[: len(published)]) == published
    counts = [count for _, count in KAZ_SURNAME_COUNTS]
    assert counts == sorted(counts, reverse=True)


def test_chinese_surnames_hold_their_published_shares():
    pool = pool_for("CHN")
    shares = dict(zip(pool.surnames.names, pool.surnames.shares(), strict=True))
    # Wang and Li absorb their pinyin homophones (汪 WANG, 黎 LI); Zhang has none.
    assert abs(shares["ZHANG"] - 0.0683 / 0.8477) < 1e-9
    assert shares["WANG"] > shares["LI"] > shares["ZHANG"] > shares["LIU"]
    assert len(pool.male.names) > 400 and shares["WANG"] < 0.1


@pytest.mark.parametrize("nationality", (*PEOPLES, "CHN", "TUR", "XXX"))
def test_every_name_is_spelt_in_the_mrz_as_letters(nationality):
    pool = pool_for(nationality)
    systems = {mrz_system(nationality, date(2010, 1, 1)), mrz_system(nationality, date(2024, 1, 1))}
    names = pool.surnames.names + pool.female_surnames + pool.male.names + pool.female.names
    for system in systems:
        for name in names:
            assert MRZ_NAME.fullmatch(mrz_spelling(name, system)), (name, system)


def test_female_forms():
    assert feminine("Каримов") == "Каримова"
    assert feminine("Жұмабаев") == "Жұмабаева"
    assert feminine("Ахметұлы") == "Ахметқызы"
    assert feminine("Асан уулу") == "Асан кызы"
    assert feminine("Покровский") == "Покровская"
    assert feminine("Durdyyev") == "Durdyyeva"
    for unchanged in ("Раҳмонзода", "Саидӣ", "Серік", "WANG"):
        assert feminine(unchanged) == unchanged
    pool = pool_for("KGZ")
    for male, female in zip(pool.surnames.names, pool.female_surnames, strict=True):
        assert female == feminine(male)


def test_surnames_from_a_forefathers_name():
    assert with_suffix("Ахмет", "ов") == "Ахметов"
    assert with_suffix("Жұмабай", "ов") == "Жұмабаев"
    assert with_suffix("Тўра", "ов") == "Тўраев"
    assert with_suffix("Эргаш", "ов") == "Эргашев"
    assert with_suffix("Berdi", "ov") == "Berdiyev"
    assert with_suffix("Oraz", "ov") == "Orazov"
    assert with_suffix("Раҳмон", "зода") == "Раҳмонзода"


@given(st.integers(1, 400), st.floats(0.001, 0.5))
def test_the_given_name_law_puts_the_asked_share_first(n, top):
    weights = np.arange(1, n + 1, dtype=float) ** -top_share_exponent(n, top)
    first = weights[0] / weights.sum()
    assert first == pytest.approx(max(top, 1 / n), rel=1e-6)


def test_given_names_are_distinct_per_people_and_sex():
    for nationality, by_sex in GIVEN.items():
        for sex, names in by_sex.items():
            assert len(names) == len(set(names)), (nationality, sex)


# -- keying slips ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def region():
    return generate(SynthConfig(travellers=6000, years=2, seed=5, end=END))


def _rows_with_truth(region):
    documents = {(d["issuing_state"], d["document_number"]): d
                 for d in region.documents.to_pylist()}  # fmt: skip
    genuine = {(r["issuing_state"], r["document_number"]): r["genuine_document_number"]
               for r in region.recorded_documents.to_pylist()}  # fmt: skip
    birth = {p["person_id"]: p["birth_date"] for p in region.people.to_pylist()}
    for row in region.crossings.to_pylist():
        key = (row["issuing_state"], row["document_number"])
        truth = documents[(row["issuing_state"], genuine[key])]
        yield row, truth, birth[truth["person_id"]]


def test_keying_slips_fall_on_typed_rows_and_reading_slips_on_scanned_ones(region):
    noise = region.config.noise
    changed: Counter = Counter()
    rows = 0
    for row, truth, born in _rows_with_truth(region):
        rows += 1
        keyed = {
            "surname": row["surname"] != truth["surname"],
            "given_names": row["given_names"] != truth["given_names"],
            "birth_date": row["birth_date"] != born,
        }
        misread = row["document_number"] != truth["document_number"]
        # A row is typed or scanned: never a keying slip and an OCR slip on one row.
        assert not (misread and any(keyed.values())), row
        assert misread == (not row["mrz_valid"])
        changed.update(k for k, v in keyed.items() if v)
        changed["misread"] += misread
        if keyed["birth_date"]:
            a, b = row["birth_date"].strftime("%Y%m%d"), born.strftime("%Y%m%d")
            assert sum(x != y for x, y in zip(a, b, strict=True)) == 1
            assert date(1900, 1, 1) <= row["birth_date"] <= row["occurred_at"].date()
    expected = {"surname": noise.typo_rate, "given_names": noise.given_typo_rate,
                "misread": noise.ocr_rate}  # fmt: skip
    for what, rate in expected.items():
        # A slip that changes nothing (a doubled letter of a short name...) is rare.
        assert 0.6 * rate * rows < changed[what] < 1.4 * rate * rows, (what, changed, rows)
    # Birth-date slips the form refuses (no date, before 1900, after the crossing) are typed
    # again: fewer than asked are kept, but some are.
    assert 0.2 * noise.birth_slip_rate * rows < changed["birth_date"]
    assert changed["birth_date"] < noise.birth_slip_rate * rows


def test_a_clean_record_types_nothing_wrong():
    clean = Noise(typo_rate=0, ocr_rate=0, given_typo_rate=0, birth_slip_rate=0)
    region = generate(SynthConfig(travellers=1500, years=1, seed=5, end=END, noise=clean))
    for row, truth, born in _rows_with_truth(region):
        assert (row["surname"], row["given_names"], row["birth_date"]) == (
            truth["surname"], truth["given_names"], born)  # fmt: skip


def test_birth_slips_keep_only_calendar_dates_up_to_the_crossing():
    rng = np.random.default_rng(3)
    born = np.full(5000, date(1999, 12, 31).toordinal(), np.int64)
    day = np.full(5000, date(2026, 1, 1).toordinal(), np.int64)
    typed = _birth_slips(rng, born, day)
    kept = typed[typed != born]
    assert 0 < len(kept) < len(born)
    for ordinal in kept.tolist():
        assert date(1900, 1, 1) <= date.fromordinal(ordinal) <= date(2026, 1, 1)


def test_slips_cannot_outnumber_the_rows_typed():
    with pytest.raises(ValueError, match="typed by hand"):
        generate(SynthConfig(travellers=100, years=1, seed=1, end=END,
                             noise=Noise(typo_rate=0.2, typed_rate=0.1)))  # fmt: skip
