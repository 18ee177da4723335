"""What the synthetic region gives record linkage: personal numbers in the MRZ and the crossings,
national-script names and previous numbers from the issuing state's own records, the Kazakh
spelling change, and the truth of every document number the crossings name."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmis.documents import parse, personal_number
from rmis.names import mrz_fold
from rmis.synth.name_pools import KAZ_LATIN_MRZ_FROM, mrz_spelling, mrz_system
from rmis.synth.recording import NATIONAL_SCRIPT_STATES, Noise
from rmis.synth.region import SynthConfig, generate

END = date(2026, 10, 31)
# The states whose personal numbers the generator writes and rmis.documents reads.
VALID = {
    state: lambda number, state=state: personal_number(state, number) is not None
    for state in ("KAZ", "KGZ", "UZB")
}
# More misreadings than the default, so that every rule below meets some.
NOISY = Noise(typo_rate=0.003, ocr_rate=0.02)


@pytest.fixture(scope="module")
def region():
    # Five years: many passports are renewed within the period, across the Kazakh switch.
    return generate(SynthConfig(travellers=3000, years=5, seed=21, end=END, noise=NOISY))


@pytest.fixture(scope="module")
def documents(region):
    return region.documents.to_pylist()


@pytest.fixture(scope="module")
def crossings(region):
    return region.crossings.to_pylist()


@pytest.fixture(scope="module")
def genuine(region, documents):
    """(issuing state, number as recorded) -> the truth of the document it stands for."""
    by_number = {(d["issuing_state"], d["document_number"]): d for d in documents}
    return {
        (r["issuing_state"], r["document_number"]):
            by_number[(r["issuing_state"], r["genuine_document_number"])]
        for r in region.recorded_documents.to_pylist()
    }  # fmt: skip


def test_a_person_keeps_one_personal_number_on_every_passport(documents):
    by_person = defaultdict(list)
    for d in documents:
        by_person[d["person_id"]].append(d)
    renewed = 0
    for docs in by_person.values():
        state = docs[0]["issuing_state"]
        numbers = {d["optional_data"] for d in docs}
        assert len(numbers) == 1, docs
        (number,) = numbers
        if state in VALID:
            assert VALID[state](number), (state, number)
            renewed += len(docs) > 1
        else:
            assert number is None, (state, number)
    assert renewed > 50, "expected renewed Kazakh, Kyrgyz and Uzbek passports"
    given_numbers = [docs[0]["optional_data"] for docs in by_person.values()]
    given_numbers = [n for n in given_numbers if n is not None]
    assert len(given_numbers) == len(set(given_numbers)), "two people share a personal number"


def test_the_mrz_carries_the_personal_number(documents):
    for d in documents:
        mrz = parse([d["mrz_line1"], d["mrz_line2"]], today=END)
        assert mrz.valid, (d, mrz.errors)
        assert mrz.optional_data == (d["optional_data"] or "")


def test_crossings_carry_the_personal_number_of_the_document_even_when_misread(crossings, genuine):
    misread = 0
    for c in crossings:
        truth = genuine[(c["issuing_state"], c["document_number"])]
        assert c["optional_data"] == truth["optional_data"]
        if c["document_number"] != truth["document_number"]:
            misread += 1
            assert not c["mrz_valid"]
            assert c["previous_document_number"] in (None, truth["previous_document_number"])
    assert misread > 50


def test_recorded_documents_name_every_document_number_of_the_crossings_once(
    region, crossings, documents
):
    recorded = region.recorded_documents.to_pylist()
    keys = [(r["issuing_state"], r["document_number"], r["document_type"]) for r in recorded]
    assert len(keys) == len(set(keys))
    in_crossings = {(c["issuing_state"], c["document_number"], c["document_type"])
                    for c in crossings}  # fmt: skip
    assert set(keys) == in_crossings
    owner = {(d["issuing_state"], d["document_number"]): d["person_id"] for d in documents}
    phantoms = 0
    for r in recorded:
        assert owner[(r["issuing_state"], r["genuine_document_number"])] == r["person_id"]
        if r["misread"]:
            phantoms += 1
            assert (r["issuing_state"], r["document_number"]) not in owner
            assert r["document_number"] != r["genuine_document_number"]
        else:
            assert r["document_number"] == r["genuine_document_number"]
    assert phantoms > 20


def test_only_the_issuing_state_records_national_names_and_the_previous_number(crossings, genuine):
    national = previous = 0
    for c in crossings:
        truth = genuine[(c["issuing_state"], c["document_number"])]
        own = c["bcp"][:3] == c["issuing_state"]
        if own and c["issuing_state"] in NATIONAL_SCRIPT_STATES:
            assert c["national_surname"] == truth["national_surname"]
            assert c["national_given_names"] == truth["national_given_names"]
            national += 1
        else:
            assert c["national_surname"] is None and c["national_given_names"] is None, c
        expected = truth["previous_document_number"] if own else None
        assert c["previous_document_number"] == expected, c
        previous += expected is not None
    assert national > 1000 and previous > 100


def test_kazakh_passports_spell_names_in_the_latin_alphabet_from_the_switch(documents):
    changed = 0
    by_person = defaultdict(list)
    for d in documents:
        if d["issuing_state"] != "KAZ":
            continue
        latin = d["issued"] >= KAZ_LATIN_MRZ_FROM
        system = "kk_latin_2021_mrz" if latin else "kk_passport"
        assert d["surname"] == mrz_spelling(d["national_surname"], system)
        assert d["given_names"] == mrz_spelling(d["national_given_names"], system)
        by_person[d["person_id"]].append(d)
    for docs in by_person.values():
        for old, new in pairwise(docs):
            assert old["national_surname"] == new["national_surname"]
            crossed = old["issued"] < KAZ_LATIN_MRZ_FROM <= new["issued"]
            spelled_apart = (old["surname"], old["given_names"]) != (
                new["surname"], new["given_names"])  # fmt: skip
            if not crossed:
                assert not spelled_apart
            changed += spelled_apart
    assert changed > 10, "expected renewals across the switch that change the spelling"


def test_without_the_switch_kazakh_spellings_never_change():
    config = SynthConfig(travellers=1500, years=5, seed=21, end=END, kaz_latin_from=None)
    docs = [d for d in generate(config).documents.to_pylist() if d["issuing_state"] == "KAZ"]
    assert docs
    for d in docs:
        assert d["surname"] == mrz_spelling(d["national_surname"], "kk_passport")


@given(st.dates(date(1995, 1, 1), date(2040, 1, 1)), st.dates(date(2000, 1, 1), date(2035, 1, 1)))
def test_only_kazakhstan_changes_system_and_only_after_its_switch(issued, switch):
    kaz = mrz_system("KAZ", issued, switch)
    assert kaz == ("kk_latin_2021_mrz" if issued >= switch else "kk_passport")
    assert mrz_system("KAZ", issued, None) == "kk_passport"
    for state in ("KGZ", "TJK", "UZB", "TKM"):
        assert mrz_system(state, issued, switch) == mrz_system(state, issued - timedelta(3650))


def test_uzbek_latin_reform_drafts_would_not_change_the_mrz():
    """The 2021 draft Uzbek alphabet (Ō Ḡ Ş Ç for Oʻ Gʻ Sh Ch) folds to the same A-Z letters,
    so Uzbek MRZ spellings stay as they are even if it were adopted."""
    assert mrz_fold("Ōtkir Ḡulomov Şerzod Çori") == mrz_fold("Oʻtkir Gʻulomov Sherzod Chori")


def test_noise_never_reaches_the_truth(region):
    clean = generate(replace(region.config, noise=Noise(typo_rate=0, ocr_rate=0)))
    assert clean.documents.equals(region.documents)
    assert clean.people.equals(region.people)
