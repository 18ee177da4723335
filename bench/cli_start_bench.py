"""How long the `rmis` command takes to start, against Python itself and Typer in the same run.

Each command runs RUNS times in a fresh interpreter, interleaved with its peers so that the
machine's load falls on all of them alike; the figure is the median wall time. The target of
issue 11 is `rmis --help` under 0.5 s.

    .venv/bin/python bench/cli_start_bench.py [--runs 9]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_HELP_S = 0.5
RMIS = str(Path(sys.executable).with_name("rmis"))
SPECIMEN = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10")  # fmt: skip

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import typer'": [sys.executable, "-c", "import typer"],
    "rmis --help": [RMIS, "--help"],
    "rmis mrz parse <specimen> --json": [RMIS, "mrz", "parse", *SPECIMEN, "--json"],
    "rmis names latin Юлия": [RMIS, "names", "latin", "Юлия"],
}


def wall_time(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    for command in COMMANDS.values():  # warm the file cache and the bytecode
        wall_time(command)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, command in COMMANDS.items():
            times[name].append(wall_time(command))
    median = {name: statistics.median(values) for name, values in times.items()}
    typer_s = median["python -c 'import typer'"]
    print(json.dumps({
        "runs": runs,
        "median_s": {name: round(value, 3) for name, value in median.items()},
        "ratio_to_import_typer": {
            name: round(value / typer_s, 2) for name, value in median.items()
            if name.startswith("rmis")
        },
        "target_rmis_help_s": TARGET_HELP_S,
        "target_met": median["rmis --help"] < TARGET_HELP_S,
    }, indent=1, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
