"""The SQLite connection the repositories share: opening, pragmas, transactions.

One ``Database`` per open state file. Each repository of this package keeps
a reference to it and runs its SQL on ``conn``; a write that spans
repositories is one transaction because :meth:`Database.transaction` nests.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from digest.errors import StoreError


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _refuse_empty(path: Path) -> None:
    """A state file that exists but holds nothing is a lost store, not a new one.

    SQLite would take a 0-byte file as a new, empty database: every item read
    and sent again, with no warning. Unless a write-ahead log beside it holds
    the data, it is refused and left as it is.
    """
    try:
        empty = path.stat().st_size == 0
        wal = Path(f"{path}-wal")
        logged = wal.exists() and wal.stat().st_size > 0
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(
            f"cannot open the state file {path}: {exc.strerror}", "check [store] path"
        ) from None
    if empty and not logged:
        raise StoreError(
            f"the state file {path} exists but is empty (0 bytes), so its history is lost; "
            "it was left untouched",
            "restore it from a backup, or delete it to start afresh (everything is sent again)",
        )


class Database:
    """One open SQLite connection, in autocommit mode with explicit transactions."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.queries = 0
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
                _refuse_empty(self.path)
            self.conn = sqlite3.connect(str(path), isolation_level=None, timeout=30.0)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"cannot open the state file {path}: {exc}", "check [store] path"
            ) from None
        self._in_transaction = False

    def refuse_foreign(self) -> None:
        """A SQLite file with tables but no migrations is someone else's: never write to it.

        Called before anything writes (even a pragma: WAL mode rewrites the header).
        """
        tables = {
            r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if tables and "schema_migrations" not in tables:
            raise StoreError(
                f"the state file {self.path} is a SQLite database but not a digest store "
                f"(it has the tables {', '.join(sorted(tables)[:5])}); it was left untouched",
                "check [store] path",
            )

    def configure(self) -> None:
        """Set the pragmas; raises sqlite3.DatabaseError when the file is not a database."""
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        # 64 MiB of page cache (SQLite's default is 2 MiB): a batch of new
        # items touches thousands of index pages, which otherwise spill
        # to the WAL and are read back (measured: inserts twice as fast).
        self.conn.execute("PRAGMA cache_size=-65536")
        self.conn.execute("PRAGMA foreign_keys=ON")

    def _count(self, statement: str) -> None:
        """Count statements, so a test can show that matching cost does not grow with history."""
        self.queries += 1

    @contextmanager
    def counting_queries(self) -> Iterator[None]:
        """Count the statements run inside the block in :attr:`queries`.

        Off otherwise: the trace callback costs about 1.5 µs per statement,
        and ingesting one item runs over a hundred (one per executemany row).
        """
        self.conn.set_trace_callback(self._count)
        try:
            yield
        finally:
            self.conn.set_trace_callback(None)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write; nested calls join the outer transaction."""
        if self._in_transaction:
            yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._in_transaction = True
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        finally:
            self._in_transaction = False

    def _rollback(self) -> None:
        """Undo the open transaction; SQLite may have done so itself (a full disk, a crash)."""
        if self.conn.in_transaction:
            with suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.conn.close()
