"""Migration 0008 on a real version-7 state file: rows kept, date sources, retention columns.

The version-7 file is built by the first seven migrations exactly as
recorded in ``MIGRATIONS`` and filled the way the version-7 code wrote its
rows; then today's :class:`Store` opens it, and the digest a reader gets from
it is rendered.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from digest.config import Config
from digest.jobs import build_digest, render_digest
from digest.models import day_number
from digest.store import Store
from digest.store.migrations import MIGRATIONS
from tests.helpers import fixed_clock

TEXT = (
    "Korea Utara mengirim pasukan tambahan ke Rusia untuk membantu perang di Kursk. "
    "Presiden Rusia Vladimir Putin berterima kasih kepada Kim Jong Un atas bantuan itu."
)
# (id, source, outlet, published, date_is_fallback, story, text, signature, sent)
ITEMS = [
    # Story 1: one report with a date read from its dateline.
    (1, "a/dated.txt", "Kabar Timur", "2026-11-10T08:00:00+00:00", 0, 1, TEXT, True, None),
    # Story 2: two reports whose dates were their files' times (newer than story 1's).
    (2, "b/undated-1.txt", "Suara Pagi", "2026-11-20T09:30:00+00:00", 1, 2, TEXT, True, None),
    (3, "c/undated-2.txt", "Warta Kini", "2026-11-20T10:00:00+00:00", 1, 2, TEXT, True, None),
    # Story 3: sent long ago and forgotten by retention (no text, not indexed).
    (4, "d/old.txt", "Kabar Timur", "2026-01-05T08:00:00+00:00", 0, 3, None, False, 1),
]


def _v7_store(path: Path) -> None:
    """A state file at schema version 7, with rows the version-7 code would have written."""
    assert [name for name, _ in MIGRATIONS[:7]][-1] == "0007_uncertain_delivery"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for name, sql in MIGRATIONS[:7]:
        for statement in sql.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute("INSERT INTO schema_migrations VALUES (?, '2026-11-01T00:00:00+00:00')", (name,))
    for story in (1, 2, 3):
        db.execute("INSERT INTO stories VALUES (?, '2026-11-01T00:00:00+00:00')", (story,))
        db.execute(
            "INSERT INTO story_vectors VALUES (?, x'01000000', x'0000803f', 1, NULL)", (story,)
        )
    for item, source, outlet, published, fallback, story, text, indexed, sent in ITEMS:
        db.execute(
            "INSERT INTO items (id, source, kind, fingerprint, title, outlet, published, day, "
            "date_is_fallback, language, text, on_topic, topic_reason, story_id, sent_digest_id, "
            "first_seen, updated_at) VALUES (?, ?, 'file', ?, ?, ?, ?, ?, ?, 'id', ?, 1, "
            "'on-topic', ?, ?, '2026-11-21T00:00:00+00:00', '2026-11-21T00:00:00+00:00')",
            (
                item,
                source,
                f"fp{item}",
                f"Korea Utara kirim pasukan ke Rusia ({outlet})",
                outlet,
                published,
                day_number(datetime.fromisoformat(published)),
                fallback,
                text,
                story,
                sent,
            ),
        )
        if indexed:
            db.execute("INSERT INTO signatures VALUES (?, x'00')", (item,))
    db.executemany("INSERT INTO template_lines VALUES ('kabartimur.id', ?, ?)", [(11, 7), (12, 1)])
    db.execute("INSERT INTO template_sources VALUES ('a/dated.txt', 'kabartimur.id')")
    db.close()


def _rows(store: Store, table: str) -> list[tuple[object, ...]]:
    return list(store.db.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2"))


def test_a_version_7_store_keeps_its_rows_and_learns_where_dates_came_from(
    tmp_path: Path,
) -> None:
    path = tmp_path / "digest.sqlite"
    _v7_store(path)
    with Store(path) as store:
        assert store.migrations()[-1] == "0008_date_source_and_retention"
        rows = {row.id: row for row in store.items.rows(range(1, 5))}
        assert sorted(rows) == [1, 2, 3, 4]
        assert {i: rows[i].published_from for i in rows} == {
            1: "unknown",  # dated, but where from was not recorded before 0008
            2: "file-time",
            3: "file-time",
            4: "unknown",
        }
        assert [rows[i].date_is_fallback for i in (1, 2, 3, 4)] == [False, True, True, False]
        assert rows[2].to_article().published_from == "file-time"
        assert rows[1].to_article().published_from == "unknown"
        # Every other row is kept as it was.
        assert [(r.source, r.outlet, r.text is not None) for r in rows.values()] == [
            (source, outlet, text is not None) for _, source, outlet, _, _, _, text, _, _ in ITEMS
        ]
        today = day_number(datetime.now(UTC))
        assert _rows(store, "template_lines") == [
            ("kabartimur.id", 11, 7, today),
            ("kabartimur.id", 12, 1, today),
        ]
        assert _rows(store, "template_sources") == [("a/dated.txt", "kabartimur.id", today)]
        # The centroid of the forgotten story goes; the live ones stay.
        assert [r[0] for r in _rows(store, "story_vectors")] == [1, 2]
    with Store(path) as store:  # opening again changes nothing
        assert len(store.items.rows(range(1, 5))) == 4
        assert len(_rows(store, "template_lines")) == 2


def test_after_the_migration_file_time_stories_read_date_unknown_and_come_last(
    tmp_path: Path, config: Config
) -> None:
    path = tmp_path / "digest.sqlite"
    _v7_store(path)
    with Store(path) as store:
        built = build_digest(store, config, fixed_clock)
        rendered = render_digest(config, built.digest)
    stories = rendered.data["stories"]
    # The undated story has two outlets and newer times, and still comes after the dated one.
    assert [s["id"] for s in stories] == [1, 2]
    assert [s["date_is_fallback"] for s in stories] == [False, True]
    assert all(item["date_is_fallback"] for item in stories[1]["items"])
    assert config.digest.language == "id"
    assert rendered.text.count("tanggal tidak diketahui") >= 3  # the story and both reports
    assert "10 November 2026" in rendered.text  # the dated story's own date
    assert "20 November 2026" not in rendered.text  # a file's time is never shown as a date
    assert "20 November 2026" not in rendered.html
