from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from sqlalchemy import func, select

from rmis.security.audit import append_audit, verify_chain
from rmis.store.schema import audit_log

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_the_chain_holds_when_many_append_at_once(engine):
    """Transactions that only read before they audit (reads, re-sent crossings) append from
    several threads at once: each must chain on the row committed just before its own."""
    threads, each = 4, 25

    def append_many(thread: int) -> None:
        for i in range(each):
            with engine.begin() as connection:
                append_audit(
                    connection,
                    at=NOW,
                    principal=f"reader.{thread}",
                    action="travellers.read",
                    subject=str(i),
                    purpose="test",
                )

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(append_many, range(threads)))
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(audit_log)).scalar() == 100
        assert verify_chain(connection) is None
