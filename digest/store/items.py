"""Items and skipped sources: what each source became, and where dedup placed it.

Also the story queries composing needs (unsent stories, their lead items and
copies) and the files' remembered state that makes an unchanged scan cheap.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from digest.models import FILE_TIME, UNKNOWN_SOURCE, Article, TopicDecision, day_number
from digest.store.db import Database, iso, now_iso
from digest.store.outbox import PENDING


@dataclass(frozen=True)
class SkippedFile:
    """A source that was read but could not become an item, and why (empty, binary, …)."""

    source: str
    reason: str


@dataclass(frozen=True)
class ItemRow:
    """An item as stored, for composing digests and for the inspector."""

    id: int
    source: str
    kind: str
    title: str
    outlet: str
    url: str | None
    path: str | None
    published: datetime
    #: Where the date came from (``Article.published_from``); "unknown" for
    #: items stored before it was recorded (migration 0008).
    published_from: str
    language: str
    text: str | None
    on_topic: bool
    topic_reason: str
    copy_of: int | None
    copy_similarity: float | None
    story_id: int | None
    story_similarity: float | None
    story_matched_item: int | None
    sent_digest_id: int | None
    first_seen: str

    @property
    def date_is_fallback(self) -> bool:
        """No date was found: ``published`` is a file's time, never shown as a date."""
        return self.published_from == FILE_TIME

    def to_article(self) -> Article:
        """The cleaned article as stored (to re-index it, or to re-run the topic rules)."""
        return Article(
            source=self.source,
            kind=self.kind,  # type: ignore[arg-type]
            title=self.title,
            outlet=self.outlet,
            published=self.published,
            date_is_fallback=self.date_is_fallback,
            published_from=self.published_from,
            text=self.text or "",
            language=self.language,
            fingerprint="",
            url=self.url,
            path=self.path,
        )


_ITEM_COLUMNS = (
    "id, source, kind, title, outlet, url, path, published, published_from, language, text, "
    "on_topic, topic_reason, copy_of, copy_similarity, story_id, story_similarity, "
    "story_matched_item, sent_digest_id, first_seen"
)
# The same without the text, which is most of a row's bytes: composing needs
# the text of the few leads it keeps, not of every unsent story.
_ITEM_COLUMNS_NO_TEXT = _ITEM_COLUMNS.replace(" text,", " NULL AS text,")


def _item(row: sqlite3.Row | tuple[Any, ...]) -> ItemRow:
    values = list(row)
    values[7] = datetime.fromisoformat(values[7])
    values[8] = values[8] or UNKNOWN_SOURCE
    values[11] = bool(values[11])
    return ItemRow(*values)


class Items:
    """The ``items``, ``stories`` and ``skipped`` tables."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._db = database.conn

    def file_state(self, source: str) -> tuple[int | None, int | None, str] | None:
        """(size, mtime_ns, fingerprint) of a stored or skipped file, or None if unknown.

        Skipped files are remembered too, so that an unchanged binary or empty
        file is not read again on every scan.
        """
        row = self._db.execute(
            "SELECT file_size, file_mtime_ns, fingerprint FROM items WHERE source = ?", (source,)
        ).fetchone()
        if row is None:
            row = self._db.execute(
                "SELECT file_size, file_mtime_ns, fingerprint FROM skipped "
                "WHERE source = ? AND fingerprint IS NOT NULL",
                (source,),
            ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def record_skip(
        self, source: str, reason: str, *, state: tuple[int, int, str] | None = None
    ) -> bool:
        """Remember why a source was skipped; True when the reason is new or changed."""
        row = self._db.execute("SELECT reason FROM skipped WHERE source = ?", (source,)).fetchone()
        size, mtime_ns, fingerprint = state or (None, None, None)
        self._db.execute(
            "INSERT INTO skipped VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(source) DO UPDATE "
            "SET reason = excluded.reason, seen_at = excluded.seen_at, "
            "file_size = excluded.file_size, file_mtime_ns = excluded.file_mtime_ns, "
            "fingerprint = excluded.fingerprint",
            (source, reason, now_iso(), size, mtime_ns, fingerprint),
        )
        return not (row and row[0] == reason)

    def clear_skip(self, source: str) -> None:
        self._db.execute("DELETE FROM skipped WHERE source = ?", (source,))

    def skipped_reasons(self) -> list[tuple[str, int]]:
        """How many sources are skipped for each reason, the commonest first."""
        return list(
            self._db.execute(
                "SELECT reason, COUNT(*) AS n FROM skipped GROUP BY reason ORDER BY n DESC, reason"
            )
        )

    def skipped(self) -> list[tuple[str, str]]:
        return list(self._db.execute("SELECT source, reason FROM skipped ORDER BY source"))

    # -- items ----------------------------------------------------------------

    def item_id(self, source: str) -> int | None:
        row = self._db.execute("SELECT id FROM items WHERE source = ?", (source,)).fetchone()
        return row[0] if row else None

    def withdraw(self, item_id: int, reason: str) -> None:
        """Blank an item whose source turned out to be something it must not be.

        A watched file swapped for a symlink to a file outside the folder must
        not stay in the preview or a digest. The row stays (sent digests keep
        their references, the source stays known), blank and off-topic, out of
        its story; copies that pointed at it stand alone. Call inside a
        transaction, after the item left the dedup index.
        """
        self._db.execute(
            "UPDATE items SET copy_of = NULL, copy_similarity = NULL WHERE copy_of = ?",
            (item_id,),
        )
        self._db.execute(
            "UPDATE items SET title = '', text = NULL, url = NULL, outlet = '', on_topic = 0, "
            "topic_reason = ?, copy_of = NULL, copy_similarity = NULL, story_id = NULL, "
            "story_similarity = NULL, story_matched_item = NULL WHERE id = ?",
            (f"withdrawn: {reason}", item_id),
        )

    def save_item(
        self,
        article: Article,
        decision: TopicDecision,
        *,
        file_size: int | None = None,
        file_mtime_ns: int | None = None,
    ) -> tuple[int, bool]:
        """Insert or update the item for ``article.source``; return (id, created)."""
        now = now_iso()
        values = (
            article.kind,
            article.fingerprint,
            file_size,
            file_mtime_ns,
            article.title,
            article.outlet,
            article.url,
            article.path,
            article.feed,
            article.guid,
            iso(article.published),
            day_number(article.published),
            # Written from published_from, its one source (the index's day
            # lookup reads this column).
            int(article.published_from == FILE_TIME),
            article.published_from,
            article.language,
            article.text,
            int(decision.on_topic),
            decision.reason,
        )
        existing = self.item_id(article.source)
        if existing is None:
            cursor = self._db.execute(
                "INSERT INTO items (kind, fingerprint, file_size, file_mtime_ns, title, outlet, "
                "url, path, feed, guid, published, day, date_is_fallback, published_from, "
                "language, text, on_topic, topic_reason, source, first_seen, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, article.source, now, now),
            )
            return int(cursor.lastrowid or 0), True
        self._db.execute(
            "UPDATE items SET kind = ?, fingerprint = ?, file_size = ?, file_mtime_ns = ?, "
            "title = ?, outlet = ?, url = ?, path = ?, feed = ?, guid = ?, published = ?, "
            "day = ?, date_is_fallback = ?, published_from = ?, language = ?, text = ?, "
            "on_topic = ?, topic_reason = ?, updated_at = ? WHERE id = ?",
            (*values, now, existing),
        )
        return existing, False

    def set_placement(
        self,
        item_id: int,
        *,
        copy_of: int | None,
        copy_similarity: float | None,
        story_id: int | None,
        story_similarity: float | None,
        matched_item: int | None,
    ) -> None:
        """Record where deduplication put an item: a copy of another, and/or a story."""
        row = self._db.execute("SELECT copy_of FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is not None and row[0] == copy_of:
            # Writing copy_of, even unchanged, sends SQLite down its foreign-key
            # path, which rewrites every index entry of the row (5x the cost).
            self._db.execute(
                "UPDATE items SET copy_similarity = ?, story_id = ?, story_similarity = ?, "
                "story_matched_item = ? WHERE id = ?",
                (copy_similarity, story_id, story_similarity, matched_item, item_id),
            )
            return
        self._db.execute(
            "UPDATE items SET copy_of = ?, copy_similarity = ?, story_id = ?, "
            "story_similarity = ?, story_matched_item = ? WHERE id = ?",
            (copy_of, copy_similarity, story_id, story_similarity, matched_item, item_id),
        )

    def set_copy_similarity(self, item_id: int, similarity: float) -> None:
        self._db.execute("UPDATE items SET copy_similarity = ? WHERE id = ?", (similarity, item_id))

    def new_story(self) -> int:
        cursor = self._db.execute("INSERT INTO stories (created_at) VALUES (?)", (now_iso(),))
        return int(cursor.lastrowid or 0)

    def placement(self, item_id: int) -> tuple[int | None, int | None]:
        """(copy_of, story_id) of an item."""
        row = self._db.execute(
            "SELECT copy_of, story_id FROM items WHERE id = ?", (item_id,)
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def rows(self, ids: Iterable[int]) -> list[ItemRow]:
        ids = list(ids)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(f"SELECT {_ITEM_COLUMNS} FROM items WHERE id IN ({marks})", ids)
        return [_item(r) for r in rows]

    def all_items(self, *, limit: int = 1000) -> list[ItemRow]:
        """The newest items first, for the inspector."""
        rows = self._db.execute(
            f"SELECT {_ITEM_COLUMNS} FROM items ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [_item(r) for r in rows]

    def excluded(self, *, since: str | None = None) -> list[tuple[str, str]]:
        """Sources read but left out, as (source, reason): off-topic items, skipped files.

        ``since`` (ISO time) keeps those seen after it, so a digest lists what
        was left out since the last one instead of everything ever seen.
        """
        since = since or ""
        return list(
            self._db.execute(
                "SELECT source, topic_reason FROM items WHERE on_topic = 0 AND updated_at >= ? "
                "UNION ALL SELECT source, reason FROM skipped WHERE seen_at >= ? ORDER BY 1",
                (since, since),
            )
        )

    def touch_file(self, source: str, size: int, mtime_ns: int) -> None:
        """Remember a new mtime for a file whose contents did not change.

        Only rows whose state differs are written, so an unchanged scan costs
        lookups, not writes.
        """
        for table in ("items", "skipped"):
            self._db.execute(
                f"UPDATE {table} SET file_size = ?, file_mtime_ns = ? WHERE source = ? "
                "AND (file_size IS NOT ? OR file_mtime_ns IS NOT ?) AND fingerprint IS NOT NULL",
                (size, mtime_ns, source, size, mtime_ns),
            )

    def reparent(self, old_root: int, new_root: int) -> None:
        """Make ``new_root`` the original that ``old_root`` and its copies fold into."""
        self._db.execute(
            "UPDATE items SET copy_of = ? WHERE copy_of = ? OR id = ?",
            (new_root, old_root, old_root),
        )
        self._db.execute(
            "UPDATE items SET copy_of = NULL, sent_digest_id = COALESCE(sent_digest_id, "
            "(SELECT sent_digest_id FROM items WHERE id = ?)) WHERE id = ?",
            (old_root, new_root),
        )

    def unsent_story_ids(self, *, include_sent: bool = False) -> list[int]:
        """Stories with an on-topic lead item not yet sent, and none waiting in the outbox.

        A story that a pending digest carries waits for it, even when new
        reports joined it since: otherwise a second digest would carry the
        story again. Once the pending one is delivered, the new reports go
        out as an update. A digest that may have been delivered (no answer
        after the whole message went out) keeps its stories for good, even
        when it is later refused.
        """
        if include_sent:
            sql = (
                "SELECT DISTINCT story_id FROM items WHERE on_topic = 1 AND copy_of IS NULL "
                "AND story_id IS NOT NULL"
            )
        else:
            sql = (
                "SELECT DISTINCT story_id FROM items WHERE on_topic = 1 AND copy_of IS NULL "
                "AND story_id IS NOT NULL AND sent_digest_id IS NULL AND story_id NOT IN "
                "(SELECT i.story_id FROM digest_items di JOIN digests d ON d.id = di.digest_id "
                "JOIN items i ON i.id = di.item_id "
                f"WHERE (d.status = '{PENDING}' OR d.uncertain_at IS NOT NULL) "
                "AND i.story_id IS NOT NULL)"
            )
        return sorted(r[0] for r in self._db.execute(sql))

    def story_items(
        self, story_ids: Iterable[int], *, with_text: bool = True
    ) -> dict[int, list[ItemRow]]:
        """On-topic lead items of the given stories (copies are fetched with :meth:`copies`)."""
        columns = _ITEM_COLUMNS if with_text else _ITEM_COLUMNS_NO_TEXT
        ids = list(story_ids)
        result: dict[int, list[ItemRow]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                # "+on_topic": search items_story; left to itself the planner
                # walks items_unsent, reading every on-topic row once per chunk.
                f"SELECT {columns} FROM items WHERE story_id IN ({marks}) "
                "AND +on_topic = 1 AND copy_of IS NULL ORDER BY published, id",
                chunk,
            )
            for row in rows:
                item = _item(row)
                result[item.story_id].append(item)  # type: ignore[index]
        return result

    def copies(
        self, item_ids: Iterable[int], *, with_text: bool = True
    ) -> dict[int, list[ItemRow]]:
        """Copies folded into each of the given items."""
        columns = _ITEM_COLUMNS if with_text else _ITEM_COLUMNS_NO_TEXT
        ids = list(item_ids)
        result: dict[int, list[ItemRow]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT {columns} FROM items WHERE copy_of IN ({marks}) ORDER BY id", chunk
            )
            for row in rows:
                item = _item(row)
                result[item.copy_of].append(item)  # type: ignore[index]
        return result
