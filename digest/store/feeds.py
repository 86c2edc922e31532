"""What is remembered about each configured feed between polls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from digest.store.db import Database, iso


@dataclass(frozen=True)
class FeedState:
    """What is remembered about one configured feed between polls.

    ``url`` is the feed as configured; ``current_url`` is where a permanent
    redirect (301/308) said it now lives. ``status`` is one of ok,
    not-modified, error, not-a-feed, gone; a gone feed is also ``disabled``.
    """

    url: str
    current_url: str | None = None
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    status: str | None = None
    http_status: int | None = None
    last_error: str | None = None
    failures: int = 0
    last_fetched_at: datetime | None = None
    next_fetch_at: datetime | None = None
    entries: int = 0
    disabled: bool = False


class Feeds:
    """The ``feeds`` table, and the feed identity of stored items."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._db = database.conn

    _FEED_COLUMNS = (
        "url, current_url, title, etag, last_modified, status, http_status, last_error, "
        "failures, last_fetched_at, next_fetch_at, entries, disabled"
    )

    def feed_states(self) -> dict[str, FeedState]:
        """What is known about every feed polled so far, by configured URL."""
        rows = self._db.execute(f"SELECT {self._FEED_COLUMNS} FROM feeds")
        return {row[0]: self._feed_state(row) for row in rows}

    @staticmethod
    def _feed_state(row: tuple[Any, ...]) -> FeedState:
        values = list(row)
        for i in (9, 10):
            values[i] = datetime.fromisoformat(values[i]) if values[i] else None
        values[12] = bool(values[12])
        return FeedState(*values)

    def save_feed_state(self, state: FeedState) -> None:
        """Insert or replace what is known about one feed."""
        self._db.execute(
            f"INSERT OR REPLACE INTO feeds ({self._FEED_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                state.url,
                state.current_url,
                state.title,
                state.etag,
                state.last_modified,
                state.status,
                state.http_status,
                state.last_error,
                state.failures,
                iso(state.last_fetched_at) if state.last_fetched_at else None,
                iso(state.next_fetch_at) if state.next_fetch_at else None,
                state.entries,
                int(state.disabled),
            ),
        )

    def feed_item(self, guid: str, source: str) -> tuple[str, str, str | None] | None:
        """(source, fingerprint, feed) of the item a feed entry is, by identity, else by source."""
        row = self._db.execute(
            "SELECT source, fingerprint, feed, 0 AS rank FROM items WHERE guid = ? UNION ALL "
            "SELECT source, fingerprint, feed, 1 FROM items WHERE source = ? ORDER BY rank LIMIT 1",
            (guid, source),
        ).fetchone()
        return (row[0], row[1], row[2]) if row else None
