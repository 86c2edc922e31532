"""Feed documents to entries: RSS, Atom and JSON Feed, sanitised on the way in.

:func:`parse_feed` takes the bytes a fetch returned (never a URL: nothing here
touches the network or the disk) and returns a :class:`ParsedFeed` whose
entries are ready to become source items: titles as one line of plain text,
bodies as HTML that nh3 has sanitised, links absolute and http(s) only, dates
aware and in UTC.

RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 go through feedparser, which survives
almost any malformed XML (it reports the trouble as ``bozo`` and returns what
it could read). feedparser 6 knows nothing of JSON Feed, so JSON Feed 1.0 and
1.1 are read here with :mod:`json`.

Why sanitise here and not only at render time: a feed's HTML is the one input
written by a stranger, and it travels through the store, the clean stage and
the templates. Stripping active content before anything else sees it means no
later stage has to remember to.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import charset_normalizer
import feedparser
import nh3

# Tags whose content goes too, not only the tag: code, styling, embedded documents.
_DROP_WITH_CONTENT = {
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "noscript",
    "template",
    "svg",
    "math",
}
# Attributes holding a URL: resolved against the entry's base, then scheme-checked.
_URL_ATTRIBUTES = {"href", "src", "cite"}
_SAFE_SCHEMES = ("http", "https", "mailto")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HTML_START_RE = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_JSON_FEED_VERSION_RE = re.compile(r"^https?://jsonfeed\.org/version/1(?:\.1)?/?$")
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
# Longest problem text kept for a feed (a bozo exception can quote a whole line).
_PROBLEM_CHARS = 200


@dataclass(frozen=True)
class Entry:
    """One feed entry, sanitised: what a source item needs, and nothing active.

    ``id`` is the entry's own guid/id as the feed wrote it (None when it has
    none); ``link`` is absolute and http(s), or None.
    """

    id: str | None
    link: str | None
    title: str
    body: str
    published: datetime | None

    @property
    def content_hash(self) -> str:
        """sha256 of title and body: the identity of an entry with neither id nor link."""
        return hashlib.sha256(f"{self.title}\n{self.body}".encode()).hexdigest()


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed document.

    ``error`` says why the document yielded nothing usable (``not_a_feed`` when
    it is, e.g., an HTML page); ``problem`` says what was wrong with a
    document that still yielded its entries (not well-formed XML, a wrong
    charset declaration).
    """

    version: str
    title: str = ""
    link: str | None = None
    entries: tuple[Entry, ...] = ()
    problem: str | None = None
    error: str | None = None
    not_a_feed: bool = False
    dropped: int = 0

    @property
    def outcome(self) -> str:
        """What the document gave, in a few words: for the feed's status and the corpus test."""
        if self.error:
            return self.error
        if self.entries:
            return f"{len(self.entries)} entries"
        if self.dropped:
            return f"no usable entries ({self.dropped} without title or content)"
        return "no entries"


def parse_feed(data: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse one feed document; ``url`` is where it came from (the base of relative links)."""
    if not data.strip():
        return ParsedFeed(version="", error="empty document")
    # The first byte decides, not the Content-Type, which servers often get wrong.
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        return _parse_json_feed(data, url=url)
    return _parse_xml_feed(data, url=url, content_type=content_type)


# -- RSS and Atom -----------------------------------------------------------------


def _parse_xml_feed(data: bytes, *, url: str, content_type: str | None) -> ParsedFeed:
    parsed = _parse_xml_as_declared(data, url=url, content_type=content_type)
    if not parsed.not_a_feed or _HTML_START_RE.match(data[:4096]):
        return parsed
    # A wrong declared charset (a UTF-8 feed that says UTF-16) makes the whole
    # document unreadable; decoded by detection instead, it may be a feed.
    redecoded = _redecode(data)
    if redecoded is None:
        return parsed
    text, codec = redecoded
    again = _parse_xml_as_declared(
        text.encode("utf-8"), url=url, content_type="application/xml; charset=utf-8"
    )
    if again.not_a_feed:
        return parsed
    note = f"the declared character encoding was wrong; read as {codec}"
    return replace(again, problem=f"{note}; {again.problem}" if again.problem else note)


_XML_ENCODING_RE = re.compile(r"""(<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")


def _redecode(data: bytes) -> tuple[str, str] | None:
    """The document decoded by what its bytes are, its encoding declaration dropped."""
    try:
        text, codec = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(data[:1_000_000]).best()
        if best is None:
            return None
        text, codec = str(best), best.encoding
    return _XML_ENCODING_RE.sub(r"\1", text, count=1), codec


def _parse_xml_as_declared(data: bytes, *, url: str, content_type: str | None) -> ParsedFeed:
    # Relative links resolve against the URL the feed was fetched from; a feed
    # read from a file has no such URL, so its own home-page link serves.
    http_base = _http_url(url, None)
    # Without a Content-Type feedparser flags every document; the XML declaration decides.
    headers = {"content-type": content_type or "application/xml"}
    if http_base:
        headers["content-location"] = http_base
    # A stream, never a string: feedparser would fetch a string that looks like a URL.
    result = feedparser.parse(io.BytesIO(data), response_headers=headers)
    problem = _bozo_text(result) if result.get("bozo") else None
    version = result.get("version") or ""
    raw_entries = result.get("entries") or []
    if not raw_entries and not version:
        if _HTML_START_RE.match(data[:4096]):
            return ParsedFeed(version="", error="not a feed: an HTML page", not_a_feed=True)
        if problem:
            return ParsedFeed(version="", error=f"not a feed: {problem}", not_a_feed=True)
        return ParsedFeed(
            version="", error="not a feed: no RSS, Atom or JSON Feed root", not_a_feed=True
        )
    feed = result.get("feed") or {}
    link = _http_url(feed.get("link"), http_base)
    base = http_base or link
    entries = [_xml_entry(raw, base=base) for raw in raw_entries]
    kept = tuple(e for e in entries if e is not None)
    return ParsedFeed(
        version=version,
        title=_detail_text(feed.get("title_detail"), feed.get("title")),
        link=link,
        entries=kept,
        problem=problem,
        dropped=len(entries) - len(kept),
    )


def _xml_entry(raw: Any, *, base: str | None) -> Entry | None:
    link = _http_url(raw.get("link"), base)
    title = _detail_text(raw.get("title_detail"), raw.get("title"))
    content = _best_content(raw)
    body = ""
    if content is not None:
        own_base = urljoin(base or "", content["base"]) if content.get("base") else None
        body = _body(
            content.get("value") or "", content.get("type") or "", own_base or link or base
        )
    if not title and not body:
        return None
    return Entry(
        id=_text_or_none(raw.get("id")),
        link=link,
        title=title,
        body=body or _title_paragraph(title),
        published=_entry_date(raw),
    )


def _best_content(raw: Any) -> dict[str, Any] | None:
    """The full content (content:encoded, Atom content) over the summary; the longest wins."""
    contents = [c for c in raw.get("content") or () if (c.get("value") or "").strip()]
    if contents:
        best: dict[str, Any] = max(contents, key=lambda c: len(c.get("value") or ""))
        return best
    summary = raw.get("summary_detail")
    if summary and (summary.get("value") or "").strip():
        found: dict[str, Any] = summary
        return found
    return None


def _bozo_text(result: Any) -> str:
    exc = result.get("bozo_exception")
    if exc is None:
        return "not well-formed"
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"not well-formed: {type(exc).__name__}: {text}"[:_PROBLEM_CHARS]


def _entry_date(raw: Any) -> datetime | None:
    """Published, else updated, else created (plain dict lookups: feedparser's
    ``updated_parsed`` falls back to ``published_parsed`` with a DeprecationWarning)."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        found = _struct_time(dict.get(raw, key))
        if found is not None:
            return found
    return None


def _struct_time(value: Any) -> datetime | None:
    """feedparser's UTC struct_time as an aware datetime (None when absent or impossible)."""
    if not value:
        return None
    try:
        year, month, day, hour, minute, second = value[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


# -- JSON Feed --------------------------------------------------------------------


def _parse_json_feed(data: bytes, *, url: str) -> ParsedFeed:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        return ParsedFeed(version="", error=f"not a feed: invalid JSON ({exc})"[:_PROBLEM_CHARS])
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or not _JSON_FEED_VERSION_RE.match(version):
        return ParsedFeed(
            version="", error="not a feed: JSON without a JSON Feed version", not_a_feed=True
        )
    http_base = _http_url(url, None)
    link = _http_url(doc.get("home_page_url"), http_base)
    base = http_base or _http_url(doc.get("feed_url"), None) or link
    items = doc.get("items")
    entries = []
    skipped = 0
    for raw in items if isinstance(items, list) else ():
        entry = _json_entry(raw, base=base) if isinstance(raw, dict) else None
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    problem = None if isinstance(items, list) else "JSON Feed without an items list"
    return ParsedFeed(
        version="json11" if version.rstrip("/").endswith("1.1") else "json10",
        title=plain_text(_string(doc.get("title"))),
        link=link,
        entries=tuple(entries),
        problem=problem,
        dropped=skipped,
    )


def _json_entry(raw: dict[str, Any], *, base: str | None) -> Entry | None:
    link = _http_url(raw.get("url"), base) or _http_url(raw.get("external_url"), base)
    item_id = raw.get("id")
    title = plain_text(_string(raw.get("title")))
    entry_base = link or base
    if _string(raw.get("content_html")).strip():
        body = _body(_string(raw["content_html"]), "text/html", entry_base)
    elif _string(raw.get("content_text")).strip():
        body = _body(_string(raw["content_text"]), "text/plain", entry_base)
    else:
        body = _body(_string(raw.get("summary")), "text/plain", entry_base)
    if not title and not body:
        return None
    return Entry(
        id=_text_or_none(str(item_id)) if isinstance(item_id, str | int) else None,
        link=link,
        title=title,
        body=body or _title_paragraph(title),
        published=_rfc3339(raw.get("date_published")) or _rfc3339(raw.get("date_modified")),
    )


def _rfc3339(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


# -- text and HTML ----------------------------------------------------------------


def sanitize_html(value: str, *, base: str | None = None) -> str:
    """HTML without anything active: no scripts, styles, frames, handlers or unsafe URLs.

    Relative ``href``/``src`` values are resolved against ``base`` first; a URL
    that is not http, https or mailto afterwards is dropped (``javascript:``,
    ``data:``, and relative links left without a base, which an email cannot
    follow). ``style`` attributes never pass, which is what keeps CSS
    ``expression()`` and ``url()`` out.
    """

    def keep(tag: str, attribute: str, url: str) -> str | None:
        if attribute not in _URL_ATTRIBUTES:
            return url
        url = url.strip()
        try:
            absolute = urljoin(base, url) if base else url
            scheme = urlsplit(absolute).scheme.lower()
        except ValueError:
            return None
        return absolute if scheme in _SAFE_SCHEMES else None

    return nh3.clean(
        _CONTROL_RE.sub("", value),
        clean_content_tags=_DROP_WITH_CONTENT,
        attribute_filter=keep,
        url_schemes=set(_SAFE_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    ).strip()


def plain_text(value: str, *, is_html: bool = False) -> str:
    """One line of plain text: tags dropped (when HTML), entities decoded, whitespace collapsed.

    Collapsing every kind of whitespace, CR and LF included, is what keeps a
    title like ``"News\\r\\nBcc: x"`` from ever becoming a second header line.
    """
    if is_html:
        value = html.unescape(nh3.clean(value, tags=set(), clean_content_tags=_DROP_WITH_CONTENT))
    return " ".join(_CONTROL_RE.sub(" ", value).split())


def _detail_text(detail: Any, fallback: Any) -> str:
    """A feedparser title as plain text.

    Always read as HTML, whatever type the feed declares: feeds mix escaped
    and raw markup in titles freely, and a tag is never part of a headline.
    """
    value = detail.get("value", fallback) if detail else fallback
    return plain_text(value, is_html=True) if isinstance(value, str) else ""


def _body(value: str, kind: str, base: str | None) -> str:
    """Sanitised HTML of an entry's content; plain text becomes escaped paragraphs."""
    if not value.strip():
        return ""
    if kind.lower() in _HTML_TYPES:
        return sanitize_html(value, base=base)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", value)]
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)


def _title_paragraph(title: str) -> str:
    """The body of an entry that has only a title (a headlines-only feed)."""
    return f"<p>{html.escape(title, quote=False)}</p>" if title else ""


def _http_url(value: Any, base: str | None) -> str | None:
    """``value`` as an absolute http(s) URL, or None (other schemes are dropped)."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = "".join(value.split())
    try:
        absolute: str = urljoin(base, value) if base else value
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return absolute


def _text_or_none(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(_CONTROL_RE.sub(" ", value).split())
    return value or None
