"""Where each date came from, kept in the store: round trip, and the reader's view after a reload.

Real files in a watched folder, the real pipeline, a real SQLite file that
is closed and opened again before the digest is built, as after a restart.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from digest.config import Config
from digest.jobs import open_pipeline
from digest.models import Article, TopicDecision
from digest.preview.inspector import inspect
from digest.store import Store
from tests.helpers import fixed_clock

# A file time no report may show as its publication date (14 March 2026).
FILE_TIME = datetime(2026, 3, 14, 12, 0, tzinfo=UTC).timestamp()
FRONT_MATTER = """---
title: "Rusia dan Korea Utara Buka Jembatan Jalan di Sungai Tumen"
date: 2025-09-02
source: Kabar Timur
---

Rusia dan Korea Utara meresmikan jembatan jalan pertama di atas Sungai Tumen, yang
menghubungkan wilayah Primorye dengan kota Rason di Korea Utara.

Pejabat kedua negara mengatakan jembatan itu akan memperlancar perdagangan dan
kunjungan wisatawan Rusia ke Korea Utara, setelah Vladimir Putin dan Kim Jong Un
menandatangani perjanjian kemitraan strategis.
"""


def _ingest_and_close(config: Config) -> None:
    folder = config.sources.folders[0]
    (folder / "jembatan.md").write_text(FRONT_MATTER, encoding="utf-8")
    for path in folder.iterdir():
        os.utime(path, (FILE_TIME, FILE_TIME))
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store:
        report = pipeline.ingest()
    assert (report.new, report.skipped, report.excluded) == (6, 0, 0)


def test_where_each_date_came_from_is_stored_and_read_back(config: Config) -> None:
    _ingest_and_close(config)
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store as store:
        rows = {row.source[:3]: row for row in store.items.all_items()}
        shown = {i.source[:3]: i.date_from for i in inspect(store, config, pipeline.terms).items}
    assert {prefix: row.published_from for prefix, row in rows.items()} == {
        "000": "dateline",
        "001": "file-time",
        "002": "file-time",
        "003": "dateline",
        "004": "dateline",
        "jem": "front-matter",
    }
    for row in rows.values():
        assert row.date_is_fallback == (row.published_from == "file-time")
        article = row.to_article()  # what re-indexing and the topic check see again
        assert (article.published_from, article.date_is_fallback) == (
            row.published_from,
            row.date_is_fallback,
        )
    assert shown == {prefix: row.published_from for prefix, row in rows.items()}  # the inspector
    assert rows["jem"].published.astimezone(config.digest.tz).date().isoformat() == "2025-09-02"


def test_after_a_restart_file_time_reports_read_date_unknown_and_come_last(
    config: Config,
) -> None:
    _ingest_and_close(config)
    pipeline = open_pipeline(config, clock=fixed_clock)  # a new process on the same file
    with pipeline.store:
        rendered = pipeline.render(pipeline.build().digest)
    stories = rendered.data["stories"]
    sources = [{item["source"][:3] for item in story["items"]} for story in stories]
    assert len(stories) == 5
    assert sources[-2:] in ([{"001"}, {"002"}], [{"002"}, {"001"}])  # undated last
    assert [s["date_is_fallback"] for s in stories] == [False, False, False, True, True]
    assert config.digest.language == "id"
    assert rendered.text.count("tanggal tidak diketahui") >= 4  # two stories, two reports
    assert "2 September 2025" in rendered.text  # the front matter's date is shown
    assert "14 Maret 2026" not in rendered.text  # a file's time never is
    assert "14 Maret 2026" not in rendered.html


SOURCES = ("dateline", "metadata", "front-matter", "url", "feed", "file-time")


def test_every_date_source_round_trips_through_the_state_file(tmp_path: Path) -> None:
    path = tmp_path / "digest.sqlite"
    published = datetime(2025, 6, 17, 8, 0, tzinfo=UTC)
    with Store(path) as store, store.transaction():
        for name in SOURCES:
            article = Article(
                source=f"{name}.txt",
                kind="file",
                title=f"Dated by {name}",
                outlet="",
                published=published,
                date_is_fallback=name == "file-time",
                text="Putin dan Kim Jong Un bertemu.",
                language="id",
                fingerprint=name,
                published_from=name,
            )
            store.items.save_item(article, TopicDecision(True, "on-topic"))
        # Saved again with a date found this time (the file changed): the row follows.
        store.items.save_item(
            replace(article, date_is_fallback=False, published_from="dateline"),
            TopicDecision(True, "on-topic"),
        )
    with Store(path) as store:
        rows = {row.source: row for row in store.items.all_items()}
    assert {s: rows[f"{s}.txt"].published_from for s in SOURCES} == {
        **{s: s for s in SOURCES},
        "file-time": "dateline",
    }
    assert not any(row.date_is_fallback for row in rows.values())


def test_an_article_cannot_say_two_things_about_its_date() -> None:
    base = Article(
        source="a.txt",
        kind="file",
        title="t",
        outlet="",
        published=datetime(2025, 6, 17, tzinfo=UTC),
        date_is_fallback=False,
        text="",
        language="id",
        fingerprint="",
    )
    assert base.published_from == "unknown"  # dated, source not said
    undated = replace(base, date_is_fallback=True)
    assert undated.published_from == "file-time"
    assert replace(undated, date_is_fallback=False).published_from == "unknown"
    assert replace(base, published_from="url").published_from == "url"
