"""Group patterns: the way back tells a companion from a guide, a teacher or a family; never a
pattern while the adult is still inside; and on the synthetic region's labelled parties."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from rmis.protection import Seen, find_patterns
from rmis.protection.patterns import family_root, parties
from rmis.synth.region import SynthConfig, generate

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
ADULT_BORN = date(1980, 1, 1)


def party(people, day, *, direction="entry", officer="A", bcp="KAZ-KORDAI-ROAD"):
    at = T0 + timedelta(days=day)
    return [
        Seen(who, bcp, direction, at + timedelta(seconds=30 * i), officer, surname, born)
        for i, (who, surname, born) in enumerate(people)
    ]


def adult(name="KARIMOV", who="companion"):
    return (who, name, ADULT_BORN)


def group(tag, size=4, born=date(2004, 1, 1)):
    return [(f"{tag}{i}", f"SURNAME{tag}{i}", born) for i in range(size)]


def test_a_companion_who_leaves_groups_behind_twice():
    seen = party([adult(), *group("a")], 0) + party([adult()], 5, direction="exit")
    seen += party([adult(), *group("b")], 40) + party([adult()], 44, direction="exit")
    [pattern] = find_patterns(seen)
    assert (pattern.kind, pattern.traveller, len(pattern.parties)) == ("companion", "companion", 2)
    assert pattern.people == {f"a{i}" for i in range(4)} | {f"b{i}" for i in range(4)}


def test_a_guide_who_leaves_with_the_group_is_no_pattern():
    seen = []
    for day, tag in ((0, "a"), (40, "b"), (80, "c")):
        members = [adult(), *group(tag)]
        seen += party(members, day) + party(members, day + 6, direction="exit")
    assert find_patterns(seen) == []


def test_a_driver_whose_passengers_went_home_later_is_no_longer_a_pattern():
    seen = []
    for day, tag in ((0, "a"), (40, "b")):
        seen += party([adult(), *group(tag)], day) + party([adult()], day + 1, direction="exit")
    [offered] = find_patterns(seen)  # while the passengers are still inside
    assert offered.kind == "companion"
    for day, tag in ((120, "a"), (160, "b")):  # home after the season, on their own
        seen += party(group(tag), day, direction="exit", officer="Z")
    assert find_patterns(seen) == []


def test_the_same_people_twice_is_a_family_not_a_pattern():
    family = [adult(), *group("kid", 3, born=date(2015, 1, 1))]
    seen = party(family, 0) + party([adult()], 5, direction="exit")
    seen += party(family, 60) + party([adult()], 64, direction="exit")
    assert find_patterns(seen) == []


def test_children_of_other_families_left_behind():
    seen = []
    for day, tag in ((0, "x"), (50, "y")):
        seen += party([adult(), *group(tag, 2, born=date(2012, 1, 1))], day)
        seen += party([adult()], day + 2, direction="exit")
    kinds = {p.kind for p in find_patterns(seen)}
    assert kinds == {"companion", "unrelated_minors"}
    # Children of the adult's own family (a feminine ending aside) are not "other families".
    own = [("c1", "KARIMOVA", date(2012, 1, 1)), ("c2", "KARIMOV", date(2013, 1, 1))]
    own2 = [("c3", "KARIMOVA", date(2014, 1, 1))]
    seen = party([adult(), *own], 0) + party([adult()], 2, direction="exit")
    seen += party([adult(), *own2], 50) + party([adult()], 52, direction="exit")
    assert all(p.kind != "unrelated_minors" for p in find_patterns(seen))


def test_never_judged_while_the_adult_is_inside():
    seen = party([adult(), *group("a")], 0) + party([adult()], 5, direction="exit")
    seen += party([adult(), *group("b")], 40)  # still inside
    assert find_patterns(seen) == []


def test_another_booth_or_a_long_gap_is_another_party():
    seen = party([adult()], 0) + party(group("a"), 0, officer="B")
    assert [set(p.members) for p in parties(seen)] == [{f"a{i}" for i in range(4)}]
    late = Seen("late", "KAZ-KORDAI-ROAD", "entry", T0 + timedelta(minutes=10), "A", "X",
                ADULT_BORN)  # fmt: skip
    far = [*party([adult()], 0), late]
    assert parties(far) == []


def test_family_roots():
    assert family_root("KARIMOVA") == family_root("KARIMOV") == "KARIM"
    assert family_root("AKHMETKYZY") == family_root("AKHMETULY")
    assert family_root("RAHMONZODA") != family_root("KARIMOV")


people_ids = st.lists(st.integers(0, 40), min_size=2, max_size=8, unique=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(people_ids, st.integers(0, 300), st.integers(1, 20)), min_size=1,
                max_size=8), st.randoms())  # fmt: skip
def test_whoever_leaves_with_their_party_shows_no_pattern_in_any_order(trips, rnd):
    """Property: parties whose members all leave together with them show no pattern, and
    the answer does not depend on the order crossings are read in."""
    seen = []
    for n, (members, day, stay) in enumerate(trips):
        people = [(f"p{m}", f"N{m}", date(1960 + m, 1, 1)) for m in members]
        seen += party(people, day * 2, officer=f"O{n}")
        seen += party(people, day * 2 + 1 + stay / 100, direction="exit", officer=f"X{n}")
    assert find_patterns(seen) == []
    shuffled = seen[:]
    rnd.shuffle(shuffled)
    assert find_patterns(shuffled) == find_patterns(seen)


def test_the_synthetic_region_labels_patterns_and_their_look_alikes():
    config = SynthConfig(travellers=300, years=2, seed=3, end=date(2026, 6, 30),
                         protection_groups=2)  # fmt: skip
    region = generate(config)
    truth = region.groups.to_pylist()
    kinds = {r["kind"] for r in truth}
    assert kinds == {"companion", "unrelated_minors", "family", "tour", "school", "driver"}
    rows = [r for r in region.crossings.to_pylist() if r["document_number"].startswith("G")]
    seen = [Seen(r["document_number"], r["bcp"], r["direction"], r["occurred_at"], r["officer"],
                 r["surname"], r["birth_date"]) for r in rows]  # fmt: skip
    flagged = {int(p.traveller[1:]) for p in find_patterns(seen)}
    adults = {r["person_id"]: r["kind"] for r in truth if r["role"] == "adult"}
    trafficking = {p for p, k in adults.items() if k in ("companion", "unrelated_minors")}
    assert trafficking <= flagged  # every labelled pattern is offered
    innocent = {adults[p] for p in flagged - trafficking if p in adults}
    assert innocent <= {"driver"}  # families, tours and school trips are not
    # Minors travel with unrelated adults in the labelled parties.
    assert any(r["role"] == "member" and r["kind"] == "unrelated_minors" for r in truth)


def test_without_the_flag_the_region_is_as_it_was():
    base = SynthConfig(travellers=300, years=1, seed=5, end=date(2026, 6, 30))
    plain = generate(base)
    assert plain.groups is None
    with_groups = generate(replace(base, protection_groups=1))
    # The parties are drawn from a stream of their own: the region's rows are the same.
    theirs = with_groups.crossings.filter(
        pc.invert(pc.starts_with(with_groups.crossings["document_number"], "G"))
    )
    assert theirs.num_rows == plain.crossings.num_rows
    assert theirs.sort_by("crossing_id").equals(plain.crossings.sort_by("crossing_id"))
    assert with_groups.people.slice(0, plain.people.num_rows).equals(plain.people)
