"""Issue 14, point 4: nothing a source writes can blow up the digest.

A real feed file and a real HTML file with a 1.5 MB title (and a 1.5 MB feed
name and link) go through the whole pipeline into a real rendered email.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from digest.config import load_config
from digest.delivery.outbox import message_for
from digest.ingest.bounds import ENTRIES_PER_FEED, HEADLINE_CHARS, OUTLET_CHARS, cut
from digest.jobs import open_pipeline
from tests.helpers import fixed_clock, write_config

HUGE = 1_500_000
BODY = (
    "Kim Jong Un and Vladimir Putin met in Vladivostok; officials in Moscow and Pyongyang "
    "described talks on trade, railways and a treaty signed on Tuesday. "
)


def huge(words: str) -> str:
    return (words * (HUGE // len(words) + 1))[:HUGE]


def feed(entries: list[tuple[str, str, str]], title: str) -> str:
    items = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link><guid>{escape(g)}</guid>"
        f"<description>{escape(BODY)}</description></item>"
        for g, t, link in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://news.example.com/</link>{items}"
        "</channel></rss>"
    )


def test_a_one_and_a_half_megabyte_title_keeps_the_email_under_100_kb(tmp_path: Path) -> None:
    title = huge("Putin Kim summit ")
    link = "https://news.example.com/" + huge("a")
    (tmp_path / "big.xml").write_text(
        feed([("urn:big:1", title, link)], title=huge("Outlet ")), encoding="utf-8"
    )
    config_path = write_config(tmp_path, "send_empty = true\n", seeds=False, feeds=("big.xml",))
    (tmp_path / "articles" / "page.html").write_text(
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
        f"<p>{BODY * 5}</p></body></html>",
        encoding="utf-8",
    )
    config = load_config(config_path)
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store:
        report = pipeline.ingest()
        assert report.new == 2, report.problems
        built = pipeline.build()
        rendered = pipeline.render(built.digest)
        email = message_for(config, rendered, built, date=pipeline.clock()).as_bytes()
        stored = pipeline.store.items.all_items()
    assert len(stored) == 2
    assert all(len(row.title) <= HEADLINE_CHARS for row in stored)
    assert all(len(row.outlet) <= OUTLET_CHARS for row in stored)
    items = [item for story in built.digest.stories for item in story.items]
    assert items
    assert all(len(item.title) <= HEADLINE_CHARS for item in items)
    assert all(len(item.outlet) <= OUTLET_CHARS for item in items)
    assert all(len(c.outlet) <= OUTLET_CHARS for item in items for c in item.copies)
    assert all(len(story.headline) <= HEADLINE_CHARS for story in built.digest.stories)
    assert len(email) < 100_000, len(email)
    assert len(rendered.html.encode()) < 100_000


def test_a_feed_gives_at_most_its_share_of_entries_per_poll(tmp_path: Path) -> None:
    entries = [
        (f"urn:e:{i}", f"Putin and Kim, report {i}", f"https://x.example/{i}") for i in range(500)
    ]
    (tmp_path / "many.xml").write_text(feed(entries, title="Many"), encoding="utf-8")
    config = load_config(write_config(tmp_path, seeds=False, feeds=("many.xml",)))
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store:
        assert pipeline.ingest().new == ENTRIES_PER_FEED


def test_cut_keeps_short_text_and_cuts_long_text_at_a_word() -> None:
    assert cut("Putin  meets Kim", 300) == "Putin  meets Kim"
    long = "Putin meets Kim " * 100
    short = cut(long, 50)
    assert len(short) <= 50 and short.endswith("…") and short[:-1] in long
    assert short[:-1].split(" ")[-1] in {"Putin", "meets", "Kim"}
    assert len(cut("x" * 1_000_000, 300)) == 300  # no word to cut at: cut anyway
