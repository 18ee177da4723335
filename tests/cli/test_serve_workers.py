"""`rmis serve --workers 2`: two server processes answer on one port, each with the app made
from the environment; the parent keeps the one scheduler (sealer, daily erasure)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

RMIS = [sys.executable, "-c", "from rmis.cli import app; app()"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(status.parent.name))
    return found


def test_two_workers_answer(tmp_path):
    env = {**os.environ, "RMIS_DATA_DIR": str(tmp_path)}
    env.pop("RMIS_DATABASE_URL", None)
    port = _free_port()
    process = subprocess.Popen(
        [*RMIS, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/v1/openapi.json"
        answered = []
        deadline = time.monotonic() + 90
        while len(answered) < 20 and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    answered.append(json.load(response)["info"]["title"])
            except OSError:
                assert process.poll() is None, process.stdout.read().decode()
                time.sleep(0.2)
        assert answered == ["rmis"] * 20
        # uvicorn's supervisor and its two workers (multiprocessing may add a helper).
        assert len(_children(process.pid)) >= 2
    finally:
        process.terminate()
        process.wait(timeout=30)
