"""Parse and validate 100,000 MRZs with rmis and with the `mrz` package (PyPI), same run.

    .venv/bin/python bench/mrz_bench.py [--documents N] [--seed S]

Documents are composed with rmis.documents (mixed TD1, TD2, TD3, MRV-A, MRV-B; deterministic
seed) using only what both tools accept: sex M/F/<, document numbers of at most 9 characters,
country codes both know. Each tool gets its own input form prepared beforehand (rmis: a tuple
of lines; mrz: one string with newlines) and does its full validation: every check digit,
dates, country codes, name and document code format. Then both judge the same sample of
intact and corrupted documents, to show they agree on what is valid.

Prints one JSON object: documents per second for each, and the ratio.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import sys
import time
from collections import Counter
from datetime import date, timedelta

from mrz.base.countries_ops import is_code
from mrz.checker.mrva import MRVACodeChecker
from mrz.checker.mrvb import MRVBCodeChecker
from mrz.checker.td1 import TD1CodeChecker
from mrz.checker.td2 import TD2CodeChecker
from mrz.checker.td3 import TD3CodeChecker

from rmis.documents import MRZFormat, compose, parse
from rmis.documents.checkdigit import MRZ_CHARS
from rmis.reference.countries import all_codes

TODAY = date(2025, 6, 1)
CHUNK = 5_000
PEER = {
    MRZFormat.TD1: TD1CodeChecker,
    MRZFormat.TD2: TD2CodeChecker,
    MRZFormat.TD3: TD3CodeChecker,
    MRZFormat.MRVA: MRVACodeChecker,
    MRZFormat.MRVB: MRVBCodeChecker,
}
DOC_CODE = {
    MRZFormat.TD1: "I",
    MRZFormat.TD2: "I",
    MRZFormat.TD3: "P",
    MRZFormat.MRVA: "V",
    MRZFormat.MRVB: "V",
}
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALNUM = "0123456789" + LETTERS
SURNAMES = ["NURLANOV", "ABDULLAEVA", "RAKHIMOV", "KARIMOVA", "TOKTOGULOV", "SADYKOVA",
            "IVANOV", "PETROVA", "WANG", "AHMADI", "MAMMADOV", "OMAROV", "SULAIMANOVA",
            "KHUDOYBERDIYEV", "ESENALIEVA", "BERDIMUHAMEDOW", "TURSUNZODA"]  # fmt: skip
GIVEN = ["ASKAR", "AIGERIM", "TIMUR", "DILNOZA", "BAKYT", "GULNARA", "SERGEI", "OLGA", "LI",
         "AHMAD", "RASHID", "ZARINA", "FARRUKH", "MEERIM", "NURSULTAN", "SHAHLO"]  # fmt: skip


def generate(n: int, seed: int) -> list[tuple[MRZFormat, dict[str, object]]]:
    """Random fields for `n` documents (composed separately, so composing can be timed)."""
    rng = random.Random(seed)
    shared = sorted(c for c in all_codes() if len(c) == 3 and is_code(c))
    formats = list(MRZFormat)
    docs = []
    for _ in range(n):
        fmt = rng.choice(formats)
        birth = TODAY - timedelta(days=rng.randrange(365, 365 * 80))
        expiry = max(birth, TODAY - timedelta(days=365 * 3)) + timedelta(
            days=rng.randrange(1, 365 * 13)
        )
        fields = dict(
            document_code=DOC_CODE[fmt],
            issuing_state=rng.choice(shared),
            nationality=rng.choice(shared),
            surname=rng.choice(SURNAMES),
            given_names=" ".join(rng.sample(GIVEN, rng.randrange(0, 3))),
            document_number="".join(rng.choices(ALNUM, k=rng.randrange(6, 10))),
            birth_date=birth,
            sex=rng.choice("MF<"),
            expiry_date=expiry,
            optional_data="".join(rng.choices(ALNUM, k=rng.randrange(0, 6))),
        )
        docs.append((fmt, fields))
    return docs


def peer_valid(fmt: MRZFormat, text: str) -> bool:
    try:
        return bool(PEER[fmt](text))
    except Exception:  # the peer raises on some malformed input instead of reporting it
        return False


def corrupt(rng: random.Random, lines: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    row = rng.randrange(len(lines))
    index = rng.randrange(len(lines[row]))
    new = rng.choice([c for c in MRZ_CHARS if c != lines[row][index]])
    changed = list(lines)
    changed[row] = lines[row][:index] + new + lines[row][index + 1 :]
    return tuple(changed), f"line {row + 1} position {index + 1}"


def agreement(docs, sample: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed + 1)
    cases = []
    for fmt, lines in docs[:sample]:
        cases.append((fmt, lines, "intact"))
        changed, where = corrupt(rng, lines)
        cases.append((fmt, changed, where))
    agree = 0
    disagreements: Counter[str] = Counter()
    examples = []
    for fmt, lines, label in cases:
        ours = parse(lines, today=TODAY)
        theirs = peer_valid(fmt, "\n".join(lines))
        if ours.valid == theirs:
            agree += 1
            continue
        why = ",".join(sorted({e.code for e in ours.errors})) or "rmis:valid"
        key = f"{fmt}: rmis {'valid' if ours.valid else why}, mrz {theirs}"
        disagreements[key] += 1
        if disagreements[key] == 1:  # one example of each kind
            examples.append({"format": str(fmt), "lines": list(lines), "change": label,
                             "rmis_valid": ours.valid, "mrz_valid": theirs,
                             "rmis_errors": [e.code for e in ours.errors]})  # fmt: skip
    return {
        "cases": len(cases),
        "agree": agree,
        "agreement": round(agree / len(cases), 4),
        "intact_valid_rmis": sum(parse(lines, today=TODAY).valid for _, lines in docs[:sample]),
        "disagreements": dict(disagreements.most_common()),
        "examples": examples,
    }


def timed(fn) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=9303)
    ap.add_argument("--sample", type=int, default=2000)
    args = ap.parse_args()

    fields = generate(args.documents, args.seed)
    docs: list[tuple[MRZFormat, tuple[str, ...]]] = []

    def run_compose() -> None:
        docs.extend((fmt, compose(fmt, **f)) for fmt, f in fields)

    compose_seconds = timed(run_compose)

    ours_input = [lines for _, lines in docs]
    peer_input = [(PEER[fmt], "\n".join(lines)) for fmt, lines in docs]
    results = {"rmis_valid": 0, "mrz_valid": 0}
    rmis_seconds = peer_seconds = 0.0
    # Alternate in chunks, so a burst of load on a shared machine hits both tools alike.
    for lo in range(0, len(docs), CHUNK):
        ours_chunk = ours_input[lo : lo + CHUNK]
        peer_chunk = peer_input[lo : lo + CHUNK]

        def run_rmis(chunk=ours_chunk) -> None:
            results["rmis_valid"] += sum(parse(lines, today=TODAY).valid for lines in chunk)

        def run_peer(chunk=peer_chunk) -> None:
            results["mrz_valid"] += sum(bool(checker(text)) for checker, text in chunk)

        rmis_seconds += timed(run_rmis)
        peer_seconds += timed(run_peer)
    n = len(docs)
    report = {
        "benchmark": "mrz parse+validate",
        "command": "python " + " ".join(sys.argv),
        "documents": n,
        "formats": dict(Counter(str(fmt) for fmt, _ in docs)),
        "rmis_docs_per_s": round(n / rmis_seconds),
        "mrz_docs_per_s": round(n / peer_seconds),
        "ratio_rmis_over_mrz": round(peer_seconds / rmis_seconds, 2),
        "rmis_valid": results["rmis_valid"],
        "mrz_valid": results["mrz_valid"],
        "rmis_compose_docs_per_s": round(n / compose_seconds),
        "agreement_sample": agreement(docs, args.sample, args.seed),
        "peer": "mrz (PyPI) TD1/TD2/TD3/MRVA/MRVBCodeChecker, check_expiry=False",
        "python": platform.python_version(),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
