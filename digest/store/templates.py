"""The store's template-line counts: per site, in how many files each short line appeared.

A repository of its own over the store's connection (the split store holds it
as a member; its table is created by migration 0006 in
:mod:`digest.store.migrations`); see :mod:`digest.ingest.templates` for what the counts mean.

Retention (:meth:`TemplateLines.prune`) bounds it: a line no file has shown
for ``[store] keep_days`` goes, and so does the record of a file counted
that long ago. Most lines are a single article's (counted once, never seen
again), so without it the table grows with every file. What a site prints on
every page is seen again with each new page and stays.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime

from digest.models import day_number
from digest.store.db import Database

# Keys asked about in one statement (SQLite's default limit of variables is 32,766).
CHUNK = 500


class TemplateLines:
    """Reads and counts template lines; writes only inside the caller's transaction."""

    def __init__(self, db: Database | sqlite3.Connection) -> None:
        self._db = db.conn if isinstance(db, Database) else db

    def known(self, site: str, keys: Iterable[int], source: str) -> set[int]:
        """Keys that other files of ``site`` already had (``source`` itself not counted)."""
        wanted = sorted(set(keys))
        if not site or not wanted:
            return set()
        counted = self._db.execute(
            "SELECT 1 FROM template_sources WHERE source = ? AND site = ?", (source, site)
        ).fetchone()
        least = 2 if counted else 1
        found: set[int] = set()
        for i in range(0, len(wanted), CHUNK):
            part = wanted[i : i + CHUNK]
            marks = ",".join("?" * len(part))
            found.update(
                row[0]
                for row in self._db.execute(
                    f"SELECT key FROM template_lines WHERE site = ? AND key IN ({marks})"
                    " AND files >= ?",
                    (site, *part, least),
                )
            )
        return found

    def add(self, site: str, source: str, keys: Iterable[int], *, day: int | None = None) -> bool:
        """Count ``source``'s lines once for ``site``; False when it was counted before.

        Each line counted is marked seen on ``day`` (days since 1970, UTC;
        today by default, the clock items' ``first_seen`` is written by).
        """
        if not site:
            return False
        today = day_number(datetime.now(UTC)) if day is None else day
        done = self._db.execute(
            "INSERT OR IGNORE INTO template_sources (source, site, seen) VALUES (?, ?, ?)",
            (source, site, today),
        )
        if done.rowcount == 0:
            return False
        self._db.executemany(
            "INSERT INTO template_lines (site, key, files, last_seen) VALUES (?, ?, 1, ?)"
            " ON CONFLICT (site, key) DO UPDATE SET files = files + 1,"
            " last_seen = MAX(last_seen, excluded.last_seen)",
            [(site, key, today) for key in sorted(set(keys))],
        )
        return True

    def prune(self, before_day: int) -> int:
        """Retention: forget lines and counted files last seen before ``before_day``.

        Returns the lines removed. Both go by the same day, so ``known`` keeps
        its answers for what stays: a line only a forgotten file had was last
        seen with it and goes too; a line seen since was seen in another file.
        One search of an index on the day each, cheap when nothing is due.
        Call inside the caller's transaction.
        """
        removed = self._db.execute(
            "DELETE FROM template_lines WHERE last_seen < ?", (before_day,)
        ).rowcount
        self._db.execute("DELETE FROM template_sources WHERE seen < ?", (before_day,))
        return int(removed)


class ReadOnlyTemplates:
    """Template lines read from a store file, for worker processes and ``inspect``.

    Opens the file read-only, lazily (a worker connects on its first item),
    and never creates it; a store without the table answers with nothing.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._usable = True

    def known(self, site: str, keys: Iterable[int], source: str) -> set[int]:
        if not self._usable:
            return set()
        try:
            if self._db is None:
                if not os.path.isfile(self.path):
                    self._usable = False
                    return set()
                self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5.0)
            return TemplateLines(self._db).known(site, keys, source)
        except sqlite3.Error:
            self._usable = False  # no table yet (an old store), or unreadable
            return set()
