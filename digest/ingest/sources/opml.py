"""OPML: the feed lists that feed readers import and export.

The config file is read-only for the program, so feeds imported with
``digest feeds import`` are merged into the OPML file named by ``[sources]
opml`` (created when missing), which is read together with ``[sources]
feeds`` on every poll. Only ``outline`` elements with an ``xmlUrl`` are feeds;
category outlines around them are kept but not needed.

Parsing is done with entity expansion and network access turned off: an
imported OPML file comes from anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from digest.config import Config
from digest.errors import ConfigError, SourceError
from digest.files import atomic_write


@dataclass(frozen=True)
class OpmlFeed:
    """One feed of an OPML list: its URL and the title the list gave it."""

    url: str
    title: str = ""


@dataclass(frozen=True)
class ImportResult:
    """What `digest feeds import` did: feeds added, already known, and refused (with why)."""

    path: Path
    added: tuple[OpmlFeed, ...]
    known: int
    refused: tuple[str, ...]


def read_opml(path: Path) -> list[OpmlFeed]:
    """The feeds of an OPML file, each URL once; SourceError when it cannot be used."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(
            f"the OPML file {path} does not exist",
            "create it with `digest feeds import FILE.opml`, or empty [sources] opml",
        ) from None
    except OSError as exc:
        raise SourceError(f"cannot read the OPML file {path}: {exc.strerror}") from None
    return feeds_of(_root(data, str(path)))


def feeds_of(root: etree._Element) -> list[OpmlFeed]:
    found: dict[str, OpmlFeed] = {}
    for outline in root.iter("outline"):
        url = _attribute(outline, "xmlUrl").strip()
        if url and url not in found:
            title = _attribute(outline, "title") or _attribute(outline, "text")
            found[url] = OpmlFeed(url, " ".join(title.split()))
    return list(found.values())


def to_opml(feeds: Iterable[OpmlFeed], *, title: str) -> bytes:
    """An OPML 2.0 document listing ``feeds``."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    body = etree.SubElement(root, "body")
    for feed in feeds:
        _add_outline(body, feed)
    return _serialise(root)


def import_opml(config: Config, source: Path) -> ImportResult:
    """Merge the http(s) feeds of ``source`` into the OPML file of ``[sources] opml``.

    Feeds already in ``[sources] feeds`` or in that file are left alone; the
    file's own outlines, categories and head are kept as they are.
    """
    target = config.sources.opml
    if target is None:
        raise ConfigError(
            "`digest feeds import` keeps imported feeds in the OPML file named by "
            '[sources] opml, which is not set (e.g. opml = "feeds.opml")',
            key="[sources] opml",
            path=str(config.path) if config.path else None,
        )
    incoming = read_opml(source)
    if target.exists():
        root = _root(target.read_bytes(), str(target))
    else:
        root = etree.fromstring(to_opml([], title="digest feeds"))
    known = set(config.sources.feeds) | {feed.url for feed in feeds_of(root)}
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    added: list[OpmlFeed] = []
    refused: list[str] = []
    already = 0
    for feed in incoming:
        if urlsplit(feed.url).scheme.lower() not in ("http", "https"):
            refused.append(f"{feed.url}: not an http(s) URL")
        elif feed.url in known:
            already += 1
        else:
            known.add(feed.url)
            added.append(feed)
            _add_outline(body, feed)
    if added or not target.exists():
        atomic_write(target, _serialise(root))
    return ImportResult(target, tuple(added), already, tuple(refused))


def _root(data: bytes, name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SourceError(
            f"{name} is not well-formed XML: {exc}", "check that it is an OPML file"
        ) from None
    if root.tag != "opml":
        raise SourceError(f"{name} is not OPML (its root is <{root.tag}>, not <opml>)")
    return root


def _attribute(element: etree._Element, name: str) -> str:
    """An attribute by name, whatever its case (``xmlUrl``, ``xmlurl`` are both seen)."""
    value = element.get(name)
    if value is None:
        lower = name.lower()
        value = next((v for k, v in element.attrib.items() if str(k).lower() == lower), "")
    return str(value)


def _add_outline(body: etree._Element, feed: OpmlFeed) -> None:
    title = feed.title or feed.url
    etree.SubElement(body, "outline", type="rss", text=title, title=title, xmlUrl=feed.url)


def _serialise(root: etree._Element) -> bytes:
    etree.indent(root, space="  ")
    # The whole tree, so that a DOCTYPE the file declared stays with it.
    serialised: bytes = etree.tostring(
        root.getroottree(), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    return serialised
