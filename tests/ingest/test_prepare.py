"""The ingest pool: a large run prepared in worker processes stores what one process would."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from digest.config import Config, load_config
from digest.ingest.prepare import POOL_MIN_ITEMS, workers_for
from digest.jobs import open_pipeline
from tests.bench.corpus import END, Generator
from tests.helpers import write_config


def _placements(config: Config) -> tuple[dict, set]:
    """Ingest, then (copy → original by source, stories as sets of sources)."""
    pipeline = open_pipeline(config, clock=lambda: END)
    with pipeline.store as store:
        report = pipeline.ingest()
        rows = store.db.conn.execute(
            "SELECT i.source, o.source, i.story_id FROM items i "
            "LEFT JOIN items o ON o.id = i.copy_of WHERE i.on_topic = 1"
        ).fetchall()
    copies = {source: original for source, original, _ in rows if original}
    stories: dict[int, set[str]] = {}
    for source, _, story in rows:
        stories.setdefault(story, set()).add(source)
    assert report.new == POOL_MIN_ITEMS + 40
    return copies, {frozenset(s) for s in stories.values()}


def test_a_large_run_prepared_by_the_pool_stores_the_same(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, seeds=False))
    generator = Generator(POOL_MIN_ITEMS + 40, seed=3)
    for doc in generator.documents():
        (tmp_path / "articles" / doc.name).write_text(generator.render(doc), encoding="utf-8")
    one = replace(config, ingest=replace(config.ingest, workers=1))
    pooled = replace(
        config,
        ingest=replace(config.ingest, workers=2),
        store=replace(config.store, path=tmp_path / "state" / "pooled.sqlite"),
    )
    copies, stories = _placements(one)
    assert copies  # the generated corpus has copies, and they were found
    assert _placements(pooled) == (copies, stories)


def test_workers_zero_means_one_per_core() -> None:
    assert workers_for(0) >= 1
    assert workers_for(3) == 3
