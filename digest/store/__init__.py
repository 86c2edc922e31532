"""The SQLite state file: the only module that speaks SQL.

What it remembers across runs: every item (cleaned text, topic decision,
which item it copies, which story it belongs to, which digest carried it), the
files skipped and why, the deduplication index (MinHash LSH band keys and
event terms, in indexed tables so that matching one new item neither scans
nor loads the history), and every digest built for sending (the outbox and the
archive).

The schema is versioned by named migrations, applied in order and recorded in
``schema_migrations``. Writes happen inside :meth:`Store.transaction`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from digest.errors import StoreError
from digest.models import Article, TopicDecision
from digest.store.index import IndexTables

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_initial",
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL
        );
        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            file_size INTEGER,
            file_mtime_ns INTEGER,
            title TEXT NOT NULL,
            outlet TEXT NOT NULL,
            url TEXT,
            path TEXT,
            feed TEXT,
            guid TEXT,
            published TEXT NOT NULL,
            day INTEGER NOT NULL,
            date_is_fallback INTEGER NOT NULL,
            language TEXT NOT NULL,
            text TEXT,
            on_topic INTEGER NOT NULL,
            topic_reason TEXT NOT NULL,
            copy_of INTEGER REFERENCES items(id),
            copy_similarity REAL,
            story_id INTEGER REFERENCES stories(id),
            story_similarity REAL,
            story_matched_item INTEGER,
            sent_digest_id INTEGER,
            first_seen TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX items_story ON items(story_id);
        CREATE INDEX items_copy_of ON items(copy_of) WHERE copy_of IS NOT NULL;
        CREATE INDEX items_guid ON items(guid) WHERE guid IS NOT NULL;
        CREATE INDEX items_unsent ON items(on_topic, sent_digest_id);
        CREATE INDEX items_day ON items(day);
        CREATE TABLE skipped (
            source TEXT PRIMARY KEY,
            reason TEXT NOT NULL,
            seen_at TEXT NOT NULL,
            file_size INTEGER,
            file_mtime_ns INTEGER,
            fingerprint TEXT
        ) WITHOUT ROWID;
        CREATE TABLE signatures (item_id INTEGER PRIMARY KEY, sig BLOB NOT NULL);
        CREATE TABLE lsh (
            key INTEGER NOT NULL,
            item_id INTEGER NOT NULL,
            PRIMARY KEY (key, item_id)
        ) WITHOUT ROWID;
        CREATE TABLE event_terms (
            term INTEGER NOT NULL,
            day INTEGER NOT NULL,
            item_id INTEGER NOT NULL,
            PRIMARY KEY (term, day, item_id)
        ) WITHOUT ROWID;
        CREATE TABLE event_vectors (
            item_id INTEGER PRIMARY KEY, terms TEXT NOT NULL, keys TEXT NOT NULL
        );
        CREATE TABLE term_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE digests (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            status TEXT NOT NULL,
            message_id TEXT NOT NULL,
            subject TEXT NOT NULL,
            html TEXT NOT NULL,
            text TEXT NOT NULL,
            json TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT,
            last_error TEXT,
            sent_at TEXT
        );
        CREATE INDEX digests_status ON digests(status);
        CREATE TABLE digest_items (
            digest_id INTEGER NOT NULL REFERENCES digests(id),
            item_id INTEGER NOT NULL REFERENCES items(id),
            PRIMARY KEY (digest_id, item_id)
        ) WITHOUT ROWID;
        CREATE INDEX digest_items_item ON digest_items(item_id);
        """,
    ),
    (
        "0002_feeds",
        """
        CREATE TABLE feeds (
            url TEXT PRIMARY KEY,
            current_url TEXT,
            title TEXT,
            etag TEXT,
            last_modified TEXT,
            status TEXT,
            http_status INTEGER,
            last_error TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            last_fetched_at TEXT,
            next_fetch_at TEXT,
            entries INTEGER NOT NULL DEFAULT 0,
            disabled INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        """,
    ),
    (
        "0003_service",
        """
        CREATE TABLE service (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            pid INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            stopped_at TEXT,
            watching TEXT NOT NULL
        );
        CREATE TABLE service_jobs (
            name TEXT PRIMARY KEY,
            next_run_at TEXT,
            last_started_at TEXT,
            last_finished_at TEXT,
            last_ok INTEGER,
            last_result TEXT,
            last_success_at TEXT
        ) WITHOUT ROWID;
        """,
    ),
    (
        # The dedup index in its compact form (see digest.store.index): event
        # vectors as packed arrays, document frequencies by 32-bit term key.
        # The index is derived data: it is emptied here and rebuilt from the
        # items' text on the next run (the index parameters change with it).
        # The partial index finds the items that retention has still to prune.
        "0004_compact_index",
        """
        DROP TABLE event_vectors;
        CREATE TABLE event_vectors (
            item_id INTEGER PRIMARY KEY,
            terms BLOB NOT NULL,
            weights BLOB NOT NULL,
            indexed INTEGER NOT NULL
        );
        DROP TABLE term_df;
        CREATE TABLE term_df (term INTEGER PRIMARY KEY, df INTEGER NOT NULL);
        DELETE FROM signatures;
        DELETE FROM lsh;
        DELETE FROM event_terms;
        DELETE FROM meta WHERE key = 'event_docs';
        CREATE INDEX items_unpruned ON items(first_seen) WHERE text IS NOT NULL;
        """,
    ),
]

# Digest statuses: pending (in the outbox), sent, failed (refused for good).
PENDING, SENT, FAILED = "pending", "sent", "failed"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def day_number(value: datetime) -> int:
    """Days since 1970-01-01 (UTC): the unit of the event index's time window."""
    return int(value.timestamp() // 86400)


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
    date_is_fallback: bool
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

    def to_article(self) -> Article:
        """The cleaned article as stored (to re-index it, or to re-run the topic rules)."""
        return Article(
            source=self.source,
            kind=self.kind,  # type: ignore[arg-type]
            title=self.title,
            outlet=self.outlet,
            published=self.published,
            date_is_fallback=self.date_is_fallback,
            text=self.text or "",
            language=self.language,
            fingerprint="",
            url=self.url,
            path=self.path,
        )


@dataclass(frozen=True)
class DigestRow:
    """A digest as built for sending: in the outbox (pending), sent, or failed."""

    id: int
    created_at: str
    status: str
    message_id: str
    subject: str
    html: str
    text: str
    json: str
    attempts: int
    next_attempt_at: str | None
    last_error: str | None
    sent_at: str | None


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


_ITEM_COLUMNS = (
    "id, source, kind, title, outlet, url, path, published, date_is_fallback, language, text, "
    "on_topic, topic_reason, copy_of, copy_similarity, story_id, story_similarity, "
    "story_matched_item, sent_digest_id, first_seen"
)
# The same without the text, which is most of a row's bytes: composing needs
# the text of the few leads it keeps, not of every unsent story.
_ITEM_COLUMNS_NO_TEXT = _ITEM_COLUMNS.replace(" text,", " NULL AS text,")


def _item(row: sqlite3.Row | tuple) -> ItemRow:
    values = list(row)
    values[7] = datetime.fromisoformat(values[7])
    values[8] = bool(values[8])
    values[11] = bool(values[11])
    return ItemRow(*values)


class Store(IndexTables):
    """One open state file. Use as a context manager, or call :meth:`close`.

    The dedup index and retention methods come from :class:`IndexTables`.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.queries = 0
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), isolation_level=None, timeout=30.0)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"cannot open the state file {path}: {exc}", "check [store] path"
            ) from None
        self._in_transaction = False
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            # 64 MiB of page cache (SQLite's default is 2 MiB): a batch of new
            # items touches thousands of index pages, which otherwise spill
            # to the WAL and are read back (measured: inserts twice as fast).
            self._db.execute("PRAGMA cache_size=-65536")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(
                f"the state file {path} is not a usable SQLite database: {exc}",
                "check [store] path, or move the file away to start afresh",
            ) from None

    def _count(self, statement: str) -> None:
        """Count statements, so a test can show that matching cost does not grow with history."""
        self.queries += 1

    @contextmanager
    def counting_queries(self) -> Iterator[None]:
        """Count the statements run inside the block in :attr:`queries`.

        Off otherwise: the trace callback costs about 1.5 µs per statement,
        and ingesting one item runs over a hundred (one per executemany row).
        """
        self._db.set_trace_callback(self._count)
        try:
            yield
        finally:
            self._db.set_trace_callback(None)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # -- schema ---------------------------------------------------------------

    def _migrate(self) -> None:
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
        )
        applied = {r[0] for r in self._db.execute("SELECT name FROM schema_migrations")}
        known = {name for name, _ in MIGRATIONS}
        unknown = applied - known
        if unknown:
            raise StoreError(
                f"the state file {self.path} was written by a newer digest "
                f"(migrations {', '.join(sorted(unknown))})",
                "upgrade digest, or point [store] path at another file",
            )
        for name, sql in MIGRATIONS:
            if name in applied:
                continue
            with self.transaction():
                for statement in sql.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, _now()))

    def migrations(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT name FROM schema_migrations ORDER BY name")]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write; nested calls join the outer transaction."""
        if self._in_transaction:
            yield
            return
        self._db.execute("BEGIN IMMEDIATE")
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")
        finally:
            self._in_transaction = False

    # -- meta -----------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- files and skipped sources -------------------------------------------

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
        return tuple(row) if row else None  # type: ignore[return-value]

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
            (source, reason, _now(), size, mtime_ns, fingerprint),
        )
        return not (row and row[0] == reason)

    def clear_skip(self, source: str) -> None:
        self._db.execute("DELETE FROM skipped WHERE source = ?", (source,))

    def skipped(self) -> list[tuple[str, str]]:
        return list(self._db.execute("SELECT source, reason FROM skipped ORDER BY source"))

    # -- items ----------------------------------------------------------------

    def item_id(self, source: str) -> int | None:
        row = self._db.execute("SELECT id FROM items WHERE source = ?", (source,)).fetchone()
        return row[0] if row else None

    def item_id_by_guid(self, guid: str) -> int | None:
        row = self._db.execute("SELECT id FROM items WHERE guid = ?", (guid,)).fetchone()
        return row[0] if row else None

    def save_item(
        self,
        article: Article,
        decision: TopicDecision,
        *,
        file_size: int | None = None,
        file_mtime_ns: int | None = None,
    ) -> tuple[int, bool]:
        """Insert or update the item for ``article.source``; return (id, created)."""
        now = _now()
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
            _iso(article.published),
            day_number(article.published),
            int(article.date_is_fallback),
            article.language,
            article.text,
            int(decision.on_topic),
            decision.reason,
        )
        existing = self.item_id(article.source)
        if existing is None:
            cursor = self._db.execute(
                "INSERT INTO items (kind, fingerprint, file_size, file_mtime_ns, title, outlet, "
                "url, path, feed, guid, published, day, date_is_fallback, language, text, "
                "on_topic, topic_reason, source, first_seen, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, article.source, now, now),
            )
            return int(cursor.lastrowid or 0), True
        self._db.execute(
            "UPDATE items SET kind = ?, fingerprint = ?, file_size = ?, file_mtime_ns = ?, "
            "title = ?, outlet = ?, url = ?, path = ?, feed = ?, guid = ?, published = ?, "
            "day = ?, date_is_fallback = ?, language = ?, text = ?, on_topic = ?, "
            "topic_reason = ?, updated_at = ? WHERE id = ?",
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
        cursor = self._db.execute("INSERT INTO stories (created_at) VALUES (?)", (_now(),))
        return int(cursor.lastrowid or 0)

    def placement(self, item_id: int) -> tuple[int | None, int | None]:
        """(copy_of, story_id) of an item."""
        row = self._db.execute(
            "SELECT copy_of, story_id FROM items WHERE id = ?", (item_id,)
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def items(self, ids: Iterable[int]) -> list[ItemRow]:
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

    def last_sent_at(self) -> str | None:
        """When the last digest was sent (ISO time), or None."""
        row = self._db.execute("SELECT MAX(sent_at) FROM digests WHERE status = ?", (SENT,))
        return row.fetchone()[0]

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

    # -- deduplication index: see digest.store.index ---------------------------

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

    # -- service state: written by `digest run`, read by `digest status` -------------

    def record_service_start(self, *, pid: int, watching: str, at: datetime) -> None:
        """A service started: forget the last one's schedule, keep its jobs' results."""
        with self.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO service (id, pid, started_at, stopped_at, watching) "
                "VALUES (1, ?, ?, NULL, ?)",
                (pid, _iso(at), watching),
            )
            self._db.execute("UPDATE service_jobs SET next_run_at = NULL")

    def record_service_stop(self, *, at: datetime) -> None:
        with self.transaction():
            self._db.execute("UPDATE service SET stopped_at = ? WHERE id = 1", (_iso(at),))
            self._db.execute("UPDATE service_jobs SET next_run_at = NULL")

    def record_job_start(self, name: str, *, at: datetime) -> None:
        self._db.execute(
            "INSERT INTO service_jobs (name, last_started_at) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET last_started_at = excluded.last_started_at",
            (name, _iso(at)),
        )

    def record_job_end(self, name: str, *, ok: bool, result: str, at: datetime) -> None:
        when = _iso(at)
        self._db.execute(
            "INSERT INTO service_jobs (name, last_finished_at, last_ok, last_result, "
            "last_success_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
            "last_finished_at = excluded.last_finished_at, last_ok = excluded.last_ok, "
            "last_result = excluded.last_result, "
            "last_success_at = COALESCE(excluded.last_success_at, last_success_at)",
            (name, when, int(ok), result, when if ok else None),
        )

    def record_next_runs(self, runs: dict[str, datetime | None]) -> None:
        with self.transaction():
            self._db.executemany(
                "INSERT INTO service_jobs (name, next_run_at) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET next_run_at = excluded.next_run_at",
                ((name, _iso(when) if when else None) for name, when in runs.items()),
            )

    def service_state(self) -> dict[str, Any] | None:
        """The last service's pid, start, stop and jobs (ISO times in UTC); None if none ran."""
        row = self._db.execute(
            "SELECT pid, started_at, stopped_at, watching FROM service WHERE id = 1"
        ).fetchone()
        if row is None:
            return None
        names = ("name", "next_run_at", "last_started_at", "last_finished_at", "last_ok")
        jobs = [
            dict(zip((*names, "last_result", "last_success_at"), r, strict=True))
            for r in self._db.execute(
                "SELECT name, next_run_at, last_started_at, last_finished_at, last_ok, "
                "last_result, last_success_at FROM service_jobs ORDER BY name"
            )
        ]
        for job in jobs:
            job["last_ok"] = None if job["last_ok"] is None else bool(job["last_ok"])
        return dict(zip(("pid", "started_at", "stopped_at", "watching"), row, strict=True)) | {
            "jobs": jobs
        }

    # -- digests: compose, outbox, archive ---------------------------------------

    def unsent_story_ids(self, *, include_sent: bool = False) -> list[int]:
        """Stories with an on-topic lead item not yet sent, and none waiting in the outbox.

        A story that a pending digest carries waits for it, even when new
        reports joined it since: otherwise a second digest would carry the
        story again. Once the pending one is delivered, the new reports go
        out as an update.
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
                f"WHERE d.status = '{PENDING}' AND i.story_id IS NOT NULL)"
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

    def add_digest(
        self,
        *,
        message_id: str,
        subject: str,
        html: str,
        text: str,
        data: dict[str, Any],
        item_ids: Iterable[int],
        status: str = PENDING,
    ) -> int:
        """Put a built digest in the outbox, with the items it carries."""
        with self.transaction():
            cursor = self._db.execute(
                "INSERT INTO digests (created_at, status, message_id, subject, html, text, json) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (_now(), status, message_id, subject, html, text, json.dumps(data)),
            )
            digest_id = int(cursor.lastrowid or 0)
            self._db.executemany(
                "INSERT OR IGNORE INTO digest_items VALUES (?, ?)",
                ((digest_id, i) for i in item_ids),
            )
        return digest_id

    def mark_sent(self, digest_id: int) -> None:
        """The server accepted the digest: its items count as sent from now on."""
        with self.transaction():
            self._db.execute(
                "UPDATE digests SET status = ?, sent_at = ?, last_error = NULL WHERE id = ?",
                (SENT, _now(), digest_id),
            )
            self._db.execute(
                "UPDATE items SET sent_digest_id = ? WHERE sent_digest_id IS NULL AND id IN "
                "(SELECT item_id FROM digest_items WHERE digest_id = ?)",
                (digest_id, digest_id),
            )
            self._db.execute(
                "UPDATE items SET sent_digest_id = ? WHERE sent_digest_id IS NULL AND copy_of IN "
                "(SELECT item_id FROM digest_items WHERE digest_id = ?)",
                (digest_id, digest_id),
            )

    def mark_attempt(
        self, digest_id: int, *, error: str, next_attempt_at: str | None, permanent: bool
    ) -> None:
        """A send failed: count it, keep the reason, and say when to retry (or not)."""
        with self.transaction():
            self._db.execute(
                "UPDATE digests SET attempts = attempts + 1, last_error = ?, "
                "next_attempt_at = ?, status = ? WHERE id = ?",
                (error, next_attempt_at, FAILED if permanent else PENDING, digest_id),
            )

    def digests(self, *, status: str | None = None, limit: int = 100) -> list[DigestRow]:
        if status:
            rows = self._db.execute(
                "SELECT * FROM digests WHERE status = ? ORDER BY id DESC LIMIT ?", (status, limit)
            )
        else:
            rows = self._db.execute("SELECT * FROM digests ORDER BY id DESC LIMIT ?", (limit,))
        return [DigestRow(*r) for r in rows]

    def digest(self, digest_id: int) -> DigestRow | None:
        row = self._db.execute("SELECT * FROM digests WHERE id = ?", (digest_id,)).fetchone()
        return DigestRow(*row) if row else None

    def digest_item_ids(self, digest_id: int) -> list[int]:
        return [
            r[0]
            for r in self._db.execute(
                "SELECT item_id FROM digest_items WHERE digest_id = ?", (digest_id,)
            )
        ]

    def digest_index(self) -> list[dict[str, Any]]:
        """Every digest, newest first, without its bodies: the preview's archive list."""
        rows = self._db.execute(
            "SELECT d.id, d.created_at, d.status, d.subject, d.sent_at, d.attempts, d.last_error, "
            "(SELECT COUNT(*) FROM digest_items di WHERE di.digest_id = d.id), "
            "LENGTH(CAST(d.html AS BLOB)) "
            "FROM digests d ORDER BY d.id DESC"
        )
        names = ("id", "created_at", "status", "subject", "sent_at", "attempts", "last_error")
        return [dict(zip((*names, "items", "html_bytes"), r, strict=True)) for r in rows]

    # -- status -----------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Figures for `digest status`."""
        one = self._db.execute
        return {
            "items": one("SELECT COUNT(*) FROM items").fetchone()[0],
            "on_topic": one("SELECT COUNT(*) FROM items WHERE on_topic = 1").fetchone()[0],
            "copies": one("SELECT COUNT(*) FROM items WHERE copy_of IS NOT NULL").fetchone()[0],
            "stories": one(
                "SELECT COUNT(DISTINCT story_id) FROM items WHERE story_id IS NOT NULL"
            ).fetchone()[0],
            "unsent_stories": len(self.unsent_story_ids()),
            "skipped": one("SELECT COUNT(*) FROM skipped").fetchone()[0],
            "digests_sent": one(
                "SELECT COUNT(*) FROM digests WHERE status = ?", (SENT,)
            ).fetchone()[0],
            "outbox": one("SELECT COUNT(*) FROM digests WHERE status = ?", (PENDING,)).fetchone()[
                0
            ],
            "failed": one("SELECT COUNT(*) FROM digests WHERE status = ?", (FAILED,)).fetchone()[0],
        }

    # -- feeds ----------------------------------------------------------------

    _FEED_COLUMNS = (
        "url, current_url, title, etag, last_modified, status, http_status, last_error, "
        "failures, last_fetched_at, next_fetch_at, entries, disabled"
    )

    def feed_states(self) -> dict[str, FeedState]:
        """What is known about every feed polled so far, by configured URL."""
        rows = self._db.execute(f"SELECT {self._FEED_COLUMNS} FROM feeds")
        return {row[0]: self._feed_state(row) for row in rows}

    @staticmethod
    def _feed_state(row: tuple) -> FeedState:
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
                _iso(state.last_fetched_at) if state.last_fetched_at else None,
                _iso(state.next_fetch_at) if state.next_fetch_at else None,
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
