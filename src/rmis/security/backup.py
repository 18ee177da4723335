"""Backups: the record, the warehouse and every key, in one directory with a manifest of
SHA-256 digests; restored only whole and unaltered, and then the audit chain is verified.

The record is copied consistently while in use: SQLite by its online backup API, PostgreSQL by
pg_dump (custom format; pg_restore brings it back). The keys are what makes the rest readable
and provable (the warehouse's pseudonym key, the audit keyring and checkpoint, the exchange
signing key): a backup holds them, so it is written owner-only and must be kept as the keys
are. Key rotation never loses the past: the audit keyring keeps its old keys, and the
warehouse writes itself again whole under a new key (warehouse/sync.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

FORMAT = 1
MANIFEST = "backup.json"


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Paths:
    """Where an installation keeps what a backup holds (from Settings)."""

    database_url: str
    warehouse: Path
    files: dict[str, Path]  # name in the backup -> key or checkpoint file
    directories: dict[str, Path]  # name in the backup -> a directory of keys (exchange/)


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _private_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    shutil.copyfile(source, target)
    target.chmod(0o600)


def _libpq(url: str) -> tuple[str, list[str]]:
    """A libpq URL for pg_dump, and the --schema its search_path names, if any."""
    parsed = make_url(url)
    options = parsed.query.get("options", "")
    schema = []
    if "search_path=" in options:
        schema = ["--schema", options.split("search_path=")[1].split()[0]]
    plain = parsed.set(drivername="postgresql").difference_update_query(["options"])
    return plain.render_as_string(hide_password=False), schema


def backup(paths: Paths, destination: Path, now: datetime) -> dict:
    """Write a backup into `destination` (a new or empty directory); its manifest."""
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty: a backup goes into a directory of its own")
    destination.mkdir(parents=True, exist_ok=True, mode=0o700)
    destination.chmod(0o700)
    url = make_url(paths.database_url)
    if url.get_backend_name() == "sqlite":
        record = destination / "record.sqlite3"
        source = sqlite3.connect(url.database)
        try:
            with sqlite3.connect(record) as copy:
                source.backup(copy)
        finally:
            source.close()
        record.chmod(0o600)
    else:
        record = destination / "record.pgdump"
        libpq, schema = _libpq(paths.database_url)
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", *schema,
                        "--file", str(record), libpq], check=True)  # fmt: skip
        record.chmod(0o600)
    for name, path in paths.files.items():
        if path.is_file():
            _private_copy(path, destination / "keys" / name)
    for name, directory in paths.directories.items():
        if directory.is_dir():
            for path in directory.rglob("*"):
                if path.is_file():
                    _private_copy(path, destination / "keys" / name / path.relative_to(directory))
    if (paths.warehouse / "_manifest.json").is_file():
        for path in paths.warehouse.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                _private_copy(path, destination / "warehouse" / path.relative_to(paths.warehouse))
    files = {
        p.relative_to(destination).as_posix(): _digest(p)
        for p in sorted(destination.rglob("*"))
        if p.is_file()
    }
    manifest = {"format": FORMAT, "made_at": now.isoformat(), "record": record.name,
                "files": files}  # fmt: skip
    target = destination / MANIFEST
    target.write_text(json.dumps(manifest, indent=1))
    target.chmod(0o600)
    return manifest


def check_backup(source: Path) -> dict:
    """The backup's manifest, once every file it lists is there and unaltered."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} holds no readable {MANIFEST}: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
    for name, digest in manifest["files"].items():
        path = source / name
        if not path.is_file() or _digest(path) != digest:
            raise BackupError(f"{name} is missing or altered: nothing was restored")
    return manifest


def restore(paths: Paths, source: Path, *, replace: bool = False) -> dict:
    """Restore a checked backup over the installation; refuses to overwrite a record that
    exists unless `replace`."""
    manifest = check_backup(source)
    url = make_url(paths.database_url)
    if manifest["record"] == "record.sqlite3":
        if url.get_backend_name() != "sqlite":
            raise BackupError("the backup holds an SQLite record; RMIS_DATABASE_URL is not one")
        target = Path(url.database)
        if target.exists() and not replace:
            raise BackupError(f"{target} exists: restore with --replace to overwrite it")
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        _private_copy(source / "record.sqlite3", target)
    else:
        if url.get_backend_name() != "postgresql":
            raise BackupError("the backup holds a PostgreSQL dump; RMIS_DATABASE_URL is not one")
        if not replace:
            raise BackupError("restoring into PostgreSQL replaces its tables: use --replace")
        libpq, _ = _libpq(paths.database_url)
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl",
                        "--dbname", libpq, str(source / "record.pgdump")], check=True)  # fmt: skip
    for name, path in paths.files.items():
        kept = source / "keys" / name
        if kept.is_file():
            _private_copy(kept, path)
    for name, directory in paths.directories.items():
        kept = source / "keys" / name
        if kept.is_dir():
            for path in kept.rglob("*"):
                if path.is_file():
                    _private_copy(path, directory / path.relative_to(kept))
    if (source / "warehouse").is_dir():
        if paths.warehouse.exists():
            shutil.rmtree(paths.warehouse)
        shutil.copytree(source / "warehouse", paths.warehouse)
        os.chmod(paths.warehouse, 0o700)
    return manifest
