import os
import stat

from rmis.store import open_database


def test_the_record_file_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "data" / "rmis.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # One left readable to all by an older version is narrowed when next opened.
    os.chmod(path, 0o644)
    engine = open_database(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or stat.S_IMODE(wal.stat().st_mode) == 0o600
    engine.dispose()
