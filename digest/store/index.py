"""The deduplication index and retention: the part of the store that must stay flat.

:class:`~digest.store.Store` holds them as ``store.index``; they are kept apart
because they are what decides whether matching one new item costs the same
against ten thousand stored items as against a million:

* ``lsh (key, item_id)`` holds 64 band keys per item (WITHOUT ROWID, so the
  primary key is the table); a new item's candidates come from **one**
  statement of one primary-key search per band, each capped, counted and
  ranked inside SQLite, so only the best few rows reach Python;
* ``signatures`` are fetched only for those few candidates (counted in
  :attr:`Index.signature_rows`, which the regression test watches);
* ``event_terms (term, day, item_id)`` holds an item's strongest event terms;
  candidates come from one statement of one range search per term within the
  day window, again capped and ranked in SQLite;
* ``event_vectors`` keeps each item's TF-IDF unit vector as two packed
  arrays (32-bit term keys, float32 weights), ``term_df`` the document
  frequencies by term key.

:meth:`Index.index_plans` shows the query plans (a test checks that
every lookup searches an index and none scans a table). Retention
(:meth:`Index.stale_items`, :meth:`Index.forget`) removes old
items' text and index rows and leaves the item row, so its source stays known.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from digest.store.db import Database

KEY_TYPE = "i"  # 32-bit signed term keys
WEIGHT_TYPE = "f"  # float32 weights
# Rows one key may contribute to a candidate list, so that a key shared by
# very many items (e.g. of near-empty texts) cannot make a lookup expensive.
LSH_ROWS_PER_KEY = 100
EVENT_ROWS_PER_TERM = 200


@lru_cache(maxsize=16)
def _lsh_sql(keys: int) -> str:
    part = f"SELECT item_id FROM (SELECT item_id FROM lsh WHERE key = ? LIMIT {LSH_ROWS_PER_KEY})"
    return (
        "SELECT item_id, COUNT(*) AS shared FROM ("
        + " UNION ALL ".join([part] * keys)
        + ") GROUP BY item_id ORDER BY shared DESC, item_id LIMIT ?"
    )


# The event index's day for items whose date is unknown (a fallback): far
# below any real day, so that a dated item's window never reaches it and the
# bucket is searched on its own (see :meth:`IndexTables.event_candidates`).
UNDATED_DAY = -(1 << 30)


@lru_cache(maxsize=64)
def _event_sql(parts: int) -> str:
    part = (
        "SELECT item_id FROM (SELECT item_id FROM event_terms "
        "WHERE term = ? AND day BETWEEN ? AND ? ORDER BY day DESC "
        f"LIMIT {EVENT_ROWS_PER_TERM})"
    )
    return (
        "SELECT item_id, COUNT(*) AS shared FROM ("
        + " UNION ALL ".join([part] * parts)
        + ") GROUP BY item_id ORDER BY shared DESC, item_id LIMIT ?"
    )


def _marks(n: int) -> str:
    return ",".join("?" * n)


@dataclass(frozen=True)
class BulkEntry:
    """One already-analysed item for :meth:`Index.bulk_load`.

    ``terms`` and ``weights`` are the packed arrays of an event vector as
    stored (32-bit keys, float32 unit weights), its first ``indexed`` keys
    the ones indexed under ``day``.
    """

    source: str
    title: str
    outlet: str
    published: str
    day: int
    language: str
    signature: bytes
    lsh_keys: Sequence[int]
    terms: bytes
    weights: bytes
    indexed: int


class Index:
    """The dedup index (signatures, LSH keys, event terms), its parameters, and retention."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._db = database.conn
        # Signature rows read so far: matching must read only a capped few per item.
        self.signature_rows = 0

    # -- meta: the index parameters and document count -------------------------

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- copies: MinHash LSH ---------------------------------------------------

    def lsh_candidates(self, keys: Sequence[int], *, limit: int) -> dict[int, int]:
        """The ``limit`` items sharing most band keys: {item_id: shared bands}.

        One statement; each key is a primary-key search capped at
        ``LSH_ROWS_PER_KEY`` rows, and the counting and ranking happen in SQLite.
        """
        if not keys:
            return {}
        return dict(self._db.execute(_lsh_sql(len(keys)), (*keys, limit)))

    def signatures(self, ids: Iterable[int]) -> dict[int, bytes]:
        ids = list(ids)
        if not ids:
            return {}
        rows = self._db.execute(
            f"SELECT item_id, sig FROM signatures WHERE item_id IN ({_marks(len(ids))})", ids
        ).fetchall()
        self.signature_rows += len(rows)
        return dict(rows)

    def add_signature(self, item_id: int, signature: bytes, keys: Iterable[int]) -> None:
        self._db.execute("INSERT OR REPLACE INTO signatures VALUES (?, ?)", (item_id, signature))
        self._db.executemany(
            "INSERT OR IGNORE INTO lsh VALUES (?, ?)", [(k, item_id) for k in keys]
        )

    # -- events: terms by day, TF-IDF vectors ------------------------------------

    def event_candidates(
        self, terms: Sequence[int], ranges: Sequence[tuple[int, int]], *, limit: int
    ) -> dict[int, int]:
        """The ``limit`` items within the day ranges sharing most index terms: {id: shared}.

        One statement: per term and range one range search of the primary
        key, newest days first, capped at ``EVENT_ROWS_PER_TERM`` rows.
        """
        if not terms or not ranges:
            return {}
        params: list[int] = []
        for term in terms:
            for day_from, day_to in ranges:
                params += (term, day_from, day_to)
        return dict(self._db.execute(_event_sql(len(terms) * len(ranges)), (*params, limit)))

    def event_vectors(self, ids: Iterable[int]) -> dict[int, tuple[array[int], array[float]]]:
        """Stored unit TF-IDF vectors: {item_id: (term keys, weights)}, as packed arrays."""
        ids = list(ids)
        if not ids:
            return {}
        rows = self._db.execute(
            f"SELECT item_id, terms, weights FROM event_vectors WHERE item_id IN "
            f"({_marks(len(ids))})",
            ids,
        )
        return {
            item_id: (array(KEY_TYPE, keys), array(WEIGHT_TYPE, weights))
            for item_id, keys, weights in rows
        }

    def add_event_terms(
        self, item_id: int, day: int, vector: dict[int, float], indexed: Sequence[int]
    ) -> None:
        """Store an item's vector and index its ``indexed`` term keys under ``day``."""
        first = set(indexed)
        keys = [*indexed, *(k for k in vector if k not in first)]
        self._db.execute(
            "INSERT OR REPLACE INTO event_vectors VALUES (?, ?, ?, ?)",
            (
                item_id,
                array(KEY_TYPE, keys).tobytes(),
                array(WEIGHT_TYPE, [vector[k] for k in keys]).tobytes(),
                len(indexed),
            ),
        )
        self._db.executemany(
            "INSERT OR IGNORE INTO event_terms VALUES (?, ?, ?)",
            [(k, day, item_id) for k in indexed],
        )

    def document_frequencies(self, keys: Sequence[int]) -> tuple[dict[int, int], int]:
        """({term key: number of indexed items containing it}, number of indexed items)."""
        found = (
            dict(
                self._db.execute(
                    f"SELECT term, df FROM term_df WHERE term IN ({_marks(len(keys))})", keys
                )
            )
            if keys
            else {}
        )
        row = self._db.execute("SELECT value FROM meta WHERE key = 'event_docs'").fetchone()
        return found, int(row[0]) if row else 0

    def add_document_terms(self, keys: Iterable[int]) -> None:
        self._db.executemany(
            "INSERT INTO term_df VALUES (?, 1) ON CONFLICT(term) DO UPDATE SET df = df + 1",
            [(k,) for k in keys],
        )
        self._db.execute(
            "INSERT INTO meta VALUES ('event_docs', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def _event_entry(self, item_id: int) -> tuple[list[int], list[int]] | None:
        """(all term keys, indexed term keys) of an item's stored vector."""
        row = self._db.execute(
            "SELECT terms, indexed FROM event_vectors WHERE item_id = ?", (item_id,)
        ).fetchone()
        if row is None:
            return None
        keys = array(KEY_TYPE, row[0]).tolist()
        return keys, keys[: row[1]]

    def _index_day(self, item_id: int) -> int | None:
        """The day an item's event terms are indexed under (``UNDATED_DAY`` without a date)."""
        row = self._db.execute(
            "SELECT CASE WHEN date_is_fallback THEN ? ELSE day END FROM items WHERE id = ?",
            (UNDATED_DAY, item_id),
        ).fetchone()
        return None if row is None else int(row[0])

    def move_event_index(self, old: int, new: int, day: int) -> None:
        """Hand an original's place in the event index to the item that replaced it."""
        entry = self._event_entry(old)
        if entry is None:
            return
        indexed = entry[1]
        old_day = self._index_day(old)
        self._db.executemany(
            "DELETE FROM event_terms WHERE term = ? AND day = ? AND item_id = ?",
            [(k, old_day, old) for k in indexed],
        )
        self._db.executemany(
            "INSERT OR IGNORE INTO event_terms VALUES (?, ?, ?)", [(k, day, new) for k in indexed]
        )
        self._db.execute("UPDATE event_vectors SET item_id = ? WHERE item_id = ?", (new, old))

    # -- removal ----------------------------------------------------------------------

    def index_entry(self, item_id: int) -> tuple[bytes | None, list[int]]:
        """An item's stored signature and indexed event keys (to remove its rows)."""
        sig = self._db.execute(
            "SELECT sig FROM signatures WHERE item_id = ?", (item_id,)
        ).fetchone()
        entry = self._event_entry(item_id)
        return (sig[0] if sig else None), (entry[1] if entry else [])

    def remove_from_index(self, item_id: int, lsh_keys: Iterable[int]) -> None:
        """Take an item out of both indexes, before re-indexing or forgetting it.

        The caller passes the band keys the item was indexed under (derived
        from its stored signature), so that deletion goes by primary key
        instead of scanning the index. Call it before the item's new date is
        saved: the event terms are keyed by the old day.
        """
        entry = self._event_entry(item_id)
        if entry is not None:
            keys, indexed = entry
            day = self._index_day(item_id)
            self._db.executemany(
                "UPDATE term_df SET df = df - 1 WHERE term = ?", [(k,) for k in keys]
            )
            self._db.executemany(
                "DELETE FROM term_df WHERE term = ? AND df <= 0", [(k,) for k in keys]
            )
            self._db.execute(
                "UPDATE meta SET value = MAX(0, CAST(value AS INTEGER) - 1) "
                "WHERE key = 'event_docs'"
            )
            if day is not None:
                self._db.executemany(
                    "DELETE FROM event_terms WHERE term = ? AND day = ? AND item_id = ?",
                    [(k, day, item_id) for k in indexed],
                )
            self._db.execute("DELETE FROM event_vectors WHERE item_id = ?", (item_id,))
        self._db.executemany(
            "DELETE FROM lsh WHERE key = ? AND item_id = ?", [(k, item_id) for k in lsh_keys]
        )
        self._db.execute("DELETE FROM signatures WHERE item_id = ?", (item_id,))

    def reset_index(self) -> list[int]:
        """Empty both indexes (after a change of parameters); return the items to re-index."""
        for table in (
            "signatures",
            "lsh",
            "event_terms",
            "event_vectors",
            "term_df",
            "story_vectors",
        ):
            self._db.execute(f"DELETE FROM {table}")
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('event_docs', '0')")
        return [
            r[0]
            for r in self._db.execute(
                "SELECT id FROM items WHERE on_topic = 1 AND text IS NOT NULL ORDER BY id"
            )
        ]

    # -- retention ----------------------------------------------------------------------

    def stale_items(self, before: str, *, limit: int) -> list[tuple[int, bytes | None]]:
        """Up to ``limit`` items first seen before ``before`` (ISO UTC) that still hold text.

        Returns (item id, stored signature or None). A partial index on
        ``first_seen`` of the items with text makes this one index search,
        cheap when nothing is due.
        """
        return self._db.execute(
            "SELECT i.id, s.sig FROM items i LEFT JOIN signatures s ON s.item_id = i.id "
            "WHERE i.text IS NOT NULL AND i.first_seen < ? LIMIT ?",
            (before, limit),
        ).fetchall()

    def forget(self, item_id: int, lsh_keys: Iterable[int]) -> None:
        """Drop an item's text and index rows; its row stays, so its source is still known."""
        self.remove_from_index(item_id, lsh_keys)
        self._db.execute("UPDATE items SET text = NULL WHERE id = ?", (item_id,))

    def free_fraction(self) -> float:
        """The share of the file's pages that are free (after deletions)."""
        pages = self._db.execute("PRAGMA page_count").fetchone()[0]
        free = self._db.execute("PRAGMA freelist_count").fetchone()[0]
        return free / pages if pages else 0.0

    def vacuum(self) -> None:
        """Rewrite the file without its free pages (outside any transaction)."""
        self._db.execute("VACUUM")

    # -- bulk loading -------------------------------------------------------------------

    def bulk_load(self, entries: Iterable[BulkEntry], *, chunk: int = 50_000) -> int:
        """Insert placed, indexed items in bulk; return how many. Call inside a transaction.

        For building a large history quickly (the benchmark's 1,000,000
        items). One by one, every band key lands on a random page of the
        ``lsh`` B-tree; here the rows are staged in temporary tables and then
        inserted sorted by key, so each index page is written once. Each entry
        gets a story of its own and no text (as if already pruned of it).
        """
        db = self._db
        if not db.in_transaction:
            raise RuntimeError("bulk_load must run inside Store.transaction()")
        db.execute("CREATE TEMP TABLE IF NOT EXISTS lsh_load (key, item_id)")
        db.execute("CREATE TEMP TABLE IF NOT EXISTS event_load (term, day, item_id)")
        df: dict[int, int] = {}
        loaded = 0
        iterator = iter(entries)
        while batch := list(islice(iterator, chunk)):
            item = (db.execute("SELECT MAX(id) FROM items").fetchone()[0] or 0) + 1
            story = (db.execute("SELECT MAX(id) FROM stories").fetchone()[0] or 0) + 1
            ids = range(item, item + len(batch))
            db.executemany(
                "INSERT INTO stories (id, created_at) VALUES (?, ?)",
                [(story + n, e.published) for n, e in enumerate(batch)],
            )
            db.executemany(
                "INSERT INTO items (id, source, kind, fingerprint, title, outlet, published, day, "
                "date_is_fallback, language, on_topic, topic_reason, story_id, first_seen, "
                "updated_at) VALUES (?1, ?2, 'file', '', ?3, ?4, ?5, ?6, 0, ?7, 1, 'on-topic', "
                "?8, ?5, ?5)",
                [
                    (i, e.source, e.title, e.outlet, e.published, e.day, e.language, story + n)
                    for n, (i, e) in enumerate(zip(ids, batch, strict=True))
                ],
            )
            db.executemany(
                "INSERT INTO signatures VALUES (?, ?)",
                [(i, e.signature) for i, e in zip(ids, batch, strict=True)],
            )
            db.executemany(
                "INSERT INTO event_vectors VALUES (?, ?, ?, ?)",
                [(i, e.terms, e.weights, e.indexed) for i, e in zip(ids, batch, strict=True)],
            )
            db.executemany(
                "INSERT INTO story_vectors VALUES (?, ?, ?, 1, ?)",
                [(story + n, e.terms, e.weights, e.day) for n, e in enumerate(batch)],
            )
            db.executemany(
                "INSERT INTO lsh_load VALUES (?, ?)",
                [(k, i) for i, e in zip(ids, batch, strict=True) for k in e.lsh_keys],
            )
            postings = []
            for i, e in zip(ids, batch, strict=True):
                keys = array(KEY_TYPE, e.terms)
                postings += [(k, e.day, i) for k in keys[: e.indexed]]
                for k in keys:
                    df[k] = df.get(k, 0) + 1
            db.executemany("INSERT INTO event_load VALUES (?, ?, ?)", postings)
            loaded += len(batch)
        db.execute("INSERT OR IGNORE INTO lsh SELECT key, item_id FROM lsh_load ORDER BY 1, 2")
        db.execute(
            "INSERT OR IGNORE INTO event_terms SELECT term, day, item_id FROM event_load "
            "ORDER BY 1, 2, 3"
        )
        db.execute("DELETE FROM lsh_load")
        db.execute("DELETE FROM event_load")
        db.executemany(
            "INSERT INTO term_df VALUES (?, ?) "
            "ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
            sorted(df.items()),
        )
        db.execute(
            "INSERT INTO meta VALUES ('event_docs', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + excluded.value",
            (loaded,),
        )
        return loaded

    # -- inspection -------------------------------------------------------------------

    def index_bytes(self) -> dict[str, int]:
        """Bytes on disk of each index table (SQLite's dbstat), for the benchmark."""
        tables = ("signatures", "lsh", "event_terms", "event_vectors", "term_df")
        rows = self._db.execute(
            f"SELECT name, SUM(pgsize) FROM dbstat WHERE name IN ({_marks(len(tables))}) "
            "GROUP BY name",
            tables,
        )
        return {name: size for name, size in rows}

    def index_plans(self) -> dict[str, list[str]]:
        """EXPLAIN QUERY PLAN of each lookup that matching one new item runs."""
        statements = {
            "lsh_candidates": (_lsh_sql(2), (1, 2, 30)),
            "signatures": ("SELECT item_id, sig FROM signatures WHERE item_id IN (?, ?)", (1, 2)),
            "event_candidates": (_event_sql(2), (1, 0, 9, 2, 0, 9, 30)),
            "story_of": ("SELECT id, story_id FROM items WHERE id IN (?, ?)", (1, 2)),
            "story_vectors": (
                "SELECT story_id, terms, weights FROM story_vectors WHERE story_id IN (?, ?)",
                (1, 2),
            ),
            "event_vectors": (
                "SELECT item_id, terms, weights FROM event_vectors WHERE item_id IN (?, ?)",
                (1, 2),
            ),
            "document_frequencies": ("SELECT term, df FROM term_df WHERE term IN (?, ?)", (1, 2)),
            "stale_items": (
                "SELECT i.id, s.sig FROM items i LEFT JOIN signatures s ON s.item_id = i.id "
                "WHERE i.text IS NOT NULL AND i.first_seen < ? LIMIT ?",
                ("2000-01-01", 10),
            ),
        }
        return {
            name: [row[-1] for row in self._db.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
            for name, (sql, params) in statements.items()
        }
