"""Configuration from RMIS_* environment variables, with embedded defaults that need none.

Read once at the edge (CLI, server start) and handed to services; nothing else reads it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SparkSettings:
    """Where RMIS_ENGINE=spark runs (analytics' session and the hub's linkage alike)."""

    master: str = "local[2]"  # RMIS_SPARK_MASTER: local[N], local[*], spark://host:7077, ...
    memory: str = "2g"  # RMIS_SPARK_MEMORY: the driver's and each executor's
    warehouse_dir: Path | None = None  # RMIS_SPARK_WAREHOUSE: spark.sql.warehouse.dir

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SparkSettings:
        env = os.environ if env is None else env
        master = env.get("RMIS_SPARK_MASTER", "local[2]")
        if not _SPARK_MASTER.fullmatch(master):
            raise ValueError(
                "RMIS_SPARK_MASTER must be local, local[N], local[*], spark://host:port, yarn "
                f"or k8s://..., not {master!r}"
            )
        memory = env.get("RMIS_SPARK_MEMORY", "2g")
        if not re.fullmatch(r"[1-9]\d*[kmgt]?", memory, re.IGNORECASE):
            raise ValueError(f"RMIS_SPARK_MEMORY must be a size such as 512m or 4g, not {memory!r}")
        warehouse = env.get("RMIS_SPARK_WAREHOUSE")
        return cls(master, memory, Path(warehouse) if warehouse else None)


_SPARK_MASTER = re.compile(r"local(\[(\d+|\*)(,\d+)?\])?|spark://\S+|yarn|k8s://\S+")


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    stay_rules: Path | None  # a state's own stay-rules file replacing the built-in hosts
    analytics_engine: str  # what runs the analyses: duckdb (one machine) or spark
    # The secret the warehouse's holder_key is keyed with (rmis.warehouse.pseudonym): outside
    # the warehouse, made on first sync, owner-only.
    warehouse_key_file: Path
    # The lowest score of an alert-list hit (RMIS_SCREENING_THRESHOLD); None: the screening
    # room's default, the one its accuracy bench chose.
    screening_threshold: float | None = None
    # The audit chain's keyring and its signed checkpoint (rmis.security.audit): outside the
    # database, owner-only; by default beside the record in the data directory.
    audit_key_file: Path | None = None
    audit_checkpoint_file: Path | None = None
    # A state's own retention table (RMIS_RETENTION) replacing the package's terms.
    retention_rules: Path | None = None
    spark: SparkSettings = field(default_factory=SparkSettings)
    # The analyst's dashboard: cells, and whole filtered results, of fewer than this many
    # people are suppressed (RMIS_DASHBOARD_SUPPRESS_BELOW; analytics/disclosure.py).
    dashboard_suppress_below: int = 5

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("RMIS_DATA_DIR", "rmis-data"))
        default_db = f"sqlite:///{(data_dir / 'rmis.sqlite3').as_posix()}"
        rules = env.get("RMIS_STAY_RULES")
        key_file = env.get("RMIS_WAREHOUSE_KEY_FILE")
        threshold = env.get("RMIS_SCREENING_THRESHOLD")
        return cls(
            data_dir=data_dir,
            database_url=env.get("RMIS_DATABASE_URL", default_db),
            stay_rules=Path(rules) if rules else None,
            analytics_engine=env.get("RMIS_ENGINE", "duckdb"),
            warehouse_key_file=Path(key_file) if key_file else data_dir / "warehouse.key",
            screening_threshold=_threshold(threshold) if threshold else None,
            audit_key_file=Path(env.get("RMIS_AUDIT_KEY_FILE", data_dir / "audit.key")),
            retention_rules=Path(env["RMIS_RETENTION"]) if env.get("RMIS_RETENTION") else None,
            audit_checkpoint_file=Path(
                env.get("RMIS_AUDIT_CHECKPOINT", data_dir / "audit.checkpoint")
            ),
            spark=SparkSettings.from_env(env),
            dashboard_suppress_below=_whole(
                "RMIS_DASHBOARD_SUPPRESS_BELOW", env.get("RMIS_DASHBOARD_SUPPRESS_BELOW", "5")
            ),
        )


def _whole(name: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {text!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be 1 or more, not {value}")
    return value


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.0 < value <= 1.0:  # also refuses NaN
        raise ValueError(f"RMIS_SCREENING_THRESHOLD must be a number in (0, 1], not {text!r}")
    return value


def utc_now() -> datetime:
    """The real clock, read only at the edges and handed to services as `now`."""
    return datetime.now(UTC)
