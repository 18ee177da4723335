"""The warehouse the dashboard reads, opened once and opened again when a sync has rewritten
its manifest. One DuckDB connection answers one request at a time (a lock): analysts are few,
and each panel's query is short."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rmis.analytics import WarehouseMissing, connect
from rmis.analytics.panels import SummariesMissing, Workspace
from rmis.warehouse import MANIFEST


class NoWarehouse(RuntimeError):
    """Nothing to show yet: the message says what to run."""


class WorkspaceHolder:
    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._opened: tuple[float, Workspace] | None = None

    @contextmanager
    def open(self) -> Iterator[Workspace]:
        """The current warehouse's workspace, for one request."""
        if self.root is None:
            raise NoWarehouse("this server was started without a warehouse")
        with self._lock:
            manifest = self.root / MANIFEST
            if not manifest.exists():
                raise NoWarehouse("no warehouse yet: run `rmis warehouse sync`")
            stamp = manifest.stat().st_mtime_ns
            if self._opened is None or self._opened[0] != stamp:
                try:
                    self._opened = (stamp, Workspace(self.root, connect()))
                except (WarehouseMissing, SummariesMissing) as error:
                    raise NoWarehouse(str(error)) from error
            yield self._opened[1]
