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
        OpmlFeed(WIRE, "Example Wire: World", ("News",)),
        OpmlFeed(ANTARA, "Antara", ("News",)),  # lower-case xmlurl, title from text
        OpmlFeed("file:///etc/hostname", "A local file", ("Asia",)),
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
    assert len(read_opml(target)) == 3


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
        f"imported 2 feeds into {target} (1 already configured, 0 refused)"
    )
    text = target.read_text(encoding="utf-8")
    assert "<title>Mine</title>" in text and "hand-kept" in text
    local = "file:///etc/hostname"
    # Each feed filed under the categories it had, beside what was there.
    assert read_opml(target) == [
        OpmlFeed("https://kept.example/f", "", ("Jakarta",)),
        OpmlFeed(WIRE, "Example Wire: World", ("News",)),
        OpmlFeed(local, "A local file", ("Asia",)),
    ]

    again = invoke("feeds", "import", str(FEEDS / "feeds.opml"), "--config", str(path))
    assert again.stdout.startswith("imported 0 feeds")
    assert [f.url for f in read_opml(target)] == ["https://kept.example/f", WIRE, local]
    (tmp_path / "odd.opml").write_text(
        '<opml><body><outline xmlUrl="gopher://x.example/f"/></body></opml>', encoding="utf-8"
    )
    odd = invoke("feeds", "import", str(tmp_path / "odd.opml"), "--config", str(path))
    assert "gopher://x.example/f: not an http(s) or file:// URL" in odd.stderr


def test_import_creates_the_opml_file_when_missing(tmp_path: Path) -> None:
    path = config_file(tmp_path, opml="lists/feeds.opml")
    result = invoke("feeds", "import", str(FEEDS / "feeds.opml"), "--config", str(path))
    assert result.exit_code == 0
    assert [f.url for f in read_opml(tmp_path / "lists" / "feeds.opml")] == [
        WIRE,
        ANTARA,
        "file:///etc/hostname",
    ]


def test_import_without_an_opml_file_configured_says_so_in_one_line(tmp_path: Path) -> None:
    path = config_file(tmp_path)
    result = invoke("feeds", "import", str(FEEDS / "feeds.opml"), "--config", str(path))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("digest: error: `digest feeds import` keeps feeds in the OPML file")
    assert "[sources] opml" in line


def test_feeds_add_and_remove_edit_the_opml_file(tmp_path: Path) -> None:
    path = config_file(tmp_path, feeds=[ANTARA], opml="lists/feeds.opml")
    target = tmp_path / "lists" / "feeds.opml"
    added = invoke("feeds", "add", WIRE, "--title", "The  Wire", "--config", str(path))
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith(f"added {WIRE} to {target}")
    local = (FEEDS / "wire_en.xml").as_uri()
    assert invoke("feeds", "add", local, "--config", str(path)).exit_code == 0
    assert read_opml(target) == [OpmlFeed(WIRE, "The Wire"), OpmlFeed(local, local)]
    urls = [s.url for s in configured_feeds(load_config(path))]
    assert urls == [ANTARA, WIRE, local]

    for url, message in (
        (WIRE, "is already configured"),
        (ANTARA, "is already configured"),
        ("feeds.example/rss", "is not an http(s) or file:// URL"),
    ):
        refused = invoke("feeds", "add", url, "--config", str(path))
        assert refused.exit_code == 2 and message in refused.stderr, refused.output
    assert len(read_opml(target)) == 2

    removed = invoke("feeds", "remove", WIRE, "--config", str(path))
    assert removed.exit_code == 0 and removed.stdout.startswith(f"removed {WIRE} from {target}")
    assert read_opml(target) == [OpmlFeed(local, local)]
    for url, message in ((WIRE, "is not configured"), (ANTARA, "listed in [sources] feeds")):
        refused = invoke("feeds", "remove", url, "--config", str(path))
        assert refused.exit_code == 2 and message in refused.stderr, refused.output
    (tmp_path / "x").mkdir()
    unset = invoke("feeds", "add", WIRE, "--config", str(config_file(tmp_path / "x")))
    assert unset.exit_code == 2 and "[sources] opml" in unset.stderr


def test_a_missing_opml_file_is_an_empty_list(tmp_path: Path) -> None:
    """Named but not created yet: list, check and send go on with the other feeds."""
    local = (FEEDS / "wire_en.xml").as_uri()
    path = config_file(tmp_path, feeds=[local], opml="feeds.opml")
    for args in (("feeds", "list"), ("feeds", "check"), ("send",)):
        result = invoke(*args, "--config", str(path))
        assert result.exit_code == 0, (args, result.output)
    assert not (tmp_path / "feeds.opml").exists()
    assert local in invoke("feeds", "list", "--config", str(path)).stdout


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
