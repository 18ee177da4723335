"""Linkage of a person's documents: accuracy against the synthetic region's truth, the time of a
full linkage at scale, and the time of linking one new document in the record.

Accuracy (default): for each region (`rmis synth --travellers N --years 2 --seed S`, made once
into --work), the documents the record would hold after importing its crossings (one per
issuing state, number and type, with the names of its first crossing: documents_table), the
person of each from the truth (truth/documents.parquet by number; a misread number by the
synthetic reader's own slip of a true one). Our linkage: Splink's full prediction with the
model (the shipped default unless --train), then clustering.cluster (automatic links where
every pair across the two groups supports them; the rest of the middle band to review), then
a supervisor who confirms the true proposals of the review queue and rejects the false ones.
Pairs are counted as clusters make them: every two documents in one cluster are a link
(transitive closure within a person). Peer, in the same run: the warehouse's exact holder key
(issuing state, nationality, birth date, sex, names letters-only case-folded), every group a
person.

Targets (issue 11): precision of automatic links >= 0.999; recall of all links made
(automatic and confirmed) >= 0.995; review queue <= 0.5 % of people.

  .venv/bin/python bench/linkage_bench.py --regions 30000:1 100000:2 [--train]
  .venv/bin/python bench/linkage_bench.py --scale [--scale-travellers 1000000]
  .venv/bin/python bench/linkage_bench.py --incremental [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from rmis.persons.clustering import Clusters, cluster
from rmis.persons.comparisons import blocked
from rmis.persons.documents_table import document_id, documents_from_crossings
from rmis.persons.features import Features, features_from_row, features_table
from rmis.persons.model import LinkModel, default_link_model
from rmis.persons.splink_model import predict_pairs, train

END = "2026-06-30"  # a fixed last day, so that a region is the same bytes on every run
ROOT = Path(__file__).resolve().parent.parent


def region(work: Path, travellers: int, seed: int, years: float = 2.0) -> Path:
    out = work / f"region_{travellers}_{seed}"
    if not (out / "crossings.parquet").exists():
        subprocess.run(
            [str(ROOT / ".venv/bin/rmis"), "synth", "--travellers", str(travellers),
             "--years", str(years), "--seed", str(seed), "--end", END, "--out", str(out)],
            check=True, capture_output=True,
        )  # fmt: skip
    return out


def truth_persons(region_dir: Path, docs: pa.Table) -> pa.Array:
    """The person of each recorded document (truth/recorded_documents.parquet names the person
    of every document number the crossings carry, misread ones included)."""
    truth = pq.read_table(region_dir / "truth/recorded_documents.parquet")
    owner = {
        (s, n, t): p
        for s, n, t, p in zip(
            *(truth.column(c).to_pylist()
              for c in ("issuing_state", "document_number", "document_type", "person_id")),
            strict=True,
        )
    }  # fmt: skip
    keys = zip(*(docs.column(c).to_pylist() for c in ("issuing_state", "number", "document_type")),
               strict=True)  # fmt: skip
    return pa.array([owner.get(k) for k in keys], pa.int64())


def pair_counts(groups: dict[str, list[str]], person: dict[str, int]) -> tuple[int, int]:
    """(pairs the grouping makes, of which true) with every two documents of a group a pair."""
    made = true = 0
    for members in groups.values():
        n = len(members)
        made += n * (n - 1) // 2
        for k in Counter(person[m] for m in members).values():
            true += k * (k - 1) // 2
    return made, true


def scores(made: int, true: int, all_true: int) -> dict[str, float]:
    return {
        "pairs": made,
        "true_pairs": true,
        "precision": round(true / made, 5) if made else 1.0,
        "recall": round(true / all_true, 5) if all_true else 1.0,
    }


def holder_groups(docs: pa.Table) -> dict[str, list[str]]:
    """The warehouse's holder key (warehouse/extract.py holder_key, without its HMAC)."""

    def letters(name: str | None) -> str:
        return "".join(ch for ch in (name or "").casefold() if ch.isalpha())

    groups: dict[str, list[str]] = {}
    rows = docs.select(["id", "issuing_state", "nationality", "birth_date", "sex", "surname",
                        "given_names"]).to_pylist()  # fmt: skip
    for r in rows:
        if r["birth_date"] is None:
            key = r["id"]
        else:
            key = "|".join([
                r["issuing_state"], r["nationality"], r["birth_date"].isoformat(), r["sex"],
                letters(r["surname"]), letters(r["given_names"]),
            ])  # fmt: skip
        groups.setdefault(key, []).append(r["id"])
    return groups


def unblocked_true_pairs(person: dict[str, int], feats: dict[str, Features]) -> int:
    """Pairs of one person's documents that no blocking rule compares (a birth date mistyped
    where a document was first seen, with no personal or previous number to tie it): only a
    link through a third document can join them."""
    by_person: dict[int, list[str]] = {}
    for doc, who in person.items():
        by_person.setdefault(who, []).append(doc)
    return sum(
        not blocked(feats[a], feats[b])
        for docs in by_person.values()
        for i, a in enumerate(docs)
        for b in docs[i + 1 :]
    )


def evaluate(
    docs: pa.Table, person: dict[str, int], model: LinkModel, support: float | None = None
) -> dict:
    ids = docs.column("id").to_pylist()
    all_true = sum(k * (k - 1) // 2 for k in Counter(person.values()).values())
    people = len(set(person.values()))

    started = time.perf_counter()
    pairs = predict_pairs(docs, model, threshold=model.review_threshold)
    predicted = time.perf_counter() - started
    feats: dict[str, Features] = {
        r["unique_id"]: features_from_row(r) for r in features_table(docs).to_pylist()
    }
    cache: dict[tuple[str, str], float] = {}

    def probability(a: str, b: str) -> float:
        key = (a, b) if a < b else (b, a)
        found = cache.get(key)
        if found is None:
            found = cache[key] = model.score_features(feats[a], feats[b]).probability
        return found

    started = time.perf_counter()
    rows = zip(pairs.column("id_l").to_pylist(), pairs.column("id_r").to_pylist(),
               pairs.column("probability").to_pylist(), strict=True)  # fmt: skip
    linked: Clusters = cluster(ids, rows, model, probability, support=support)
    clustered = time.perf_counter() - started

    automatic_groups = linked.groups()
    auto_made, auto_true = pair_counts(automatic_groups, person)
    # The supervisor: confirms the proposals that are one person, rejects the others.
    final = dict(linked.person)
    parent = {r: r for r in set(final.values())}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    confirmed = rejected = 0
    for a, b, _ in linked.proposals:
        if person[a] == person[b]:
            confirmed += 1
            parent[find(final[a])] = find(final[b])
        else:
            rejected += 1
    final_groups: dict[str, list[str]] = {}
    for doc, root in final.items():
        final_groups.setdefault(find(root), []).append(doc)
    all_made, all_made_true = pair_counts(final_groups, person)
    holder_made, holder_true = pair_counts(holder_groups(docs), person)
    in_queue = {d for a, b, _ in linked.proposals for d in (a, b)}
    return {
        "documents": len(ids),
        "people": people,
        "true_pairs": all_true,
        "true_pairs_blocking_never_compares": unblocked_true_pairs(person, feats),
        "pairs_scored_at_or_above_review": pairs.num_rows,
        "ours": {
            "automatic": scores(auto_made, auto_true, all_true),
            "automatic_and_confirmed": scores(all_made, all_made_true, all_true),
            "review_queue": {
                "proposals": len(linked.proposals),
                "confirmed": confirmed,
                "rejected": rejected,
                "documents": len(in_queue),
                "share_of_people": round(len(linked.proposals) / people, 5),
            },
            "seconds_predict": round(predicted, 2),
            "seconds_cluster": round(clustered, 2),
        },
        "peer_holder_key": scores(holder_made, holder_true, all_true),
    }


def accuracy(args) -> dict:
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    out = []
    for spec in args.regions:
        travellers, seed = (int(x) for x in spec.split(":"))
        where = region(work, travellers, seed)
        docs = documents_from_crossings(where / "crossings.parquet")
        owners = truth_persons(where, docs)
        unmapped = owners.null_count
        keep = pc.invert(pc.is_null(owners))
        docs, owners = docs.filter(keep), owners.filter(keep)
        person = dict(zip(docs.column("id").to_pylist(), owners.to_pylist(), strict=True))
        if args.train:
            started = time.perf_counter()
            model = train(docs)
            trained = {
                "trained_on": "this region",
                "seconds_train": round(time.perf_counter() - started, 1),
            }
        else:
            model = default_link_model()
            trained = {"trained_on": "the shipped default model"}
        if args.automatic is not None or args.review is not None or args.conflict is not None:
            model = model.with_thresholds(
                automatic=model.automatic_threshold if args.automatic is None else args.automatic,
                review=model.review_threshold if args.review is None else args.review,
                conflict=model.conflict_threshold if args.conflict is None else args.conflict,
            )
        result = evaluate(docs, person, model)
        out.append({"travellers": travellers, "seed": seed, "documents_without_truth": unmapped,
                    **trained, **result})  # fmt: skip
    return {
        "thresholds": {
            "automatic": model.automatic_threshold,
            "review": model.review_threshold,
            "conflict": model.conflict_threshold,
        },
        "targets": {
            "automatic_precision": 0.999,
            "recall_after_review": 0.995,
            "review_queue_share_of_people": 0.005,
        },
        "regions": out,
    }


def earlier_passports(docs: pa.Table, person: pa.Array, seed: int = 1) -> pa.Table:
    """For each person, the passport before the first of theirs on record, as the synthetic
    region renews (issued 30 to 180 days before the old one's expiry, valid ten years), its
    names spelt in the issuing state's MRZ system of the year of that issue (Russia's MVD 310
    before 2013), the same personal number, a fresh number in the state's format."""
    import numpy as np

    from rmis.synth.documents import NUMBER_FORMATS
    from rmis.synth.name_pools import mrz_spelling, mrz_system

    rng = np.random.default_rng(seed)
    rows = docs.append_column("person", person).to_pylist()
    first: dict[int, dict] = {}
    for r in rows:
        if r["expiry_date"] is None or r["birth_date"] is None:
            continue
        held = first.get(r["person"])
        if held is None or r["expiry_date"] < held["expiry_date"]:
            first[r["person"]] = r
    taken = {(r["issuing_state"], r["number"]) for r in rows}
    out, owners = [], []
    for who, r in sorted(first.items()):
        renewed_early = int(rng.integers(30, 181))
        old_expiry = r["expiry_date"] - timedelta(days=3651 - renewed_early)
        issued = old_expiry - timedelta(days=3651)
        prefix, digits = NUMBER_FORMATS.get(r["issuing_state"], ("X", 8))
        while True:
            number = f"{prefix}{int(rng.integers(0, 10**digits)):0{digits}d}"
            if (r["issuing_state"], number) not in taken:
                taken.add((r["issuing_state"], number))
                break
        system = mrz_system(r["issuing_state"], issued)
        surname, given = r["surname"], r["given_names"]
        if r["national_surname"] and system:
            surname = mrz_spelling(r["national_surname"], system)
        if r["national_given_names"] and system:
            given = mrz_spelling(r["national_given_names"], system)
        doc_id = document_id(r["issuing_state"], number, r["document_type"])
        out.append({**r, "id": doc_id, "traveller_id": doc_id, "number": number,
                    "expiry_date": old_expiry, "surname": surname, "given_names": given,
                    "previous_document_number": None})  # fmt: skip
        owners.append(who)
    for r in out:
        r.pop("person")
    extra = pa.Table.from_pylist(out, schema=docs.schema)
    return pa.concat_tables([docs, extra]), pa.concat_arrays([person, pa.array(owners, pa.int64())])


def blocked_pair_count(docs: pa.Table) -> int:
    """How many pairs the blocking rules compare (each pair once), counted by DuckDB."""
    import duckdb

    from rmis.persons.comparisons import BLOCKING_RULES

    con = duckdb.connect()
    con.register("f", features_table(docs))
    conditions = [f"({r.sql})" for r in BLOCKING_RULES]
    # The first rule by group sizes (a join would make every pair); the others are few: join
    # them, leaving out the pairs the first already has.
    first = con.execute(
        "SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) n FROM f WHERE "
        "birth_day IS NOT NULL AND sex IS NOT NULL AND nationality IS NOT NULL "
        "GROUP BY birth_day, sex, nationality)"
    ).fetchone()[0]
    rest = 0
    for k, condition in enumerate(conditions[1:], start=1):
        earlier = " OR ".join(conditions[:k])
        rest += con.execute(
            f"SELECT count(*) FROM f l JOIN f r ON {condition} AND l.unique_id < r.unique_id "
            f"WHERE NOT coalesce({earlier}, false)"
        ).fetchone()[0]
    return int(first + rest)


def scale(args) -> dict:
    import duckdb

    work = Path(args.work)
    where = region(work, args.scale_travellers, 1)
    started = time.perf_counter()
    docs = documents_from_crossings(where / "crossings.parquet")
    owners = truth_persons(where, docs)
    docs, owners = earlier_passports(docs, owners)
    built = time.perf_counter() - started
    model = default_link_model()
    person = dict(zip(docs.column("id").to_pylist(), owners.to_pylist(), strict=True))

    result = evaluate(docs, person, model)
    ours = result["ours"]
    total = ours["seconds_predict"] + ours["seconds_cluster"]

    # Peers on the same table: a plain DuckDB self-join on the exact holder key, and the
    # holder-key grouping (what the warehouse does today).
    con = duckdb.connect()
    con.register("docs", docs)
    key = ("issuing_state, nationality, birth_date, sex, lower(regexp_replace(surname, "
           "'[^[:alpha:]]', '', 'g')) s, lower(regexp_replace(given_names, '[^[:alpha:]]', '', "
           "'g')) g")  # fmt: skip
    started = time.perf_counter()
    con.execute(f"CREATE TEMP TABLE k AS SELECT id, {key} FROM docs WHERE birth_date IS NOT NULL")
    joined = con.execute(
        "SELECT count(*) FROM k a JOIN k b ON a.issuing_state = b.issuing_state AND "
        "a.nationality = b.nationality AND a.birth_date = b.birth_date AND a.sex = b.sex AND "
        "a.s = b.s AND a.g = b.g AND a.id < b.id"
    ).fetchone()[0]
    self_join = time.perf_counter() - started
    started = time.perf_counter()
    groups = con.execute(
        "SELECT count(*) FROM (SELECT 1 FROM k GROUP BY issuing_state, nationality, birth_date, "
        "sex, s, g)"
    ).fetchone()[0]
    grouping = time.perf_counter() - started
    blocked = blocked_pair_count(docs)
    return {
        "region": f"rmis synth --travellers {args.scale_travellers} --years 2 --seed 1 --end {END}",
        "documents": result["documents"],
        "people": result["people"],
        "seconds_building_the_table": round(built, 1),
        "pairs_blocking_compares": blocked,
        "true_pairs": result["true_pairs"],
        "true_pairs_blocking_never_compares": result["true_pairs_blocking_never_compares"],
        "ours": {
            "seconds_total": round(total, 1),
            **ours,
            "automatic_precision": ours["automatic"]["precision"],
            "recall_after_review": ours["automatic_and_confirmed"]["recall"],
        },
        "peer_duckdb_exact_key_self_join": {"seconds": round(self_join, 1), "pairs": joined},
        "peer_duckdb_holder_key_grouping": {"seconds": round(grouping, 1), "groups": groups},
        "ratio_ours_to_self_join": round(total / self_join, 1),
        "peer_holder_key_accuracy": result["peer_holder_key"],
        "target_seconds": 600,
        "met": total < 600,
    }


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 3)

    return {"p50_ms": at(0.50), "p99_ms": at(0.99), "max_ms": round(ordered[-1] * 1000, 3)}


def _fill_record(engine, docs: pa.Table) -> None:
    from datetime import UTC, datetime
    from uuid import UUID

    from sqlalchemy import insert

    from rmis.store.schema import documents, travellers

    now = datetime(2026, 6, 30, tzinfo=UTC)
    rows = docs.to_pylist()
    with engine.begin() as connection:
        for start in range(0, len(rows), 20_000):
            part = rows[start : start + 20_000]
            connection.execute(insert(travellers), [
                {"id": UUID(r["traveller_id"]), "created_at": now} for r in part
            ])  # fmt: skip
            connection.execute(insert(documents), [
                {**r, "id": UUID(r["id"]), "traveller_id": UUID(r["traveller_id"]),
                 "first_seen_at": now}
                for r in part
            ])  # fmt: skip


def _facts(row: dict):
    from uuid import UUID

    from rmis.persons.facts import DocumentFacts

    ids = {"id": UUID(row["id"]), "traveller_id": UUID(row["traveller_id"])}
    return DocumentFacts(**{**row, **ids})


def _time_new_documents(engine, new: list, model: LinkModel) -> dict:
    from sqlalchemy import select

    from rmis.persons.blocking import candidates
    from rmis.store.schema import documents

    found, scored, total, lookup, sizes = [], [], [], [], []
    with engine.connect() as connection:
        for doc in new:
            began = time.perf_counter()
            cands = candidates(connection, [doc])[doc.id]
            middle = time.perf_counter()
            model.score_many(doc, cands)
            ended = time.perf_counter()
            found.append(middle - began)
            scored.append(ended - middle)
            total.append(ended - began)
            sizes.append(len(cands))
            # Peer: the one index lookup any recording of a document makes (by its key).
            began = time.perf_counter()
            connection.execute(select(documents.c.id).where(
                (documents.c.issuing_state == doc.issuing_state)
                & (documents.c.number == doc.number)
                & (documents.c.document_type == doc.document_type)
            )).first()  # fmt: skip
            lookup.append(time.perf_counter() - began)
    ordered = sorted(sizes)
    return {
        "candidates_and_score_many": _percentiles(total),
        "candidates": _percentiles(found),
        "score_many": _percentiles(scored),
        "candidates_per_document": {
            "p50": ordered[len(ordered) // 2],
            "p99": ordered[int(0.99 * len(ordered))],
            "max": ordered[-1],
        },
        "peer_document_key_lookup": _percentiles(lookup),
    }


def incremental(args) -> dict:
    import os
    import tempfile
    import uuid as uuid_

    from sqlalchemy import create_engine, text

    from rmis.store.database import open_database

    work = Path(args.work)
    where = region(work, args.incremental_travellers, 1)
    docs = documents_from_crossings(where / "crossings.parquet")
    held, new_rows = docs.slice(0, args.record_documents), docs.slice(args.record_documents, 2000)
    new = [_facts(r) for r in new_rows.to_pylist()]
    model = default_link_model()
    model.score_many(new[0], [new[1]])  # warm the name caches as a running server has them
    out: dict = {"record_documents": held.num_rows, "new_documents": len(new)}

    # Peer in the same run: Splink's own scoring of the same new documents against the same
    # candidates (linker.inference.score_pairs on DuckDB), on the first 200.
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_database(f"sqlite:///{tmp}/record.sqlite3")
        _fill_record(engine, held)
        out["sqlite"] = _time_new_documents(engine, new, model)
        out["peer_splink_score_pairs"] = _splink_scoring(engine, new[:200], model)
        engine.dispose()
    url = args.postgres or os.environ.get("RMIS_TEST_POSTGRES_URL")
    if url:
        schema = f"linkage_bench_{uuid_.uuid4().hex[:8]}"
        admin = create_engine(url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            sep = "&" if "?" in url else "?"
            engine = open_database(f"{url}{sep}options=-csearch_path%3D{schema}")
            _fill_record(engine, held)
            with engine.begin() as connection:
                connection.execute(text("ANALYZE documents"))
            out["postgresql"] = _time_new_documents(engine, new, model)
            engine.dispose()
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    else:
        out["postgresql"] = "skipped: give --postgres URL or set RMIS_TEST_POSTGRES_URL"
    out["budget_ms_p99_for_linking_in_recording"] = 5
    return out


def _splink_scoring(engine, new: list, model: LinkModel) -> dict:
    import duckdb
    from splink import DuckDBAPI, Linker

    from rmis.persons.blocking import candidates
    from rmis.persons.documents_table import SCHEMA
    from rmis.persons.splink_model import _model_settings

    times = []
    db_api = DuckDBAPI(connection=duckdb.connect())
    empty = features_table(pa.Table.from_pylist([], schema=SCHEMA))
    linker = Linker(db_api.register(empty), _model_settings(model), log_level=None)
    with engine.connect() as connection:
        for doc in new:
            cands = candidates(connection, [doc])[doc.id]
            if not cands:
                continue
            left = [_feature_dict(doc)]
            right = [_feature_dict(c) for c in cands]
            began = time.perf_counter()
            linker.inference.score_pairs(left, right).as_pyarrow_table()
            times.append(time.perf_counter() - began)
    return {"what": "Splink linker.inference.score_pairs (DuckDB) of a new document against "
            "the same candidates", **_percentiles(times)}  # fmt: skip


def _feature_dict(doc) -> dict:
    from dataclasses import asdict

    from rmis.persons.features import features

    return asdict(features(doc))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regions", nargs="+", default=["30000:1", "100000:2"],
                        help="TRAVELLERS:SEED of each region")  # fmt: skip
    parser.add_argument("--train", action="store_true", help="train on each region itself")
    parser.add_argument("--work", default="/tmp/rmis-linkage-bench")
    parser.add_argument("--automatic", type=float, help="automatic threshold (else the model's)")
    parser.add_argument("--review", type=float, help="review threshold (else the model's)")
    parser.add_argument("--conflict", type=float, help="conflict threshold (else the model's)")
    parser.add_argument("--scale", action="store_true", help="full linkage at scale")
    parser.add_argument("--scale-travellers", type=int, default=1_000_000)
    parser.add_argument(
        "--incremental",
        action="store_true",
        help="candidates() + score_many() per new document, in a record",
    )
    parser.add_argument("--incremental-travellers", type=int, default=1_000_000)
    parser.add_argument("--record-documents", type=int, default=300_000)
    parser.add_argument("--postgres", help="PostgreSQL URL (else RMIS_TEST_POSTGRES_URL)")
    args = parser.parse_args()
    if args.incremental:
        print(json.dumps(incremental(args), indent=2, default=str))
        return
    if args.scale:
        print(json.dumps(scale(args), indent=2, default=str))
        return
    print(json.dumps(accuracy(args), indent=2, default=str))


if __name__ == "__main__":
    sys.exit(main())
