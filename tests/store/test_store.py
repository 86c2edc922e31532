"""The SQLite store: migrations, transactions, versions, retention, the index's query plans."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.config import Config
from digest.errors import StoreError
from digest.jobs import Pipeline, open_pipeline
from digest.store import Store
from digest.store.migrations import MIGRATIONS
from tests.helpers import fixed_clock

INDEX_TABLES = ("signatures", "lsh", "event_terms", "event_vectors", "term_df")


def _count(store: Store, table: str, where: str = "") -> int:
    return store.db.conn.execute(f"SELECT COUNT(*) FROM {table} {where}").fetchone()[0]


def test_every_migration_is_applied_once_and_recorded(tmp_path: Path) -> None:
    path = tmp_path / "digest.sqlite"
    with Store(path) as store:
        assert store.migrations() == sorted(name for name, _ in MIGRATIONS)
    with Store(path) as store:  # opening again applies nothing twice
        assert store.migrations() == sorted(name for name, _ in MIGRATIONS)


def test_a_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    with Store(tmp_path / "digest.sqlite") as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.items.record_skip("a.txt", "empty")
            raise RuntimeError("crash in the middle of a write")
        assert store.items.skipped() == []
        with store.transaction():
            store.items.record_skip("b.txt", "binary")
        assert store.items.skipped() == [("b.txt", "binary")]


def test_a_store_written_by_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "digest.sqlite"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO schema_migrations VALUES ('9999_from_the_future', '2030-01-01')")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_every_lookup_of_matching_searches_an_index(tmp_path: Path) -> None:
    with Store(tmp_path / "digest.sqlite") as store:
        plans = store.index.index_plans()
    assert set(plans) >= {"lsh_candidates", "signatures", "event_candidates", "stale_items"}
    for name, steps in plans.items():
        tables = [
            s
            for s in steps
            if any(
                f" {t} " in f" {s} " for t in (*INDEX_TABLES, "story_vectors", "items", "i", "s")
            )
        ]
        assert tables, name
        for step in tables:
            assert step.startswith("SEARCH"), f"{name}: {step}"
    assert any("items_unpruned" in s for s in plans["stale_items"])


def test_changed_index_parameters_rebuild_the_index(config: Config) -> None:
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store:
        pipeline.ingest()
        params = pipeline.store.index.get_meta("index_params")
        assert _count(pipeline.store, "lsh") == 64 * _count(pipeline.store, "signatures")
    fewer = replace(config, dedup=replace(config.dedup, bands=32))
    pipeline = open_pipeline(fewer, clock=fixed_clock)
    with pipeline.store as store:
        assert store.index.get_meta("index_params") != params
        assert "bands=32" in (store.index.get_meta("index_params") or "")
        assert _count(store, "signatures") == 5
        assert _count(store, "lsh") == 32 * 5
        stories = {r[0] for r in store.db.conn.execute("SELECT story_id FROM items")}
        assert len(stories) == 4  # the seeds still make four stories


def test_retention_forgets_old_items_but_keeps_sent_digests(config: Config) -> None:
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store as store:
        pipeline.ingest()
        built = pipeline.build()
        rendered = pipeline.render(built.digest)
        digest_id = store.outbox.add_digest(
            message_id="<1@digest.test>",
            subject=rendered.subject,
            html=rendered.html,
            text=rendered.text,
            data=rendered.data,
            item_ids=built.item_ids,
        )
        store.outbox.mark_sent(digest_id)
        assert pipeline.prune() == 0  # nothing is old yet
        # Half a year on (first_seen is the wall clock's: when the item arrived).
        later = Pipeline(
            config,
            store,
            clock=lambda: datetime.now(UTC) + timedelta(days=config.store.keep_days + 1),
        )
        assert later.prune() == 5
        assert later.prune() == 0
        assert _count(store, "items") == 5
        assert _count(store, "items", "WHERE text IS NOT NULL") == 0
        for table in INDEX_TABLES:
            assert _count(store, table) == 0, table
        kept = store.outbox.digest(digest_id)
        assert kept is not None and kept.status == "sent"
        assert (kept.html, kept.text) == (rendered.html, rendered.text)
        assert sorted(store.outbox.digest_item_ids(digest_id)) == sorted(built.item_ids)
        # The sources are still known: the same files are not ingested again.
        report = later.ingest()
        assert (report.new, report.updated, report.unchanged) == (0, 0, 5)
        assert later.build().digest.stories == ()
        store.index.vacuum()
        assert store.index.free_fraction() == 0.0
