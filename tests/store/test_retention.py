"""Retention of what grew without bound: template lines and story centroids, on real files."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.config import Config
from digest.jobs import Pipeline, open_pipeline
from digest.models import day_number
from digest.store import Store
from tests.helpers import fixed_clock

TODAY = day_number(datetime.now(UTC))


def _count(store: Store, table: str, where: str = "", *args: object) -> int:
    return store.db.conn.execute(f"SELECT COUNT(*) FROM {table} {where}", args).fetchone()[0]


def _later(config: Config, store: Store, days: int) -> Pipeline:
    """A pipeline on the same store whose clock is ``days`` after the wall clock's."""
    return Pipeline(config, store, clock=lambda: datetime.now(UTC) + timedelta(days=days))


def test_template_lines_unseen_for_the_retention_period_go_and_recent_ones_stay(
    tmp_path: Path,
) -> None:
    path = tmp_path / "digest.sqlite"
    with Store(path) as store, store.transaction():
        templates = store.templates
        # A site's menu (key 1) on an old page and on a recent one; each page's own lines.
        assert templates.add("site.id", "old.txt", [1, 10, 11], day=TODAY - 200)
        assert templates.add("site.id", "new.txt", [1, 20], day=TODAY - 3)
        assert templates.add("other.id", "other.txt", [1, 30], day=TODAY - 181)
    with Store(path) as store:  # the counts are on the file
        with store.transaction():
            removed = store.templates.prune(TODAY - 180)
        assert removed == 4  # old.txt's own lines 10, 11; other.id's 1 and 30
        lines = list(store.db.conn.execute("SELECT * FROM template_lines ORDER BY 1, 2"))
        assert lines == [("site.id", 1, 2, TODAY - 3), ("site.id", 20, 1, TODAY - 3)]
        assert [r[0] for r in store.db.conn.execute("SELECT source FROM template_sources")] == [
            "new.txt"
        ]
        # What stays answers as before: the menu is template for either page.
        assert store.templates.known("site.id", [1, 20], "new.txt") == {1}
        assert store.templates.known("site.id", [1, 10], "old.txt") == {1}
        with store.transaction():
            assert store.templates.prune(TODAY - 180) == 0  # nothing more is due


def test_the_pipeline_prunes_template_lines_with_its_retention(
    config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store as store:
        pipeline.ingest()
        lines, files = _count(store, "template_lines"), _count(store, "template_sources")
        assert lines > 0 and files == 5
        assert _later(config, store, 0).prune() == 0
        assert (_count(store, "template_lines"), _count(store, "template_sources")) == (
            lines,
            files,
        )
        with caplog.at_level(logging.INFO, logger="digest.jobs"):
            assert _later(config, store, config.store.keep_days + 1).prune() == 5
        assert (_count(store, "template_lines"), _count(store, "template_sources")) == (0, 0)
        assert f"forgot 5 items, 4 story centroids, {lines} template lines" in caplog.text


def test_a_story_loses_its_centroid_when_its_last_indexed_report_is_forgotten(
    config: Config,
) -> None:
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store as store:
        pipeline.ingest()
        story = {row.source[:3]: row.story_id for row in store.items.all_items() if row.story_id}
        assert story["000"] == story["004"]  # one story of two reports
        assert _count(store, "story_vectors") == 4
        # 000 and 001 arrived half a year ago; 004 (000's story) and the rest recently.
        store.db.conn.execute(
            "UPDATE items SET first_seen = ? WHERE substr(source, 1, 3) IN ('000', '001')",
            ((datetime.now(UTC) - timedelta(days=config.store.keep_days + 5)).isoformat(),),
        )
        assert _later(config, store, 0).prune() == 2
        kept = {r[0] for r in store.db.conn.execute("SELECT story_id FROM story_vectors")}
        assert kept == {story["000"], story["002"], story["003"]}  # 001's story is gone
        # Half a year later still, every report is forgotten and so is every centroid.
        assert _later(config, store, config.store.keep_days + 1).prune() == 3
        assert _count(store, "story_vectors") == 0
        assert _count(store, "items") == 5  # the items' rows stay
