"""The audit chain: rows written without a lock, linked by one sealer under a key outside the
database, and every way of rewriting the record found (the tamper tests of issue 17)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError

from rmis.security import AuditKeys, Checkpoint, load_keys, rotate_keys
from rmis.security.audit import (
    GENESIS,
    append_audit,
    chain_link,
    content_digest,
    seal_audit,
    verify_audit,
    verify_chain,
)
from rmis.store.schema import audit_links, audit_log

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def keys(tmp_path):
    return load_keys(tmp_path / "audit.key")


@pytest.fixture
def checkpoint(tmp_path):
    return tmp_path / "audit.checkpoint"


def _append(engine, count, principal="reader", start=0):
    with engine.begin() as connection:
        for i in range(start, start + count):
            append_audit(connection, at=NOW + timedelta(seconds=i), principal=principal,
                         action="travellers.history", subject=f"t{i}", purpose="test",
                         detail={"i": i})  # fmt: skip


def _as_owner(engine):
    """The database's owner (or an intruder with its rights) switches the guard off."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            for table in ("audit_log", "audit_links"):
                for verb in ("update", "delete"):
                    connection.exec_driver_sql(f"DROP TRIGGER {table}_no_{verb}")
        else:
            for table in ("audit_log", "audit_links"):
                connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")


def test_the_chain_holds_when_many_append_at_once(engine, keys, checkpoint):
    """Appends from several threads take no lock; the sealer links every one of them."""
    threads, each = 4, 25

    def append_many(thread: int) -> None:
        for i in range(each):
            _append(engine, 1, principal=f"reader.{thread}", start=i)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(append_many, range(threads)))
    with engine.connect() as connection:
        assert verify_audit(connection, keys, checkpoint).unsealed == 100
    sealed = seal_audit(engine, keys, NOW, checkpoint)
    assert (sealed.rows, sealed.head_pos) == (100, 100)
    with engine.connect() as connection:
        verdict = verify_audit(connection, keys, checkpoint)
        assert verify_chain(connection) is None
    assert verdict.whole and verdict.linked == 100 and verdict.unsealed == 0
    assert verdict.checkpoint_pos == 100
    # Sealing again links nothing and keeps the checkpoint.
    assert seal_audit(engine, keys, NOW, checkpoint).rows == 0


def test_rows_written_after_a_seal_are_linked_by_the_next(engine, keys, checkpoint):
    _append(engine, 3)
    seal_audit(engine, keys, NOW, checkpoint)
    _append(engine, 2, start=3)
    assert seal_audit(engine, keys, NOW, checkpoint).head_pos == 5
    assert Checkpoint.read(checkpoint).pos == 5
    with engine.connect() as connection:
        assert verify_audit(connection, keys, checkpoint).whole


def test_the_application_cannot_update_or_delete_audit_rows(engine, keys):
    _append(engine, 2)
    seal_audit(engine, keys, NOW)
    for statement in (
        update(audit_log).values(purpose="nothing to see"),
        delete(audit_log),
        update(audit_links).values(link=GENESIS),
        delete(audit_links),
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(statement)
    if engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.exec_driver_sql("TRUNCATE audit_log CASCADE")


def test_deleting_the_tail_is_found_against_the_checkpoint(engine, keys, checkpoint):
    _append(engine, 10)
    seal_audit(engine, keys, NOW, checkpoint)
    _as_owner(engine)
    with engine.begin() as connection:
        connection.execute(delete(audit_links).where(audit_links.c.pos > 5))
        connection.execute(delete(audit_log).where(audit_log.c.seq > 5))
    with engine.connect() as connection:
        verdict = verify_audit(connection, keys, checkpoint)
        # Without the checkpoint the shorter chain is whole: the file outside is what tells.
        assert verify_audit(connection, keys).whole
    assert not verdict.whole and verdict.broken_at == 6
    assert "tail was removed" in verdict.reason


def test_editing_a_row_and_recomputing_every_hash_is_found(engine, keys, checkpoint):
    _append(engine, 10)
    seal_audit(engine, keys, NOW, checkpoint)
    _as_owner(engine)
    forged_key = AuditKeys.generate()  # the intruder has the database, not the keyring
    with engine.begin() as connection:
        row = connection.execute(select(audit_log).where(audit_log.c.seq == 4)).mappings().one()
        digest = content_digest(row["at"], "someone.else", row["action"], row["subject"],
                                row["purpose"], row["detail"])  # fmt: skip
        connection.execute(
            update(audit_log).where(audit_log.c.seq == 4).values(principal="someone.else",
                                                                   hash=digest)
        )  # fmt: skip
        links = connection.execute(select(audit_links).order_by(audit_links.c.pos)).all()
        prev = links[2].link
        for link in links[3:]:
            digest_of = connection.execute(select(audit_log).where(audit_log.c.seq == link.seq))
            row = digest_of.mappings().one()
            d = content_digest(row["at"], row["principal"], row["action"], row["subject"],
                               row["purpose"], row["detail"])  # fmt: skip
            prev = chain_link(forged_key.current[1], prev, link.pos, link.seq, d)
            connection.execute(
                update(audit_links).where(audit_links.c.pos == link.pos).values(link=prev)
            )
    with engine.connect() as connection:
        assert verify_chain(connection) is None  # the keyless check is fooled...
        verdict = verify_audit(connection, keys, checkpoint)  # ...the keyed one is not
    assert not verdict.whole and (verdict.broken_at, verdict.seq) == (4, 4)


def test_deleting_one_users_rows_is_found(engine, keys, checkpoint):
    _append(engine, 3, principal="a")
    _append(engine, 2, principal="nosy", start=3)
    _append(engine, 3, principal="a", start=5)
    seal_audit(engine, keys, NOW, checkpoint)
    _as_owner(engine)
    with engine.begin() as connection:
        connection.execute(delete(audit_log).where(audit_log.c.principal == "nosy"))
    with engine.connect() as connection:
        verdict = verify_audit(connection, keys, checkpoint)
    assert (verdict.broken_at, verdict.seq) == (4, 4) and "missing" in verdict.reason
    # Removing their links too leaves a gap in the chain's positions.
    with engine.begin() as connection:
        connection.execute(delete(audit_links).where(audit_links.c.seq.in_([4, 5])))
    with engine.connect() as connection:
        verdict = verify_audit(connection, keys, checkpoint)
    assert verdict.broken_at == 4 and "missing" in verdict.reason


def test_a_rotated_key_still_verifies_what_the_old_one_linked(engine, tmp_path, checkpoint):
    path = tmp_path / "rotating.key"
    first = load_keys(path)
    _append(engine, 3)
    seal_audit(engine, first, NOW, checkpoint)
    second = rotate_keys(path)
    _append(engine, 3, start=3)
    seal_audit(engine, second, NOW, checkpoint)
    with engine.connect() as connection:
        assert verify_audit(connection, load_keys(path), checkpoint).whole
        key_ids = connection.execute(select(func.count(audit_links.c.key_id.distinct()))).scalar()
        assert key_ids == 2
        # A keyring that lost the old key cannot vouch for the old links.
        lost = AuditKeys((second.current,))
        assert "no key" in verify_audit(connection, lost).reason
    assert (path.stat().st_mode & 0o777) == 0o600


def test_a_forged_checkpoint_is_refused(engine, keys, checkpoint):
    _append(engine, 2)
    seal_audit(engine, keys, NOW, checkpoint)
    text = checkpoint.read_text().replace('"pos": 2', '"pos": 1')
    checkpoint.write_text(text)
    with engine.connect() as connection:
        assert "signature" in verify_audit(connection, keys, checkpoint).reason
