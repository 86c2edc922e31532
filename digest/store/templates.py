"""The store's template-line counts: per site, in how many files each short line appeared.

A repository of its own over the store's connection (the split store holds it
as a member; its table is created by migration 0006 in
:mod:`digest.store.migrations`); see :mod:`digest.ingest.templates` for what the counts mean.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable

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

    def add(self, site: str, source: str, keys: Iterable[int]) -> bool:
        """Count ``source``'s lines once for ``site``; False when it was counted before."""
        if not site:
            return False
        done = self._db.execute(
            "INSERT OR IGNORE INTO template_sources (source, site) VALUES (?, ?)", (source, site)
        )
        if done.rowcount == 0:
            return False
        self._db.executemany(
            "INSERT INTO template_lines (site, key, files) VALUES (?, ?, 1)"
            " ON CONFLICT (site, key) DO UPDATE SET files = files + 1",
            [(site, key) for key in sorted(set(keys))],
        )
        return True


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
