"""OPML: the feed lists that feed readers import and export.

The config file is read-only for the program, so feeds imported with
``digest feeds import`` are merged into the OPML file named by ``[sources]
opml`` (created when missing), which is read together with ``[sources]
feeds`` on every poll; ``digest feeds add`` and ``remove`` edit the same
file. Only ``outline`` elements with an ``xmlUrl`` are feeds; the category
outlines around them are kept, and an import files each feed under the same
categories in the target.

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
    # The titles of the category outlines around it, outermost first.
    categories: tuple[str, ...] = ()


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
            categories = tuple(
                _title(parent)
                for parent in reversed(list(outline.iterancestors("outline")))
                if _title(parent)
            )
            found[url] = OpmlFeed(url, _title(outline), categories)
    return list(found.values())


def _title(outline: etree._Element) -> str:
    return " ".join((_attribute(outline, "title") or _attribute(outline, "text")).split())


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
    target = _target(config, "import")
    incoming = read_opml(source)
    root, body = _open_target(target)
    known = set(config.sources.feeds) | {feed.url for feed in feeds_of(root)}
    added: list[OpmlFeed] = []
    refused: list[str] = []
    already = 0
    for feed in incoming:
        if not _usable(feed.url):
            refused.append(f"{feed.url}: not an http(s) or file:// URL")
        elif feed.url in known:
            already += 1
        else:
            known.add(feed.url)
            added.append(feed)
            _add_outline(_category(body, feed.categories), feed)
    if added or not target.exists():
        atomic_write(target, _serialise(root))
    return ImportResult(target, tuple(added), already, tuple(refused))


def add_feed(config: Config, url: str, title: str = "") -> Path:
    """Add one feed to the OPML file of ``[sources] opml`` (created when missing)."""
    target = _target(config, "add")
    url = url.strip()
    if not _usable(url):
        raise SourceError(f"{url!r} is not an http(s) or file:// URL", "give the feed's address")
    root, body = _open_target(target)
    if url in config.sources.feeds or url in {feed.url for feed in feeds_of(root)}:
        raise SourceError(f"{url} is already configured", "`digest feeds list` shows the feeds")
    _add_outline(body, OpmlFeed(url, " ".join(title.split())))
    atomic_write(target, _serialise(root))
    return target


def remove_feed(config: Config, url: str) -> Path:
    """Remove one feed from the OPML file of ``[sources] opml``; its categories stay."""
    target = _target(config, "remove")
    url = url.strip()
    root, _ = _open_target(target)
    outlines = [o for o in root.iter("outline") if _attribute(o, "xmlUrl").strip() == url]
    if not outlines:
        if url in config.sources.feeds:
            where = str(config.path) if config.path else "the config file"
            raise SourceError(
                f"{url} is listed in [sources] feeds, not in the OPML file {target}",
                f"remove it from {where}",
            )
        raise SourceError(f"{url} is not configured", "`digest feeds list` shows the feeds")
    for outline in outlines:
        parent = outline.getparent()
        if parent is not None:
            parent.remove(outline)
    atomic_write(target, _serialise(root))
    return target


def _target(config: Config, verb: str) -> Path:
    target = config.sources.opml
    if target is None:
        raise ConfigError(
            f"`digest feeds {verb}` keeps feeds in the OPML file named by "
            '[sources] opml, which is not set (e.g. opml = "feeds.opml")',
            key="[sources] opml",
            path=str(config.path) if config.path else None,
        )
    return target


def _open_target(target: Path) -> tuple[etree._Element, etree._Element]:
    """The target OPML's root and body (a new document when the file does not exist yet)."""
    if target.exists():
        root = _root(target.read_bytes(), str(target))
    else:
        root = etree.fromstring(to_opml([], title="digest feeds"))
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    return root, body


def _usable(url: str) -> bool:
    """What ``[sources] feeds`` fetches from a list: http(s) and file:// URLs."""
    return urlsplit(url).scheme.lower() in ("http", "https", "file")


def _category(body: etree._Element, categories: tuple[str, ...]) -> etree._Element:
    """The outline for ``categories`` under ``body``, created when missing."""
    parent = body
    for name in categories:
        found = next(
            (
                child
                for child in parent.iterchildren("outline")
                if not _attribute(child, "xmlUrl") and _title(child) == name
            ),
            None,
        )
        parent = found if found is not None else etree.SubElement(parent, "outline", text=name)
    return parent


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
