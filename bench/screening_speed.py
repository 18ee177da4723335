"""Speed of the screening index at the scale of a border service's alert lists.

The list: the real lists' persons (UN consolidated XML, OFAC SDN when its reader is there)
plus persons made from the synthetic region's name pools (rmis.synth.name_pools: surnames on
their law of rank, given names, a patronymic for most, male and female forms; written in
Cyrillic or in the issuing state's MRZ system, a tenth with an alias in another system; birth
dates uniform 1940-2008), to --persons in all; and --documents lost or stolen documents
(issuing state of the region or a neighbour, a letter and 7-8 digits). Travellers: people
from the same pools (so namesakes of listed people are common, as at a real border), a tenth
of them listed persons re-spelled in another system with their birth date, each with a
document, one in a hundred a listed document read with one OCR confusion.

Figures: build time (and how much of it is making the entries, measured apart on a sample),
RSS before and after, one traveller's screen p50/p99/max, batch travellers per second on one
core, candidates per traveller; the peer, nomenklatura's logic-v2 (what yente scores with),
scoring the same candidate pairs (the persons the index compared by name) on FollowTheMoney
entities, in travellers per second on a sample.

Prints JSON; writes it to --out too.
Run: .venv/bin/python bench/screening_speed.py [--persons 1000000] [--documents 10000000]
     [--travellers 5000] [--peer-travellers 300] [--seed 7]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import resource
import statistics
import sys
import time
from bisect import bisect_right
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from rmis.screening.entries import BirthDate, EntryDocument, EntryName, ListEntry
from rmis.screening.index import ScreeningIndex
from rmis.screening.subjects import ScreenedTraveller, TravellerDocument
from rmis.synth.name_pools import Names, mrz_spelling, pool_for

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "alert-lists"
if not DATA.exists():
    DATA = Path("/work/shared/data/alert-lists")

# Who is on the synthetic part of the list, by nationality (the region first).
NATIONALITIES = {"KAZ": 0.22, "UZB": 0.22, "KGZ": 0.12, "TJK": 0.12, "RUS": 0.14,
                 "TKM": 0.04, "AFG": 0.04, "TUR": 0.03, "IRN": 0.02, "AZE": 0.02, "PAK": 0.02,
                 "CHN": 0.01}  # fmt: skip
SYSTEMS = {
    "KAZ": ("kk_passport", "kk_latin_2021_mrz", "icao_9303"),
    "UZB": ("uz_latin_mrz", "icao_9303", "mvd_310_mrz"),
    "KGZ": ("kg_passport", "icao_9303", "kg_national_mrz"),
    "TJK": ("tj_national_mrz", "icao_9303", "mvd_310_mrz"),
    "RUS": ("icao_9303", "mvd_310_mrz", "mvd_310_fr", "bgn_pcgn_mrz"),
    "TKM": ("icao_9303", "mvd_310_mrz"),
}
PATRONYMIC = {"KAZ", "UZB", "KGZ", "TJK", "RUS"}
DOCUMENT_STATES = ("KAZ", "UZB", "KGZ", "TJK", "RUS", "TKM", "AFG", "TUR", "CHN", "IRN", "AZE",
                   "PAK", "IND", "UKR", "BLR", "GEO", "ARM", "MNG")  # fmt: skip


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class People:
    """Draws synthetic people: (nationality, sex, surname, given, patronymic or None)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.codes = list(NATIONALITIES)
        self.weights = list(NATIONALITIES.values())
        self.pools = {code: pool_for(code) for code in self.codes}
        self._cdfs: dict[int, list[float]] = {}
        self._female = {
            code: dict(zip(pool.surnames.names, pool.female_surnames, strict=True))
            for code, pool in self.pools.items()
        }

    def _pick(self, names: Names) -> str:
        # Names.pick with bisect on a list: numpy on one number at a time is slow.
        cdf = self._cdfs.get(id(names))
        if cdf is None:
            cdf = self._cdfs[id(names)] = names.cdf.tolist()
        return names.names[min(bisect_right(cdf, self.rng.random()), len(names.names) - 1)]

    def draw(self) -> tuple[str, str, str, str, str | None, BirthDate]:
        rng = self.rng
        code = rng.choices(self.codes, self.weights)[0]
        pool = self.pools[code]
        sex = "M" if rng.random() < 0.6 else "F"
        surname = self._pick(pool.surnames)
        if sex == "F":
            surname = self._female[code].get(surname, surname)
        given = self._pick(pool.male if sex == "M" else pool.female)
        patronymic = None
        if code in PATRONYMIC and rng.random() < 0.7 and surname[:1].isalpha():
            father = self._pick(pool.male)
            if code in ("RUS",) or rng.random() < 0.5:
                stem = father[:-1] if father.endswith(("й", "ь")) else father
                patronymic = stem + ("ович" if sex == "M" else "овна")
            else:
                patronymic = father + (" ұлы" if sex == "M" else " қызы")
        born = BirthDate(rng.randint(1940, 2008), rng.randint(1, 12), rng.randint(1, 28))
        return code, sex, surname, given, patronymic, born

    def spell(self, code: str, text: str, cyrillic_share: float = 0.25) -> str:
        systems = SYSTEMS.get(code)
        if not systems or self.rng.random() < cyrillic_share:
            return text
        system = self.rng.choice(systems)
        # Word by word: the words repeat (and mrz_spelling caches them), whole names do not.
        return " ".join(mrz_spelling(word, system) for word in text.split(" "))


def real_entries() -> list[tuple[str, ListEntry]]:
    from rmis.screening.formats import FORMATS, read

    out = []
    un = DATA / "un_sc_consolidated_2026-02-27.xml"
    out += [("un", e) for e in read(un) if isinstance(e, ListEntry)]
    if "ofac-csv" in FORMATS:
        sdn, alt = DATA / "ofac_sdn_2021-07.csv", DATA / "ofac_alt_2021-07.csv"
        out += [("ofac", e) for e in read(sdn, "ofac-csv", alt=alt) if isinstance(e, ListEntry)]
    return [(name, e) for name, e in out if e.subject == "person"]


def synthetic_persons(people: People, count: int) -> Iterator[tuple[str, ListEntry]]:
    for i in range(count):
        code, sex, surname, given, patronymic, born = people.draw()
        full = " ".join(p for p in (surname, given, patronymic) if p)
        names = [EntryName(people.spell(code, full))]
        if people.rng.random() < 0.1:
            names.append(EntryName(people.spell(code, full, 0.0), kind="alias"))
        documents = ()
        if people.rng.random() < 0.2:
            number = f"N{people.rng.randrange(10**7, 10**8)}"
            documents = (EntryDocument(number, code, "P"),)
        yield (
            "wanted",
            ListEntry(f"P{i:07d}", "person", names=tuple(names), birth_dates=(born,), sex=sex,
                      nationalities=(code,), documents=documents),
        )  # fmt: skip


LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def document_number(rng: random.Random) -> str:
    return rng.choice(LETTERS) + str(rng.randrange(10**6, 10**8))


def documents(seed: int, count: int) -> Iterator[tuple[str, ListEntry]]:
    """Lost and stolen documents; their numbers drawn a hundred thousand at a time."""
    rng = np.random.default_rng(seed)
    states = len(DOCUMENT_STATES)
    for start in range(0, count, 100_000):
        size = min(100_000, count - start)
        letters = rng.integers(0, len(LETTERS), size).tolist()
        digits = rng.integers(10**6, 10**8, size).tolist()
        for i, letter, number in zip(range(start, start + size), letters, digits, strict=True):
            document = EntryDocument(LETTERS[letter] + str(number), DOCUMENT_STATES[i % states])
            yield (
                "sltd",
                ListEntry(f"D{i:08d}", "document", documents=(document,),
                          status="stolen" if i % 3 else "lost"),
            )  # fmt: skip


def travellers(
    people: People, listed: list[tuple[str, ListEntry]], docs: list[ListEntry], count: int
) -> list[ScreenedTraveller]:
    rng = people.rng
    out = []
    for i in range(count):
        code, sex, surname, given, _, born = people.draw()
        names = [people.spell(code, f"{surname} {given}", 0.0)]
        document = TravellerDocument(code, document_number(rng), "P")
        if i % 10 == 0 and listed:  # a listed person, re-spelled
            _, entry = rng.choice(listed)
            text = entry.names[0].full
            names = [people.spell(rng.choice(list(SYSTEMS)), text, 0.0)]
            born = entry.birth_dates[0] if entry.birth_dates else born
            sex = entry.sex or sex
        if i % 100 == 5 and docs:  # a listed document, one OCR confusion
            listed_doc = rng.choice(docs).documents[0]
            number = listed_doc.number.replace("0", "O", 1).replace("8", "B", 1)
            document = TravellerDocument(listed_doc.issuing_state or "", number, "P")
        out.append(ScreenedTraveller(f"T{i}", tuple(names), born, sex, code, document))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--documents", type=int, default=10_000_000)
    parser.add_argument("--travellers", type=int, default=5000)
    parser.add_argument("--peer-travellers", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default="/work/bench-out/screening_speed.json")
    args = parser.parse_args()

    rss_start = rss_mb()
    real = real_entries()
    synthetic_count = max(0, args.persons - len(real))
    people = People(args.seed)

    # What making the entries costs (not the index's work), measured on a sample.
    sample_persons = min(synthetic_count, 50_000)
    sample_docs = min(args.documents, 200_000)
    # CPU time beside wall time: the machine is shared, and CPU time is what this process
    # spent whoever else was running.
    start, cpu = time.perf_counter(), time.process_time()
    for _ in synthetic_persons(People(args.seed + 100), sample_persons):
        pass
    making, making_cpu = time.perf_counter() - start, time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    for _ in documents(args.seed + 101, sample_docs):
        pass
    per_doc = (time.perf_counter() - start) / max(1, sample_docs)
    per_doc_cpu = (time.process_time() - cpu) / max(1, sample_docs)
    per_person = making / max(1, sample_persons)
    per_person_cpu = making_cpu / max(1, sample_persons)
    making_estimate = per_person * synthetic_count + per_doc * args.documents
    making_estimate_cpu = per_person_cpu * synthetic_count + per_doc_cpu * args.documents
    load_start = os.getloadavg()

    listed_sample: list[tuple[str, ListEntry]] = []
    doc_sample: list[ListEntry] = []

    def everything() -> Iterator[tuple[str, ListEntry]]:
        yield from real
        for n, (name, entry) in enumerate(synthetic_persons(people, synthetic_count)):
            if n % 997 == 0:
                listed_sample.append((name, entry))
            yield name, entry
        for n, (name, entry) in enumerate(documents(args.seed, args.documents)):
            if n % 9973 == 0:
                doc_sample.append(entry)
            yield name, entry

    gc.collect()
    gc.freeze()  # the entries are garbage at once; the collector need not walk them
    start, cpu = time.perf_counter(), time.process_time()
    index = ScreeningIndex.build(everything())
    build, build_cpu = time.perf_counter() - start, time.process_time() - cpu
    gc.collect()
    rss_built = rss_mb()

    probe_people = People(args.seed + 1)
    listed_sample += real[::7]
    crowd = travellers(probe_people, listed_sample, doc_sample, args.travellers)
    half = len(crowd) // 2

    # One traveller at a time (latency), on the first half.
    times, cpu_times = [], []
    hits = 0
    candidates = []
    for traveller in crowd[:half]:
        t0, c0 = time.perf_counter(), time.thread_time()
        found = index.screen(traveller)
        times.append(time.perf_counter() - t0)
        cpu_times.append(time.thread_time() - c0)
        hits += bool(found)
    times.sort()
    cpu_times.sort()

    def quantile(q: float, values: list[float] = times) -> float:
        return values[min(len(values) - 1, int(q * len(values)))] * 1000

    # A batch on one core (this process is single-threaded), on the second half.
    start, cpu = time.perf_counter(), time.process_time()
    batch_hits = sum(1 for found in index.screen_many(crowd[half:]) if found)
    batch, batch_cpu = time.perf_counter() - start, time.process_time() - cpu

    for traveller in crowd[: min(500, half)]:
        names = [n for n in map(_prepare, traveller.names) if n.words]
        candidates.append(len(index._person_candidates(names, traveller, 0.8)))

    result = {
        "bench": "screening_speed",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "list": {
            "persons": args.persons,
            "real_persons": len(real),
            "documents": args.documents,
            "entries_indexed": len(index),
        },
        "load_average_at_start_and_end": [round(x, 2) for x in (*load_start, *os.getloadavg())],
        "build_seconds": round(build, 1),
        "build_seconds_making_entries_estimated": round(making_estimate, 1),
        "build_seconds_index_only_estimated": round(build - making_estimate, 1),
        "build_cpu_seconds": round(build_cpu, 1),
        "build_cpu_seconds_making_entries_estimated": round(making_estimate_cpu, 1),
        "build_cpu_seconds_index_only_estimated": round(build_cpu - making_estimate_cpu, 1),
        "indexed_keys": len(index._keys),
        "rss_mb": {
            "before": round(rss_start, 0),
            "after_build": round(rss_built, 0),
            "peak": round(peak_rss_mb(), 0),
        },
        "index_arrays_mb": {k: round(v / 2**20, 1) for k, v in index.memory_bytes().items()},
        "one_traveller_ms": {
            "travellers": half,
            "p50": round(quantile(0.5), 3),
            "p90": round(quantile(0.9), 3),
            "p99": round(quantile(0.99), 3),
            "max": round(times[-1] * 1000, 3),
            "cpu_p50": round(quantile(0.5, cpu_times), 3),
            "cpu_p99": round(quantile(0.99, cpu_times), 3),
            "with_hits": hits,
        },
        "batch": {
            "travellers": len(crowd) - half,
            "seconds": round(batch, 3),
            "travellers_per_second": round((len(crowd) - half) / batch, 1),
            "travellers_per_cpu_second": round((len(crowd) - half) / batch_cpu, 1),
            "with_hits": batch_hits,
        },
        "person_candidates_per_traveller": {
            "mean": round(statistics.fmean(candidates), 1) if candidates else 0,
            "max": max(candidates, default=0),
        },
        "targets": {
            "p99_ms": 10,
            "batch_travellers_per_second": 2000,
            "build_seconds": 120,
        },
    }
    if args.peer_travellers:
        result["peer_nomenklatura_logic_v2"] = peer(index, crowd[: args.peer_travellers])
        rmis_rate = result["batch"]["travellers_per_second"]
        result["ratio_rmis_to_peer_travellers_per_second"] = round(
            rmis_rate / result["peer_nomenklatura_logic_v2"]["travellers_per_second"], 1
        )
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text + "\n")


def _prepare(text: str):
    from rmis.screening.names import prepare_name

    return prepare_name(text)


def peer(index: ScreeningIndex, crowd: list[ScreenedTraveller]) -> dict:
    """nomenklatura's logic-v2 on the persons the index compared by name, per traveller."""
    from followthemoney import model
    from nomenklatura.matching import get_algorithm

    algorithm = get_algorithm("logic-v2")
    if algorithm is None:
        raise RuntimeError("nomenklatura has no logic-v2 algorithm")
    config = algorithm.default_config()

    def entity(ident: str, names, births, sex) -> object:
        e = model.make_entity("Person")
        e.id = ident
        for name in names:
            e.add("name", name)
        for born in births:
            e.add("birthDate", str(BirthDate(born.year, born.month, born.day)))
        if sex:
            e.add("gender", {"M": "male", "F": "female"}[sex])
        return e

    pairs = []
    for traveller in crowd:
        names = [n for n in map(_prepare, traveller.names) if n.words]
        people = index._person_candidates(names, traveller, 0.0).tolist()  # all by name
        listed = [
            entity(str(p), [n.full for n, _ in index._person_names(p)],
                   index._person_birth_dates(p), None)
            for p in people
        ]  # fmt: skip
        births = [traveller.birth_date] if traveller.birth_date else []
        query = entity(traveller.id, traveller.names, births, traveller.sex)
        pairs.append((query, listed))
    start = time.perf_counter()
    compared = 0
    for query, listed in pairs:
        for candidate in listed:
            algorithm.compare(query, candidate, config)
            compared += 1
    seconds = time.perf_counter() - start
    return {
        "travellers": len(crowd),
        "pairs_scored": compared,
        "seconds": round(seconds, 3),
        "travellers_per_second": round(len(crowd) / seconds, 1) if seconds else None,
        "pairs_per_second": round(compared / seconds, 1) if seconds else None,
        "note": "the same persons rmis's index compared by name (birth-date filter off), "
        "FtM entities built before timing; the peer does not search, so its search is free",
    }


if __name__ == "__main__":
    sys.exit(main())
