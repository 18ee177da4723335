"""How long the `rmis` command takes to start, against Python itself and Typer in the same run.

Each command runs RUNS times in a fresh interpreter, interleaved with its peers so that the
machine's load falls on all of them alike; the figures are the median wall time and the median
CPU time (user + system) of the child, which a busy shared machine inflates less than the wall
time. The target of issue 11 is `rmis --help` under 0.5 s.

    .venv/bin/python bench/cli_start_bench.py [--runs 9]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    for command in COMMANDS.values():  # warm the file cache and the bytecode
        timed(command)
    walls: dict[str, list[float]] = {name: [] for name in COMMANDS}
    cpus: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, command in COMMANDS.items():
            wall, cpu = timed(command)
            walls[name].append(wall)
            cpus[name].append(cpu)
    wall = {name: statistics.median(values) for name, values in walls.items()}
    cpu = {name: statistics.median(values) for name, values in cpus.items()}
    peer = "python -c 'import typer'"
    print(json.dumps({
        "runs": runs,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "median_wall_s": {name: round(value, 3) for name, value in wall.items()},
        "median_cpu_s": {name: round(value, 3) for name, value in cpu.items()},
        "wall_ratio_to_import_typer": {
            name: round(value / wall[peer], 2) for name, value in wall.items()
            if name.startswith("rmis")
        },
        "target_rmis_help_s": TARGET_HELP_S,
        "target_met_wall": wall["rmis --help"] < TARGET_HELP_S,
        "target_met_cpu": cpu["rmis --help"] < TARGET_HELP_S,
    }, indent=1, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
