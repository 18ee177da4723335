"""The analysis warehouse: the registry exported incrementally into Hive-partitioned Parquet.

This is the room's one door: other rooms use what is named here and nothing else of warehouse.
Layout and columns: docs/warehouse.md. Reading the manifest and the key needs PyArrow; the
staleness check needs SQLAlchemy; the sync (which reads the registry) is imported on first
use of `sync_warehouse`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from rmis.warehouse.columns import BCPS, COLUMNS_VERSION, CROSSINGS, DOCUMENTS, PERMITS, REVIEWS
from rmis.warehouse.layout import (
    MANIFEST,
    Manifest,
    Partition,
    Summaries,
    new_file,
    read_manifest,
    remove_unlisted,
    write_manifest,
)
from rmis.warehouse.pseudonym import (
    KEY_BYTES,
    Keyed,
    PseudonymKeyError,
    default_key_file,
    fingerprint,
    holder_key,
    load_or_create_key,
    person_key,
)

# Imported here, not lazily: the function is named as its module, and only a binding made while
# the package is first imported stays over the submodule's.
from rmis.warehouse.staleness import Staleness, staleness, sync_time

if TYPE_CHECKING:
    from rmis.warehouse.sync import Summariser, SyncSummary, sync_warehouse

_LAZY = {
    "Summariser": "rmis.warehouse.sync",
    "SyncSummary": "rmis.warehouse.sync",
    "sync_warehouse": "rmis.warehouse.sync",
}

__all__ = [
    "BCPS",
    "COLUMNS_VERSION",
    "CROSSINGS",
    "DOCUMENTS",
    "KEY_BYTES",
    "MANIFEST",
    "PERMITS",
    "REVIEWS",
    "Keyed",
    "Manifest",
    "Partition",
    "PseudonymKeyError",
    "Staleness",
    "Summaries",
    "Summariser",
    "SyncSummary",
    "default_key_file",
    "fingerprint",
    "holder_key",
    "load_or_create_key",
    "new_file",
    "person_key",
    "read_manifest",
    "remove_unlisted",
    "staleness",
    "sync_time",
    "sync_warehouse",
    "write_manifest",
]


def __getattr__(name: str) -> Any:  # PEP 562: the sync and the registry load when first used
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
