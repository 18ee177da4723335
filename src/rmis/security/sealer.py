"""The single audit writer of a running server: a thread that seals the chain every few
seconds, so requests only ever insert their rows and never wait on the chain."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from rmis.security.audit import seal_audit
from rmis.security.keys import AuditKeys

SEAL_INTERVAL_S = 2.0
_log = logging.getLogger("rmis.audit")


class AuditSealer:
    def __init__(
        self,
        engine: Engine,
        keys: AuditKeys,
        checkpoint: Path | None,
        clock: Callable[[], datetime],
        interval_s: float = SEAL_INTERVAL_S,
    ) -> None:
        self._engine, self._keys, self._checkpoint = engine, keys, checkpoint
        self._clock, self._interval = clock, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rmis-audit-sealer", daemon=True)

    def start(self) -> AuditSealer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop, after one last seal of what the server wrote."""
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            stopping = self._stop.wait(self._interval)
            try:
                seal_audit(self._engine, self._keys, self._clock(), self._checkpoint)
            except Exception:  # a dropped connection must not end the sealing for good
                _log.exception("sealing the audit chain failed; trying again")
            if stopping:
                return
