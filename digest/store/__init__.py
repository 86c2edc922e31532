"""The SQLite state file: the only module that speaks SQL.

What it remembers across runs: every item (cleaned text, topic decision,
which item it copies, which story it belongs to, which digest carried it), the
files skipped and why, the deduplication index (MinHash LSH band keys and
event terms, in indexed tables so that matching one new item neither scans
nor loads the history), and every digest built for sending (the outbox and the
archive).

The schema is versioned by named migrations, applied in order and recorded in
``schema_migrations``. Writes happen inside :meth:`Store.transaction`.

:class:`Store` holds one repository per concern, as members: ``items``
(items, stories, skipped sources), ``index`` (the dedup index and retention),
``outbox`` (digests), ``feeds`` and ``service`` (the service's state),
``story_index`` (story centroids), ``templates`` (template lines). Each
owns its row types; :mod:`digest.store.retention` prunes them by
``[store] keep_days``. Only this package speaks SQL.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path

from digest.errors import StoreError
from digest.store.db import Database
from digest.store.errors import store_error
from digest.store.feeds import Feeds
from digest.store.index import Index
from digest.store.items import Items
from digest.store.migrations import applied_migrations, migrate
from digest.store.outbox import FAILED, PENDING, SENT, Outbox
from digest.store.service_state import ServiceState
from digest.store.stories import StoryIndex
from digest.store.templates import TemplateLines


class Store:
    """One open state file and its repositories. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path | str) -> None:
        self.db = Database(path)
        try:
            self.db.refuse_foreign()
            self.db.configure()
            migrate(self.db)
        except StoreError:
            self.db.close()
            raise
        except sqlite3.DatabaseError as exc:
            self.db.close()
            if getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
                raise StoreError(
                    f"the state file {path} is not a usable SQLite database: {exc}; "
                    "it was left untouched",
                    "check [store] path, or restore it from a backup (`digest store backup`)",
                ) from None
            raise store_error(exc, path) from None
        self.items = Items(self.db)
        self.index = Index(self.db)
        self.outbox = Outbox(self.db)
        self.feeds = Feeds(self.db)
        self.service = ServiceState(self.db)
        self.story_index = StoryIndex(self.db)
        self.templates = TemplateLines(self.db)

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def queries(self) -> int:
        """Statements counted inside :meth:`counting_queries`."""
        return self.db.queries

    def counting_queries(self) -> AbstractContextManager[None]:
        return self.db.counting_queries()

    def transaction(self) -> AbstractContextManager[None]:
        """One atomic write across repositories; nested calls join the outer one."""
        return self.db.transaction()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def migrations(self) -> list[str]:
        return applied_migrations(self.db)

    def counts(self) -> dict[str, int]:
        """Figures for `digest status`."""
        one = self.db.conn.execute
        return {
            "items": one("SELECT COUNT(*) FROM items").fetchone()[0],
            "on_topic": one("SELECT COUNT(*) FROM items WHERE on_topic = 1").fetchone()[0],
            "copies": one("SELECT COUNT(*) FROM items WHERE copy_of IS NOT NULL").fetchone()[0],
            "stories": one(
                "SELECT COUNT(DISTINCT story_id) FROM items WHERE story_id IS NOT NULL"
            ).fetchone()[0],
            "unsent_stories": len(self.items.unsent_story_ids()),
            "skipped": one("SELECT COUNT(*) FROM skipped").fetchone()[0],
            "digests_sent": one(
                "SELECT COUNT(*) FROM digests WHERE status = ?", (SENT,)
            ).fetchone()[0],
            "outbox": one("SELECT COUNT(*) FROM digests WHERE status = ?", (PENDING,)).fetchone()[
                0
            ],
            "failed": one("SELECT COUNT(*) FROM digests WHERE status = ?", (FAILED,)).fetchone()[0],
        }
