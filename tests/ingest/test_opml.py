"""OPML feed lists: reading, `digest feeds import` into [sources] opml, `digest feeds export`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main
from digest.config import load_config
from digest.errors import SourceError
from digest.ingest.sources.feeds import configured_feeds
from digest.ingest.sources.opml import OpmlFeed, read_opml, to_opml
from tests.helpers import write_config

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
WIRE = "https://wire.example.com/world/rss.xml"
ANTARA = "https://antara.example.id/rss/dunia.xml"


def config_file(tmp_path: Path, *, feeds: list[str] = (), opml: str | None = None) -> Path:
    path = write_config(tmp_path, seeds=False)
    lines = f"feeds = {json.dumps(list(feeds))}\n"
    if opml is not None:
        lines += f"opml = {json.dumps(opml)}\n"
    text = path.read_text(encoding="utf-8").replace(
        'folders = ["articles"]\n', 'folders = ["articles"]\n' + lines
    )
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_read_opml_walks_categories_and_keeps_each_url_once() -> None:
    feeds = read_opml(FEEDS / "feeds.opml")
    assert feeds == [
        OpmlFeed(WIRE, "Example Wire: World"),
        OpmlFeed(ANTARA, "Antara"),  # lower-case xmlurl, title from text
        OpmlFeed("file:///etc/hostname", "A local file"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<opml><body><outline", "is not well-formed XML"),
        (b"<rss version='2.0'/>", "is not OPML (its root is <rss>, not <opml>)"),
    ],
)
def test_unusable_opml_is_a_source_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.opml"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=re.escape(message)):
        read_opml(path)


def test_missing_opml_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        read_opml(tmp_path / "feeds.opml")
    assert "digest feeds import" in str(caught.value)


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    doctype = f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
    in_attribute = tmp_path / "attribute.opml"
    in_attribute.write_text(
        doctype + '<opml><body><outline text="&x;" xmlUrl="https://a.example/f"/></body></opml>',
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="external entity"):
        read_opml(in_attribute)
    target = tmp_path / "feeds.opml"
    target.write_text(
        doctype + "<opml><head><title>&x;</title></head><body/></opml>", encoding="utf-8"
    )
    path = config_file(tmp_path, opml="feeds.opml")
    assert (
        invoke("feeds", "import", str(FEEDS / "feeds.opml"), "--config", str(path)).exit_code == 0
    )
    assert "TOP-SECRET" not in target.read_text(encoding="utf-8")
    assert len(read_opml(target)) == 2


def test_opml_feeds_follow_the_config_feeds(tmp_path: Path) -> None:
    (tmp_path / "feeds.opml").write_bytes(
        to_opml([OpmlFeed(WIRE, "Wire"), OpmlFeed("https://b.example/f", "")], title="t")
    )
    config = load_config(config_file(tmp_path, feeds=[WIRE, "local/feed.xml"], opml="feeds.opml"))
    specs = configured_feeds(config)
    assert [s.url for s in specs] == [WIRE, "local/feed.xml", "https://b.example/f"]
    assert specs[1].location == str(tmp_path / "local" / "feed.xml")


def test_import_merges_into_the_opml_file_and_keeps_what_is_there(tmp_path: Path) -> None:
    target = tmp_path / "feeds.opml"
    target.write_text(
        '<?xml version="1.0"?>\n<opml version="2.0"><head><title>Mine</title></head><body>'
        '<!-- hand-kept --><outline text="Jakarta"><outline xmlUrl="https://kept.example/f"/>'
        "</outline></body></opml>",
        encoding="utf-8",
    )
    path = config_file(tmp_path, feeds=[ANTARA], opml="feeds.opml")

    result = invoke("feeds", "import", str(FEEDS / "feeds.opml"), "--config", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"imported 1 feeds into {target} (1 already configured, 1 refused)"
    )
    assert "file:///etc/hostname: not an http(s) URL" in result.stderr
    text = target.read_text(encoding="utf-8")
    assert "<title>Mine</title>" in text and "hand-kept" in text
    assert [f.url for f in read_opml(target)] == ["https://kept.example/f", WIRE]

    again = invoke("feeds", "import", str(FEEDS / "feeds.opml"), "--config", str(path))
    assert again.stdout.startswith("imported 0 feeds")
    assert [f.url for f in read_opml(target)] == ["https://kept.example/f", WIRE]


def test_import_creates_the_opml_file_when_missing(tmp_path: Path) -> None:
    path = config_file(tmp_path, opml="lists/feeds.opml")
    result = invoke("feeds", "import", str(FEEDS / "feeds.opml"), "--config", str(path))
    assert result.exit_code == 0
    assert [f.url for f in read_opml(tmp_path / "lists" / "feeds.opml")] == [WIRE, ANTARA]


def test_import_without_an_opml_file_configured_says_so_in_one_line(tmp_path: Path) -> None:
    path = config_file(tmp_path)
    result = invoke("feeds", "import", str(FEEDS / "feeds.opml"), "--config", str(path))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("digest: error: `digest feeds import` keeps imported feeds")
    assert "[sources] opml" in line


def test_export_lists_every_configured_feed_and_reads_back(tmp_path: Path) -> None:
    (tmp_path / "feeds.opml").write_bytes(to_opml([OpmlFeed(ANTARA, "Antara")], title="t"))
    wire = str(FEEDS / "wire_en.xml")
    path = config_file(tmp_path, feeds=[wire], opml="feeds.opml")
    assert invoke("feeds", "check", "--config", str(path)).exit_code == 1  # Antara: no server

    out = tmp_path / "export.opml"
    result = invoke("feeds", "export", "--out", str(out), "--config", str(path))
    assert result.exit_code == 0
    exported = read_opml(out)
    assert exported == [OpmlFeed(wire, "Example Wire: World"), OpmlFeed(ANTARA, "Antara")]
    printed = invoke("feeds", "export", "--config", str(path))
    assert printed.stdout_bytes == out.read_bytes()
