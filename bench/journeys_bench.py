"""Journeys across borders on pseudonymised keys, against the synthetic region's truth.

Prints JSON: linkage of exits to the entries that follow them in another state (precision,
recall, F1) on the journey keys (CLK and document key), on the CLKs alone, and on plaintext
with Splink (the peer: the same blocks, names, birth date, sex and document number in the
clear); what the blocks compare (document pairs, Dice comparisons) against the comparisons of
the earlier blocks of one corridor and day; the Dice join's throughput against anonlink's own
join on the same encodings; a frequency attack on the encodings the hub holds (and, as the
control, on unhardened surname filters); and the end-to-end time (encode + link).

    nice -n 10 .venv/bin/python bench/journeys_bench.py --travellers 20000
    nice -n 10 .venv/bin/python bench/journeys_bench.py --travellers 500000 --no-splink \
        --max-anonlink-pairs 0 --no-attack
    nice -n 10 .venv/bin/python bench/journeys_bench.py --travellers 100000 --no-splink \
        --max-anonlink-pairs 0 --no-attack --spark 'local[2]' --spark cluster
    nice -n 10 .venv/bin/python bench/journeys_bench.py --travellers 2000000 --regions 4
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date

import numpy as np
import pandas as pd

from rmis.exchange.journeys import (
    EARLY_HOURS,
    Secret,
    blocks_of,
    compact,
    encode,
    link,
    normalise_name,
)
from rmis.reference.bcps import load_bcps
from rmis.synth.region import SynthConfig, generate

SECRET = Secret(b"bench secret agreed by the states of the region!")


def region_crossings(travellers: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    region = generate(SynthConfig(travellers=travellers, years=1, seed=seed, end=date(2026, 6, 30)))
    c = region.crossings.to_pandas()
    owners = region.recorded_documents.to_pandas()[
        ["issuing_state", "document_number", "document_type", "person_id"]
    ]
    c = c.merge(owners, on=["issuing_state", "document_number", "document_type"], how="left")
    bcps = load_bcps()
    codes = pd.unique(c.bcp)
    state = {b: bcps[b].state for b in codes}
    partner = {b: bcps[b].neighbour or bcps[b].mode.upper() for b in codes}
    zone = {b: bcps[b].time_zone for b in codes}
    c["host_state"] = c.bcp.map(state)
    c["partner"] = c.bcp.map(partner)
    at = pd.to_datetime(c.occurred_at)
    c["local_date"] = [t.tz_convert(zone[b]).date() for t, b in zip(at, c.bcp, strict=True)]
    c["token"] = c.crossing_id
    c = c[c.outcome == "admitted"].reset_index(drop=True)  # a refused entry goes nowhere
    return c, region.documents.to_pandas()


def truth_pairs(c: pd.DataFrame) -> set[tuple[str, str]]:
    s = c.sort_values(["person_id", "occurred_at"])
    nxt = s.shift(-1)
    hop = (s.direction == "exit") & (nxt.direction == "entry") & (nxt.person_id == s.person_id)
    hop &= nxt.host_state != s.host_state
    return set(zip(s.token[hop], nxt.token[hop], strict=True))


def score(found: set, truth: set) -> dict:
    tp = len(found & truth)
    p, r = tp / max(len(found), 1), tp / max(len(truth), 1)
    return {"precision": round(p, 5), "recall": round(r, 5),
            "f1": round(2 * p * r / max(p + r, 1e-12), 5), "links": len(found)}  # fmt: skip


def splink_peer(c: pd.DataFrame, keys: pd.DataFrame) -> set[tuple[str, str]]:
    """The same linkage on plaintext with Splink (DuckDB): the same blocks (link()'s place and
    hours, from the keys), names by Jaro-Winkler, birth date by edit distance, sex and
    document exactly; u by random sampling, m by EM; links above 0.9, one to one, best
    first."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    place, hour, late = blocks_of(keys)
    blocks = pd.DataFrame({"place": place, "hour": hour, "late": late}, index=keys.token)
    blocks = blocks.loc[c.token]
    frame = pd.DataFrame({
        "unique_id": c.token,
        "host_state": c.host_state,
        "place": blocks.place.to_numpy(),
        "hour": blocks.hour.to_numpy(),
        "late": blocks.late.to_numpy(),
        "is_exit": (c.direction == "exit").to_numpy(),
        "surname": c.surname.map(normalise_name),
        "given_names": c.given_names.map(normalise_name),
        "birth_date": c.birth_date.astype(str),
        "sex": c.sex,
        "document": c.issuing_state + "|" + c.document_number,
        "direction": c.direction,
    })  # fmt: skip
    connection = duckdb.connect()
    db_api = DuckDBAPI(connection=connection)
    exits = db_api.register(
        frame[frame.direction == "exit"].drop(columns="direction"), dataset_display_name="exits"
    )
    entries = db_api.register(
        frame[frame.direction == "entry"].drop(columns="direction"), dataset_display_name="entries"
    )
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.ExactMatch("document"),
            cl.JaroWinklerAtThresholds("surname", [0.95, 0.88]),
            cl.JaroWinklerAtThresholds("given_names", [0.95, 0.88]),
            cl.LevenshteinAtThresholds("birth_date", [1, 2]),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=[
            "l.place = r.place AND l.host_state <> r.host_state AND ("
            f"(l.is_exit AND r.hour - l.hour BETWEEN -{EARLY_HOURS} AND l.late) OR "
            f"(r.is_exit AND l.hour - r.hour BETWEEN -{EARLY_HOURS} AND r.late))"
        ],
        retain_matching_columns=False,
    )
    linker = Linker([exits, entries], settings, log_level=40)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("document"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("surname", "birth_date")
    )
    pairs = linker.inference.predict(threshold_match_probability=0.9).as_pandas_dataframe()
    connection.close()
    pairs = pairs.sort_values("match_probability", ascending=False)
    left_is_exit = pairs.source_dataset_l == "exits"
    a = np.where(left_is_exit, pairs.unique_id_l, pairs.unique_id_r)
    b = np.where(left_is_exit, pairs.unique_id_r, pairs.unique_id_l)
    used_a, used_b, found = set(), set(), set()
    for x, y in zip(a, b, strict=True):
        if x not in used_a and y not in used_b:
            used_a.add(x)
            used_b.add(y)
            found.add((x, y))
    return found


def join_throughput(keys: pd.DataFrame, size: int, threshold: float) -> dict:
    """anonlink's own Dice join on a sample of the CLKs (size x size, unblocked): the rate the
    CLKs-alone linkage's Dice comparisons are held against in the same run."""
    from anonlink.similarities import dice_coefficient_accelerated

    from rmis.exchange.journeys import bitarrays, clks

    rng = np.random.default_rng(0)
    rows = rng.choice(len(keys), size=min(2 * size, len(keys)), replace=False)
    bits = bitarrays(clks(keys.iloc[rows]))
    a, b = bits[: len(bits) // 2], bits[len(bits) // 2 :]
    start = time.perf_counter()
    dice_coefficient_accelerated([a, b], threshold, None)
    anonlink_s = time.perf_counter() - start
    return {
        "anonlink_sample_comparisons": len(a) * len(b),
        "anonlink_dice_per_s": round(len(a) * len(b) / anonlink_s),
    }


def anonlink_join(keys: pd.DataFrame, threshold: float) -> tuple[set, float, int]:
    """anonlink's own join on the same encodings: every exit against every entry (no blocks),
    its greedy solver; pairs into the same state dropped. (links, seconds, comparisons)"""
    import anonlink

    from rmis.exchange.journeys import bitarrays, clks

    exits = keys[keys.direction == "exit"].reset_index(drop=True)
    entries = keys[keys.direction == "entry"].reset_index(drop=True)
    start = time.perf_counter()
    candidates = anonlink.candidate_generation.find_candidate_pairs(
        [bitarrays(clks(exits)), bitarrays(clks(entries))],
        anonlink.similarities.dice_coefficient_accelerated,
        threshold,
    )
    groups = anonlink.solving.greedy_solve(candidates)
    seconds = time.perf_counter() - start
    found = set()
    for group in groups:
        pair = dict(group)
        if 0 in pair and 1 in pair:
            a, b = exits.iloc[pair[0]], entries.iloc[pair[1]]
            if a.host_state != b.host_state:
                found.add((a.token, b.token))
    return found, seconds, len(exits) * len(entries)


def corridor_day_comparisons(keys: pd.DataFrame) -> int:
    """The exit-entry pairs the earlier blocks compared (one corridor, the exit's day and the
    next, every pair by Dice): what the finer blocks are measured against."""
    air = keys.partner.isin(["AIR", "SEA"])
    corridor = np.where(
        air, keys.partner,
        np.where(keys.direction == "exit", keys.host_state + ">" + keys.partner,
                 keys.partner + ">" + keys.host_state),
    )  # fmt: skip
    frame = pd.DataFrame({"c": corridor, "d": pd.to_datetime(keys.local_date), "x": keys.direction})
    exits = frame[frame.x == "exit"].groupby(["c", "d"]).size()
    entries = frame[frame.x == "entry"].groupby(["c", "d"]).size()
    total = 0
    for step in (0, 1):
        shifted = entries.copy()
        shifted.index = shifted.index.set_levels(
            shifted.index.levels[1] - pd.Timedelta(days=step), level=1
        )
        total += int((exits * shifted.reindex(exits.index).fillna(0)).sum())
    return total


def frequency_attack(c: pd.DataFrame, keys: pd.DataFrame, documents: pd.DataFrame) -> dict:
    """The attacker has the region's surname frequencies (a public list, say) and the hub's
    encodings with their document keys. He ranks the distinct encodings by how many documents
    carry each and gives the i-th the i-th commonest surname. Counted: people carrying one of
    the 100 commonest surnames whom it names right. The control: the same attack on unhardened
    filters of the surname alone."""
    surname_of = documents.groupby("person_id").surname.first().map(normalise_name)
    top = surname_of.value_counts().index[:100]
    carriers = set(surname_of.index[surname_of.isin(top)])
    person = c.set_index("token").person_id

    # He counts each encoding once per document key (about once per person) and ranks them.
    doc_key = pd.Series(keys.doc_key.to_numpy(), index=keys.token)

    def attack(encoding: pd.Series) -> float:
        held = pd.DataFrame({"e": encoding.to_numpy(), "d": doc_key[encoding.index].to_numpy()})
        ranked = held.drop_duplicates().e.value_counts().index[: len(top)]
        guess = dict(zip(ranked, top, strict=False))
        named = set()
        for token, code in encoding.items():
            p = person[token]
            if p in carriers and guess.get(code) == surname_of[p]:
                named.add(p)
        return len(named) / max(len(carriers), 1)

    hardened = pd.Series(keys.clk.to_numpy(), index=keys.token)
    # Unhardened: a filter of the surname alone is one value per surname (its string stands
    # for it: equal surnames, equal filters).
    plain = pd.Series(c.surname.map(normalise_name).to_numpy(), index=c.token)
    return {
        "people_with_top_100_surnames": len(carriers),
        "reidentified_share_hardened_clk": round(attack(hardened), 5),
        "reidentified_share_surname_filter_control": round(attack(plain), 5),
    }


def overlaid(travellers: int, regions: int, seed: int) -> dict:
    """`regions` regions of travellers/regions each (seeds seed, seed+1, ...) over the same
    year, generated and encoded one at a time (one region of 2 million does not fit the memory
    a process may take here), their keys then linked together: every BCP and hour carries all
    their traffic. People of different regions may share a document number; linked, that
    counts as a false link."""
    out: dict = {"travellers": travellers, "regions": regions, "seed": seed}
    parts, truths, generate_s, encode_s = [], [], 0.0, 0.0
    for i in range(regions):
        start = time.perf_counter()
        c, _ = region_crossings(travellers // regions, seed + i)
        generate_s += time.perf_counter() - start
        truth = pd.DataFrame(sorted(truth_pairs(c)), columns=["exit_token", "entry_token"])
        truths.append(truth)
        start = time.perf_counter()
        part = pd.concat(
            [encode(own, SECRET) for _, own in c.groupby("host_state")], ignore_index=True
        )
        encode_s += time.perf_counter() - start
        parts.append(compact(part))
        del c, part
    keys = compact(pd.concat(parts, ignore_index=True))
    del parts
    truth = pd.concat(truths, ignore_index=True)
    out.update(crossings_admitted=len(keys), true_border_pairs=len(truth))
    out.update(generate_s=round(generate_s, 2), encode_s=round(encode_s, 2))
    counts: dict = {}
    start = time.perf_counter()
    links = link(keys, counts=counts)
    out["link_s"] = round(time.perf_counter() - start, 2)
    out["end_to_end_s"] = round(encode_s + out["link_s"], 2)
    tp = len(links.merge(truth, on=["exit_token", "entry_token"]))
    p, r = tp / max(len(links), 1), tp / max(len(truth), 1)
    out["keys"] = {"precision": round(p, 5), "recall": round(r, 5),
                   "f1": round(2 * p * r / max(p + r, 1e-12), 5), "links": len(links)}  # fmt: skip
    out["keys_compared"] = counts
    return out


def on_spark(
    keys: pd.DataFrame, links: pd.DataFrame, link_s: float, masters: list[str], memory: str
) -> list[dict]:
    """`link_on_spark` at each master in turn (one SparkContext at a time in a process), timed
    from a started session (the executors registered) and checked pair for pair against
    link()'s; 'cluster' starts the tests' standalone cluster (tests/spark_cluster.py) for it."""
    import sys
    import tempfile
    from pathlib import Path

    from rmis.exchange.spark import link_on_spark, session

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from spark_cluster import WORKERS, StandaloneCluster, executors_of, stop_running_spark

    local_pairs = set(zip(links.exit_token, links.entry_token, strict=True))
    out = []
    for master in masters:
        with tempfile.TemporaryDirectory(prefix="rmis-spark-") as base:
            cluster = None
            if master == "cluster":
                start = time.perf_counter()
                cluster = StandaloneCluster(Path(base), memory=memory).start()
                started_s = round(time.perf_counter() - start, 2)
                master = cluster.master
            try:
                stop_running_spark()
                spark = session(master, memory)
                row: dict = {"master": spark.sparkContext.master}
                if cluster is not None:
                    row["cluster_start_s"] = started_s
                    row["executors"] = executors_of(spark, WORKERS)
                start = time.perf_counter()
                found = link_on_spark(keys, spark)
                row["link_s"] = round(time.perf_counter() - start, 2)
                pairs = set(zip(found.exit_token, found.entry_token, strict=True))
                row["same_links"] = pairs == local_pairs
                row["over_hub_process_time"] = round(row["link_s"] / link_s, 2)
                spark.stop()
            finally:
                if cluster is not None:
                    cluster.stop()
            out.append(row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--travellers", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--join-size", type=int, default=5000)
    parser.add_argument("--no-splink", action="store_true")
    parser.add_argument("--no-attack", action="store_true", help="skip the frequency attack")
    parser.add_argument("--max-anonlink-pairs", type=float, default=5e9)
    parser.add_argument(
        "--spark",
        action="append",
        help="also link on Spark at this master (local[2], spark://...; 'cluster': a master and "
        "two one-core workers started here on loopback); may be given more than once",
    )
    parser.add_argument(
        "--spark-only", action="store_true", help="stop after the links on Spark (and in process)"
    )
    parser.add_argument(
        "--spark-memory", default="1g", help="the driver's and each executor's (and worker's)"
    )
    parser.add_argument(
        "--regions", type=int, default=1, help="overlay this many regions (the keys alone)"
    )
    args = parser.parse_args()
    if args.regions > 1:
        print(json.dumps(overlaid(args.travellers, args.regions, args.seed), indent=1))
        return
    out: dict = {"travellers": args.travellers, "seed": args.seed}
    start = time.perf_counter()
    c, documents = region_crossings(args.travellers, args.seed)
    out["crossings_admitted"] = len(c)
    out["generate_s"] = round(time.perf_counter() - start, 2)
    truth = truth_pairs(c)
    out["true_border_pairs"] = len(truth)

    start = time.perf_counter()
    keys = pd.concat(  # each node encodes its own crossings
        [encode(part, SECRET) for _, part in c.groupby("host_state")], ignore_index=True
    )
    out["encode_s"] = round(time.perf_counter() - start, 2)
    if args.no_splink and args.no_attack:
        del c, documents  # the rest reads the keys alone (and the truth)
    counts: dict = {}
    start = time.perf_counter()
    links = link(keys, counts=counts)
    out["link_s"] = round(time.perf_counter() - start, 2)
    out["end_to_end_s"] = round(out["encode_s"] + out["link_s"], 2)
    out["keys"] = score(set(zip(links.exit_token, links.entry_token, strict=True)), truth)
    out["keys_compared"] = counts
    out["corridor_day_comparisons"] = corridor_day_comparisons(keys)
    if args.spark:
        out["spark"] = on_spark(keys, links, out["link_s"], args.spark, args.spark_memory)
        if args.spark_only:
            print(json.dumps(out, indent=1))
            return
    del links
    counts = {}
    start = time.perf_counter()
    clk_only = link(keys, documents=False, counts=counts)
    out["clk_only_link_s"] = round(time.perf_counter() - start, 2)
    out["clk_only"] = score(set(zip(clk_only.exit_token, clk_only.entry_token, strict=True)), truth)
    out["clk_only_compared"] = counts
    del clk_only
    if not args.no_splink:
        start = time.perf_counter()
        out["splink_plaintext"] = score(splink_peer(c, keys), truth)
        out["splink_s"] = round(time.perf_counter() - start, 2)
        out["f1_keys_minus_splink"] = round(out["keys"]["f1"] - out["splink_plaintext"]["f1"], 5)
        out["f1_clk_only_minus_splink"] = round(
            out["clk_only"]["f1"] - out["splink_plaintext"]["f1"], 5
        )
    out["join"] = join_throughput(keys, args.join_size, 0.8)
    out["join"]["rmis_clk_only_dice_per_s"] = round(
        counts["dice_comparisons"] / out["clk_only_link_s"]
    )
    exits = int((keys.direction == "exit").sum())
    if exits * (len(keys) - exits) <= args.max_anonlink_pairs:
        found, seconds, comparisons = anonlink_join(keys, 0.8)
        out["anonlink_unblocked"] = {
            **score(found, truth), "seconds": round(seconds, 2), "comparisons": comparisons,
            "comparisons_per_s": round(comparisons / seconds),
        }  # fmt: skip
        out["rmis_link_speedup_over_anonlink_unblocked"] = round(seconds / out["link_s"], 2)
    if not args.no_attack:
        out["frequency_attack"] = frequency_attack(c, keys, documents)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
