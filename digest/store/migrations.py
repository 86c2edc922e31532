"""The schema, as named migrations applied in order and recorded in ``schema_migrations``."""

from __future__ import annotations

from digest.errors import StoreError
from digest.store.db import Database, now_iso

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
    (
        # Story centroids (see digest.store.stories): a report is compared
        # with a story as a whole. Derived data, rebuilt with the index.
        "0005_story_vectors",
        """
        CREATE TABLE story_vectors (
            story_id INTEGER PRIMARY KEY,
            terms BLOB NOT NULL,
            weights BLOB NOT NULL,
            reports INTEGER NOT NULL,
            latest_day INTEGER
        );
        """,
    ),
    (
        # Per site, in how many files each short line appeared (digest.store.templates).
        "0006_template_lines",
        """
        CREATE TABLE template_lines (
            site TEXT NOT NULL,
            key INTEGER NOT NULL,
            files INTEGER NOT NULL,
            PRIMARY KEY (site, key)
        ) WITHOUT ROWID;
        CREATE TABLE template_sources (source TEXT PRIMARY KEY, site TEXT NOT NULL) WITHOUT ROWID
        """,
    ),
    (
        # When a digest's hand-over ended without an answer after the whole
        # message went out (it may have been delivered): from then on its
        # stories stay with it, even if it is later refused.
        "0007_uncertain_delivery",
        "ALTER TABLE digests ADD COLUMN uncertain_at TEXT",
    ),
    (
        # Where each item's date came from (Article.published_from), the one
        # source of "date unknown" (date_is_fallback is written from it).
        # Items stored before: 'file-time' where the date was the file's time,
        # NULL (read back as "unknown") otherwise.
        # Retention for what grew without bound: the day (days since 1970,
        # UTC) each template line and each counted file was last seen, so
        # lines unseen for [store] keep_days go (those counted before this
        # migration count as seen on its day); and the centroids of stories
        # none of whose reports is still indexed (retention forgot them all),
        # which no new report can reach.
        "0008_date_source_and_retention",
        """
        ALTER TABLE items ADD COLUMN published_from TEXT;
        UPDATE items SET published_from = 'file-time' WHERE date_is_fallback = 1;
        ALTER TABLE template_lines ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;
        UPDATE template_lines SET last_seen = CAST(strftime('%s', 'now') AS INTEGER) / 86400;
        CREATE INDEX template_lines_seen ON template_lines(last_seen);
        ALTER TABLE template_sources ADD COLUMN seen INTEGER NOT NULL DEFAULT 0;
        UPDATE template_sources SET seen = CAST(strftime('%s', 'now') AS INTEGER) / 86400;
        CREATE INDEX template_sources_seen ON template_sources(seen);
        DELETE FROM story_vectors WHERE NOT EXISTS (
            SELECT 1 FROM items i JOIN signatures s ON s.item_id = i.id
            WHERE i.story_id = story_vectors.story_id
        )
        """,
    ),
]


def migrate(database: Database) -> None:
    """Apply the migrations the file lacks; refuse a file written by a newer digest."""
    db = database.conn
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
    )
    applied = {r[0] for r in db.execute("SELECT name FROM schema_migrations")}
    known = {name for name, _ in MIGRATIONS}
    unknown = applied - known
    if unknown:
        raise StoreError(
            f"the state file {database.path} was written by a newer digest "
            f"(migrations {', '.join(sorted(unknown))})",
            "upgrade digest, or point [store] path at another file",
        )
    for name, sql in MIGRATIONS:
        if name in applied:
            continue
        with database.transaction():
            for statement in sql.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, now_iso()))


def applied_migrations(database: Database) -> list[str]:
    return [r[0] for r in database.conn.execute("SELECT name FROM schema_migrations ORDER BY name")]
