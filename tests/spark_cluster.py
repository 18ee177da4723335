"""A standalone Spark cluster on this machine for the tests: a master and two one-core workers
on loopback, started from the pyspark distribution's own `bin/spark-class` (the pip
distribution ships no `sbin/start-master.sh`), with their logs, work and scratch directories
under a temporary directory, and stopped with everything they started.

`spark_cluster` is a module-scoped fixture (imported by the conftests that use it): it yields
the master's URL, spark://127.0.0.1:PORT, once both workers have registered with the master
(its web UI's JSON says so). It skips, saying why, without a Java Spark runs on, and unless
RMIS_TEST_SPARK_CLUSTER=1 (three JVMs and a minute on a shared two-core machine: CI sets it,
.ci/run). Executors run on the same machine, so they read the warehouse's temporary files
where the driver wrote them.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

WORKERS = 2
WORKER_MEMORY = "512m"  # each worker's, for the executor it starts (RMIS_SPARK_MEMORY 512m)
DAEMON_MEMORY = "256m"  # the master's and the workers' own heaps
ENABLED = "RMIS_TEST_SPARK_CLUSTER"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ClusterFailed(RuntimeError):
    """The cluster did not come up; the message holds the tail of its logs."""


class StandaloneCluster:
    """A master and `workers` workers of one core each on 127.0.0.1, each daemon in a process
    group of its own (the executors and Python workers it starts are in it too), so stopping
    one leaves no JVM behind."""

    def __init__(self, base: Path, workers: int = WORKERS, memory: str = WORKER_MEMORY) -> None:
        import pyspark

        self.home = Path(pyspark.__file__).parent
        self.base = base
        self.workers = workers
        self.memory = memory
        self.port = free_port()
        self.ui_port = free_port()
        self.master = f"spark://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen] = []
        self.logs: list[Path] = []

    def _env(self) -> dict[str, str]:
        return {
            **os.environ,
            "SPARK_HOME": str(self.home),
            "PYSPARK_PYTHON": sys.executable,  # executors' Python workers: this venv's
            "SPARK_LOCAL_IP": "127.0.0.1",
            "SPARK_LOG_DIR": str(self.base / "logs"),
            "SPARK_WORKER_DIR": str(self.base / "work"),
            "SPARK_LOCAL_DIRS": str(self.base / "local"),  # shuffle and spill
            "SPARK_DAEMON_MEMORY": DAEMON_MEMORY,
        }

    def _start(self, name: str, *args: str) -> None:
        for directory in ("logs", "work", "local"):
            (self.base / directory).mkdir(parents=True, exist_ok=True)
        log = self.base / "logs" / f"{name}.log"
        with log.open("wb") as out:
            self.processes.append(
                subprocess.Popen(
                    [str(self.home / "bin" / "spark-class"), *args],
                    env=self._env(),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
        self.logs.append(log)

    def alive_workers(self) -> int:
        """How many workers the master has registered as alive (0 while its UI is not up)."""
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{self.ui_port}/json/", timeout=5
            ) as reply:
                state = json.load(reply)
        except (OSError, ValueError):
            return 0
        return sum(1 for worker in state.get("workers", []) if worker.get("state") == "ALIVE")

    def start(self, timeout: float = 180.0) -> StandaloneCluster:
        atexit.register(self.stop)  # a run that ends without its fixture's teardown
        self._start(
            "master",
            "org.apache.spark.deploy.master.Master",
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--webui-port", str(self.ui_port),
        )  # fmt: skip
        for n in range(self.workers):
            self._start(
                f"worker-{n + 1}",
                "org.apache.spark.deploy.worker.Worker",
                self.master,
                "--host", "127.0.0.1",
                "--cores", "1",
                "--memory", self.memory,
                "--webui-port", str(free_port()),
                "--work-dir", str(self.base / "work"),
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while (alive := self.alive_workers()) < self.workers:
            ended = [p for p in self.processes if p.poll() is not None]
            if ended or time.monotonic() > deadline:
                self.stop()
                why = "a daemon ended" if ended else f"{timeout:.0f} s passed"
                raise ClusterFailed(
                    f"the standalone cluster did not come up ({why}; {alive} of "
                    f"{self.workers} workers registered):\n{self.log_tails()}"
                )
            time.sleep(0.5)
        return self

    def log_tails(self, lines: int = 15) -> str:
        tails = []
        for log in self.logs:
            text = log.read_text(errors="replace").splitlines() if log.exists() else []
            tails.append(f"--- {log.name}\n" + "\n".join(text[-lines:]))
        return "\n".join(tails)

    def stop(self) -> None:
        """SIGTERM to each daemon's process group (workers first), SIGKILL to what is left
        after 30 s."""
        for process in reversed(self.processes):
            _signal_group(process, signal.SIGTERM)
        for process in reversed(self.processes):
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
            _signal_group(process, signal.SIGKILL)  # executors of a worker that has ended
            process.wait()
        self.processes.clear()

    def __enter__(self) -> StandaloneCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def stop_running_spark() -> None:
    """A Python process holds one SparkContext and getOrCreate hands back the running one,
    whatever its master: one still running here is stopped, so the next session is made on the
    cluster."""
    from pyspark import SparkContext

    if SparkContext._active_spark_context is not None:
        SparkContext._active_spark_context.stop()


def executors_of(spark, wanted: int = WORKERS, timeout: float = 120.0) -> int:
    """How many executors `spark`'s context has (the driver not counted), once it has `wanted`
    or `timeout` has passed: a session's executors start on the workers after it does, and a
    test run before they have would run on fewer."""
    tracker = spark.sparkContext._jsc.sc().statusTracker()
    deadline = time.monotonic() + timeout
    while (count := len(tracker.getExecutorInfos()) - 1) < wanted and time.monotonic() < deadline:
        time.sleep(0.5)
    return count


@pytest.fixture(scope="module")
def spark_cluster(tmp_path_factory):
    """spark://127.0.0.1:PORT, a master and two registered one-core workers of 512 MB."""
    pytest.importorskip("pyspark")
    from rmis.analytics.engine import java_problem

    if problem := java_problem():
        pytest.skip(problem)
    if os.environ.get(ENABLED) != "1":
        pytest.skip(f"{ENABLED}=1 starts the standalone Spark cluster (CI sets it)")
    with StandaloneCluster(tmp_path_factory.mktemp("spark_cluster")) as cluster:
        stop_running_spark()
        yield cluster.master
        stop_running_spark()
