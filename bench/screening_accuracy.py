"""Accuracy of screening on the real alert lists, with OpenSanctions' matcher as the peer.

The lists (UN Security Council consolidated XML, OFAC SDN + alt CSV) are read by rmis's
readers and indexed with their aliases and original-script names LEFT OUT; each of those names
is then screened as a traveller (with the entry's birth date, nationality and sex as a
passport carries them, and with the name alone), and must find its own entry. Travellers on no
list (yente's generated negatives, Faker's locales of the region and its neighbours, the
synthetic region's Kazakh, Kyrgyz and Tajik pools, all seeded) give the false hits. The alias
classes and their rule are in screening_sets.py.

Figures, for rmis and the peer alike: recall (the right entry among the hits) by alias class,
with and without the birth date, against false hits per 1,000 negative travellers (every hit of
a negative counted) at a grid of thresholds; and each one's threshold where false hits are at
most 1 per 1,000, with its recall there. rmis's is the default threshold this bench chooses.

Peer: nomenklatura's logic-v2 (the algorithm yente scores with), default configuration, on
FollowTheMoney Person entities (name, birthDate, nationality, gender) built from the same
entries and travellers. nomenklatura scores pairs, it does not search, so it is given
candidates: every listed person sharing a word with the traveller (rmis's transliteration key
of the ASCII form normality gives, the way yente's index folds scripts, words of 3+ letters),
plus every entry rmis hit, plus, for a positive, its own entry always. The last is generous:
the peer's recall measures its scorer alone, rmis's its search and scorer together (the JSON
also gives the peer's recall had it not been handed its entry). Its false hits can only come
from those candidates; rmis's from its whole index.

Prints JSON; writes it to --out (default /work/bench-out/screening_accuracy.json) as well.
Run: .venv/bin/python bench/screening_accuracy.py   (defaults: both lists, 8,000 yente negatives,
     300 a Faker locale or synthetic nationality, 1,000 other-name aliases a list; ~5 minutes)
     flags: --lists un,ofac --yente N --per-locale N --other-limit N (-1 all) --ofac-limit N
     --seed N --floor X --no-peer --no-rmis --out FILE
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from rmis.screening.entries import ListEntry, MalformedEntry
from rmis.screening.formats import read
from screening_sets import (
    CLASSES,
    OTHER_NAME,
    SPELLING_VARIANT,
    Probe,
    Scored,
    blocking_keys,
    choose_threshold,
    compare,
    faker_negatives,
    false_hits_per_1000,
    index_entry,
    negative_scores,
    own_scores,
    peer_person,
    positive_probes,
    recall_at,
    sample_class,
    synth_negatives,
    threshold_grid,
    yente_negatives,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "alert-lists"
LISTS = {
    "un": (DATA / "un_sc_consolidated_2026-02-27.xml", None),
    "ofac": (DATA / "ofac_sdn_2021-07.csv", DATA / "ofac_alt_2021-07.csv"),
}
CURVE = (0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
MAX_FALSE_PER_1000 = 1.0


def load_lists(names: Sequence[str], ofac_limit: int | None) -> tuple[dict, dict]:
    """The persons of each list (ListEntry), and what the readers skipped."""
    entries: dict[str, list[ListEntry]] = {}
    report: dict[str, dict] = {}
    for name in names:
        path, alt = LISTS[name]
        reading = read(path, alt=alt) if alt else read(path)
        persons, malformed = [], []
        for item in reading:
            if isinstance(item, MalformedEntry):
                malformed.append(item)
            elif item.subject == "person":
                persons.append(item)
        if name == "ofac" and ofac_limit:
            persons = persons[:ofac_limit]
        entries[name] = persons
        report[name] = {"persons": len(persons), "malformed": len(malformed)}
    return entries, report


# -- rmis ----------------------------------------------------------------------------------------


def screen_with_rmis(entries: dict, probes: Sequence[Probe], floor: float) -> tuple[Scored, dict]:
    from rmis.screening.index import ScreeningIndex

    start = time.perf_counter()
    index = ScreeningIndex.build(
        (name, index_entry(e)) for name, listed in entries.items() for e in listed
    )
    built = time.perf_counter() - start
    scored: Scored = {}
    start = time.perf_counter()
    for probe in probes:
        best: dict[tuple[str, str], float] = {}
        for hit in index.screen(probe.traveller, floor):
            key = (hit.list, hit.entry_id)
            best[key] = max(best.get(key, 0.0), hit.score)
        scored[probe.traveller.id] = best
    seconds = time.perf_counter() - start
    return scored, {
        "index_built_s": round(built, 2),
        "screened": len(probes),
        "travellers_per_s": round(len(probes) / seconds, 1) if seconds else None,
    }


# -- the peer: nomenklatura logic-v2 -----------------------------------------------------------


def screen_with_peer(
    entries: dict, probes: Sequence[Probe], floor: float, rmis_scored: Scored | None
) -> tuple[Scored, dict, set[str]]:
    """The peer's scores of each traveller's candidates, its speed, and the travellers whose
    own entry was among the candidates only because the bench handed it over."""
    from nomenklatura.matching import get_algorithm

    algorithm = get_algorithm("logic-v2")
    if algorithm is None:
        raise RuntimeError("nomenklatura has no logic-v2 algorithm")
    config = algorithm.default_config()

    listed: list[tuple[str, ListEntry]] = [
        (name, index_entry(e)) for name, es in entries.items() for e in es
    ]
    position = {(name, e.entry_id): i for i, (name, e) in enumerate(listed)}
    candidates_of_key: dict[str, set[int]] = defaultdict(set)
    for i, (_, entry) in enumerate(listed):
        for key in blocking_keys([n.full for n in entry.names]):
            candidates_of_key[key].add(i)
    entities = [
        peer_person(f"{name}:{e.entry_id}", [n.full for n in e.names], e.birth_dates,
                e.nationalities, e.sex)
        for name, e in listed
    ]  # fmt: skip

    scored: Scored = {}
    pairs = 0
    pairs_by_kind: Counter[str] = Counter()
    handed: set[str] = set()
    start = time.perf_counter()
    for probe in probes:
        t = probe.traveller
        chosen: set[int] = set()
        for key in blocking_keys(t.names):
            chosen |= candidates_of_key.get(key, set())
        if rmis_scored is not None:
            chosen |= {position[k] for k in rmis_scored.get(t.id, {}) if k in position}
        own = (probe.list_name or "", probe.entry_id or "")
        if own in position and position[own] not in chosen:
            handed.add(t.id)  # only there because the bench knows the answer
            chosen.add(position[own])
        query = peer_person(
            t.id,
            t.names,
            [t.birth_date] if t.birth_date else [],
            [t.nationality] if t.nationality else [],
            t.sex,
        )
        best: dict[tuple[str, str], float] = {}
        for i in chosen:
            score = algorithm.compare(query, entities[i], config).score
            if score >= floor:
                best[(listed[i][0], listed[i][1].entry_id)] = score
        pairs += len(chosen)
        pairs_by_kind[probe.kind.split(":")[0]] += len(chosen)
        scored[t.id] = best
    seconds = time.perf_counter() - start
    return (
        scored,
        {
            "pairs_scored": pairs,
            "pairs_per_traveller": round(pairs / len(probes), 1) if probes else 0,
            "pairs_per_s": round(pairs / seconds, 1) if seconds else None,
            "pairs_by_kind": dict(pairs_by_kind),
            "candidates": "listed persons sharing a word key (3+ letters) with the traveller, "
            "plus rmis's hits, plus a positive's own entry",
            "own_entry_handed_over": len(handed),
        },
        handed,
    )


# -- figures -------------------------------------------------------------------------------------


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _groups(positives: Sequence[Probe]) -> dict[str, list[Probe]]:
    """Positives by list (and all lists), class and whether the birth date was given."""
    groups: dict[str, list[Probe]] = defaultdict(list)
    for p in positives:
        when = "with_birth_date" if p.with_birth_date else "name_only"
        groups[f"{p.list_name}/{p.kind}/{when}"].append(p)
        groups[f"all/{p.kind}/{when}"].append(p)
    return groups


def figures(
    scored: Scored, positives: Sequence[Probe], negatives: Sequence[Probe], floor: float
) -> dict:
    grid = threshold_grid(floor, 0.005)
    negative = negative_scores(negatives, scored)
    travellers = len(negatives)
    chosen = choose_threshold(grid, negative, travellers, MAX_FALSE_PER_1000)

    own = {group: own_scores(ps, scored) for group, ps in _groups(positives).items()}

    def recalls(threshold: float) -> dict:
        return {g: _round(recall_at(own[g], threshold)) for g in sorted(own)}

    def wrong_entry_hits(threshold: float) -> float:
        # Hits of positive travellers on an entry not theirs, per 1,000 positive travellers.
        wrong = sum(
            1
            for p in positives
            for key, score in scored.get(p.traveller.id, {}).items()
            if score >= threshold and key != (p.list_name, p.entry_id)
        )
        return round(1000 * wrong / len(positives), 2) if positives else 0.0

    by_source = Counter(p.kind for p in negatives)
    curve = []
    for threshold in sorted({*CURVE, *([chosen] if chosen is not None else [])}):
        curve.append(
            {
                "threshold": threshold,
                "false_hits_per_1000": round(
                    false_hits_per_1000(negative, travellers, threshold), 3
                ),
                "recall_spelling_variant_with_birth_date": _round(
                    recall_at(own.get("all/spelling_variant/with_birth_date", []), threshold)
                ),
                "recall_spelling_variant_name_only": _round(
                    recall_at(own.get("all/spelling_variant/name_only", []), threshold)
                ),
                "recall_original_script_with_birth_date": _round(
                    recall_at(own.get("all/original_script/with_birth_date", []), threshold)
                ),
                "recall_other_name_with_birth_date": _round(
                    recall_at(own.get("all/other_name/with_birth_date", []), threshold)
                ),
            }
        )
    at_chosen: dict = {"threshold": chosen}
    if chosen is not None:
        hit_travellers = sum(
            1
            for p in negatives
            if any(s >= chosen for s in scored.get(p.traveller.id, {}).values())
        )
        false_by_source = Counter(
            p.kind
            for p in negatives
            for s in scored.get(p.traveller.id, {}).values()
            if s >= chosen
        )
        at_chosen |= {
            "false_hits_per_1000": round(false_hits_per_1000(negative, travellers, chosen), 3),
            "negatives_with_a_hit": hit_travellers,
            "false_hits_by_source": dict(false_by_source),
            "wrong_entry_hits_per_1000_positives": wrong_entry_hits(chosen),
            "recall": recalls(chosen),
        }
    return {
        "negatives": travellers,
        "negatives_by_source": dict(by_source),
        "at_most_1_false_hit_per_1000": at_chosen,
        "curve": curve,
    }


def examples(
    scored: Scored,
    positives: Sequence[Probe],
    negatives: Sequence[Probe],
    listed: dict[tuple[str, str], str],
    threshold: float | None,
    n: int = 30,
) -> dict:
    """Spelling variants missed and false hits at the threshold, with the listed name: what
    the matcher's author reads (not a figure; the first `n`, in the order of the lists)."""
    if threshold is None:
        return {}

    def own(p: Probe) -> float:
        return scored.get(p.traveller.id, {}).get((p.list_name or "", p.entry_id or ""), -1.0)

    missed = [
        {"traveller": p.traveller.names[0], "listed": listed.get((p.list_name, p.entry_id)),
         "entry": f"{p.list_name}:{p.entry_id}", "score": round(own(p), 3)}
        for p in positives
        if p.kind == SPELLING_VARIANT and p.with_birth_date and own(p) < threshold
    ]  # fmt: skip
    false = [
        {"traveller": " / ".join(p.traveller.names), "born": str(p.traveller.birth_date),
         "source": p.kind, "listed": listed.get(key), "entry": ":".join(key),
         "score": round(score, 3)}
        for p in negatives
        for key, score in scored.get(p.traveller.id, {}).items()
        if score >= threshold
    ]  # fmt: skip
    return {"spelling_variants_missed": missed[:n], "false_hits": false[:n]}


def _tree() -> dict:
    """The commit measured, and whether the screening code differed from it (others may be
    editing it while the bench runs)."""
    import subprocess

    root = Path(__file__).resolve().parents[1]

    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        except OSError:
            return ""
        return done.stdout.strip()

    changed = git("status", "--porcelain", "--", "src/rmis/screening", "src/rmis/names")
    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "screening_code_changed": changed.splitlines(),
    }


def main(argv: Sequence[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lists", default="un,ofac", help="comma-separated: un, ofac")
    parser.add_argument("--yente", type=int, default=8000, help="yente negatives drawn")
    parser.add_argument("--per-locale", type=int, default=300, help="Faker/synth per locale")
    parser.add_argument(
        "--other-limit",
        type=int,
        default=1000,
        help="other-name aliases sampled per list (the largest class; 0 for none, -1 for all)",
    )
    parser.add_argument("--ofac-limit", type=int, default=None, help="first N OFAC persons")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--floor", type=float, default=0.3, help="lowest score kept and threshold tried"
    )
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--no-rmis", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("/work/bench-out/screening_accuracy.json"))
    args = parser.parse_args(argv)
    if args.other_limit is not None and args.other_limit < 0:
        args.other_limit = None

    names = [n.strip() for n in args.lists.split(",") if n.strip()]
    unknown = set(names) - set(LISTS)
    if unknown:
        parser.error(f"unknown lists: {', '.join(sorted(unknown))}; known: un, ofac")
    started = time.perf_counter()
    entries, read_report = load_lists(names, args.ofac_limit)
    dropped: dict[str, int] = {}
    positives = [p for n in names for p in positive_probes(n, entries[n], dropped=dropped)]
    other_names = sum(1 for p in positives if p.kind == OTHER_NAME and p.with_birth_date)
    if args.other_limit is not None:
        positives = sample_class(positives, OTHER_NAME, args.other_limit, args.seed)
    negatives = (
        yente_negatives(DATA / "yente_negatives_global.csv", args.yente, args.seed)
        + faker_negatives(args.per_locale, args.seed)
        + synth_negatives(args.per_locale, args.seed)
    )
    probes = positives + negatives
    listed = {
        (n, e.entry_id): next((x.full for x in e.names if x.kind == "primary"), e.names[0].full)
        for n in names
        for e in entries[n]
    }
    counts = Counter(f"{p.list_name}/{p.kind}" for p in positives if p.with_birth_date)

    result: dict = {
        "bench": "screening_accuracy",
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "bench/screening_accuracy.py " + " ".join(argv or sys.argv[1:]),
        "python": platform.python_version(),
        "tree": _tree(),
        "lists": read_report,
        "positives_per_class": dict(sorted(counts.items())),
        "other_names_on_the_lists": other_names,
        "other_names_sampled_per_list": args.other_limit,
        "weak_aliases": sum(1 for p in positives if p.weak and p.with_birth_date),
        "dropped_same_as_primary": dropped.get("same_as_primary", 0) // 1,
        "false_hit_budget_per_1000": MAX_FALSE_PER_1000,
        "classes": list(CLASSES),
    }
    rmis_scored = None
    if not args.no_rmis:
        try:
            rmis_scored, speed = screen_with_rmis(entries, probes, args.floor)
        except ImportError as error:
            result["rmis"] = {"skipped": f"the matcher is not there yet ({error})"}
        else:
            result["rmis"] = {
                "speed": speed,
                **figures(rmis_scored, positives, negatives, args.floor),
            }
            chosen = result["rmis"]["at_most_1_false_hit_per_1000"]["threshold"]
            result["rmis"]["default_threshold"] = chosen
            result["default_threshold"] = chosen
            result["rmis"]["examples"] = examples(rmis_scored, positives, negatives, listed, chosen)
    if not args.no_peer:
        peer_scored, speed, handed = screen_with_peer(entries, probes, args.floor, rmis_scored)
        result["peer_nomenklatura_logic_v2"] = {
            "speed": speed,
            **figures(peer_scored, positives, negatives, args.floor),
        }
        chosen = result["peer_nomenklatura_logic_v2"]["at_most_1_false_hit_per_1000"]["threshold"]
        if chosen is not None:
            # The same threshold, the own entry counted only where blocking or rmis found it.
            own_key = {p.traveller.id: (p.list_name, p.entry_id) for p in positives}
            blocked = {
                t: {k: v for k, v in hits.items() if t not in handed or k != own_key.get(t)}
                for t, hits in peer_scored.items()
            }
            result["peer_nomenklatura_logic_v2"]["recall_if_not_handed_its_entry"] = {
                group: _round(recall_at(own_scores(ps, blocked), chosen))
                for group, ps in sorted(_groups(positives).items())
                if group.startswith("all/")
            }
        result["peer_nomenklatura_logic_v2"]["examples"] = examples(
            peer_scored, positives, negatives, listed, chosen
        )
    if "at_most_1_false_hit_per_1000" in result.get("rmis", {}) and not args.no_peer:
        result["comparison"] = compare(result["rmis"], result["peer_nomenklatura_logic_v2"])
    result["seconds"] = round(time.perf_counter() - started, 1)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
