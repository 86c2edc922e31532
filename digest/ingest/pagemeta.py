"""What an HTML page says about itself: headline, site name, publication date, address.

A news page states these several times for different readers: the visible
``<h1>``, JSON-LD (``NewsArticle``: headline, datePublished, publisher), Open
Graph and Twitter cards (og:title, og:site_name, article:published_time,
og:url), the ``<title>`` ("Headline | Site"), ``application-name``,
``<link rel=canonical>``, ``<time>`` elements. No one source is always right:
og:title is often a variant written for social media, ``<title>`` carries the
site's name, a page may have a second ``<h1>`` for its logo, a kicker may sit
above the headline in the same ``<h1>``. So the sources are read together:

* **headline**: the ``<h1>`` that agrees with the page's metadata titles (it is
  what readers see), without a kicker the metadata titles show as a separate
  part; else the title most sources agree on, without the site's name.
* **site name**: og:site_name, JSON-LD publisher, application-name, the site's
  part of ``<title>``, each without a tagline or a company's legal form.
* **date**: JSON-LD datePublished, article:published_time and its kin,
  ``<time datetime>``, then htmldate (which also reads dates in the URL and
  the text). A date keeps the page's own offset, so its day is the day the
  site gave it.
* **address**: ``<link rel=canonical>``, else og:url: where the original is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from digest.ingest.pagedate import StatedDate, stated_date
from digest.ingest.sitename import host_key, name_key, same_site, site_name, split_title

# JSON-LD types of the object that is the article itself.
ARTICLE_TYPES = frozenset(
    "Article NewsArticle ReportageNewsArticle AnalysisNewsArticle OpinionNewsArticle "
    "BackgroundNewsArticle ReviewNewsArticle BlogPosting LiveBlogPosting SocialMediaPosting "
    "Report ScholarlyArticle TechArticle WebPage ItemPage".split()
)
_PUBLISHER_TYPES = frozenset("Organization NewsMediaOrganization Corporation WebSite".split())
TITLE_META = ("og:title", "twitter:title", "title", "headline", "dc.title")
# A site's name has at least this many letters, unless it spells the host ("BBC").
MIN_NAME_CHARS = 3
# (A twitter:site handle is an account, "@latimes", not the site's name.)
SITE_META = ("og:site_name", "application-name", "apple-mobile-web-app-title")
# Elements whose text is not part of a headline: ruby readings, screen-reader hints.
_NOT_TEXT = ("rt", "rp", "script", "style", "noscript", "svg", "button")
# Two titles are the same headline when this share of the shorter one's words
# (or characters, for scripts written without spaces) is in the longer one.
AGREE_SHARE = 0.5
# The most words a title's part has when it names the site, not a second headline.
MAX_SITE_WORDS = 5
# A headline has at least this many words (or characters, without spaces).
MIN_HEADLINE_WORDS = 2
MIN_HEADLINE_CHARS = 6
# A kicker above the headline has at most this many words.
KICKER_WORDS = 8
# How much text after the headline is kept to look for its dateline.
AFTER_HEADLINE_CHARS = 300
_DATE_PART_RE = re.compile(r"^[\d\s./:-]{6,}$")
_WORD_RE = re.compile(r"\w+")
_SPACELESS_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


@dataclass(frozen=True)
class PageMeta:
    """What the page's markup says: each field None when it says nothing usable."""

    title: str | None = None
    sitename: str | None = None
    date: StatedDate | None = None
    url: str | None = None
    after_headline: str | None = None


def read_page_meta(tree: HtmlElement) -> PageMeta:
    """Headline, site name, stated publication date and address of a parsed page."""
    metas = _metas(tree)
    ld = list(_json_ld(tree))
    article = _main_article(ld)
    url = _canonical(tree, metas, article)
    sitename = _sitename(metas, ld, article, url)
    keys = {name_key(n) for n in _site_names(metas, ld, article) if n}
    keys |= {name_key(sitename or ""), host_key(url)}
    keys.discard("")
    title, h1 = _headline(tree, metas, article, keys)
    if sitename is None and title:
        sitename = _title_site(tree, title)
    return PageMeta(
        title=title,
        after_headline=_after(h1),
        sitename=sitename,
        date=stated_date(tree, metas, article),
        url=url,
    )


# --- Reading the markup ---------------------------------------------------------------


def _metas(tree: HtmlElement) -> dict[str, str]:
    """The page's meta elements by name, property or itemprop (lower case); the first wins."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None or not content.strip():
            continue
        for attribute in ("property", "name", "itemprop"):
            key = meta.get(attribute)
            if key:
                found.setdefault(key.strip().lower(), " ".join(content.split()))
    return found


def _json_ld(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object on the page, outer objects first (``@graph`` opened)."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        queue: list[Any] = [data]
        while queue:
            node = queue.pop(0)
            if isinstance(node, list):
                queue.extend(node)
            elif isinstance(node, dict):
                if "@graph" in node:
                    queue.extend(node["@graph"] if isinstance(node["@graph"], list) else [])
                yield node


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def _main_article(ld: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The page's own article object: the first of an article type with a headline."""
    pages = [n for n in ld if _types(n) & ARTICLE_TYPES]
    for node in pages:
        if _text(node.get("headline")) and not _types(node) <= {"WebPage", "ItemPage"}:
            return node
    for node in pages:
        if _text(node.get("headline")) or _text(node.get("datePublished")):
            return node
    return None


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _element_text(element: HtmlElement) -> str:
    """An element's visible text, without ruby readings, scripts and the like."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str) and child.tag not in _NOT_TEXT:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return " ".join("".join(parts).split())


# --- Headline ----------------------------------------------------------------------------


def _headline(
    tree: HtmlElement, metas: dict[str, str], article: dict[str, Any] | None, keys: set[str]
) -> tuple[str | None, HtmlElement | None]:
    """The headline, and the ``<h1>`` that shows it (None when it is not an h1's)."""
    titles = [_text(article.get("headline")) if article else None]
    titles += [metas.get(name) for name in TITLE_META]
    head_title = tree.find(".//title")
    titles.append(_element_text(head_title) if head_title is not None else None)
    stated = [strip_site(t, keys) for t in titles if t]
    stated = [t for t in stated if t and _long_enough(t)]
    best, agreement = None, (0.0, 0.0)
    for h1 in tree.iter("h1"):
        text = _element_text(h1)
        if not _long_enough(text) or same_site(text, keys):
            continue
        # Agreement with the best-matching title; of two h1s agreeing as well,
        # the one that covers more of that title (not the logo in its suffix).
        score = max(((_agreement(text, t), _cover(text, t)) for t in stated), default=(0.0, 0.0))
        if best is None or score > agreement:
            best, agreement = h1, score
    if best is not None and (agreement[0] >= AGREE_SHARE or not stated):
        return _without_kicker(best, stated), best
    if stated:
        return _consensus(stated), None
    return (_element_text(best), best) if best is not None else (None, None)


def _title_site(tree: HtmlElement, headline: str) -> str | None:
    """The site's name as the ``<title>`` gives it beside the headline, when the
    page states none: "Headline | Site", "Site - Headline", "Headline - Section | Site"
    (the part farthest from the headline)."""
    head_title = tree.find(".//title")
    parts = split_title(_element_text(head_title)) if head_title is not None else []
    parts = [part for part in parts if not _DATE_PART_RE.match(part)]
    if len(parts) < 2:
        return None
    at = [i for i, part in enumerate(parts) if _agreement(part, headline) >= AGREE_SHARE]
    if not at or len(at) == len(parts):
        return None
    if at[0] > 0 and at[-1] < len(parts) - 1:
        return None  # the headline between two other parts: which one names the site?
    part = parts[-1] if at[0] == 0 else parts[0]
    name = site_name(part, url=None)
    if not name or len(name.split()) > MAX_SITE_WORDS or _DATE_PART_RE.match(name):
        return None
    return name if len(name_key(name)) >= MIN_NAME_CHARS else None


def _after(h1: HtmlElement | None) -> str | None:
    """The text right after the headline, where a page shows its dateline."""
    if h1 is None:
        return None
    lines: list[str] = []
    size = 0
    for node in h1.xpath("following::text()"):
        parent = node.getparent()
        if parent is not None and parent.tag in _NOT_TEXT:
            continue
        text = " ".join(str(node).split())
        if text:
            lines.append(text)
            size += len(text)
            if size >= AFTER_HEADLINE_CHARS:
                break
    return "\n".join(lines) or None


def strip_site(title: str, keys: set[str]) -> str:
    """``title`` without leading or trailing parts that name the site or are dates.

    "Headline | Site", "Site: Headline", "Headline - Section | Site | 23.05.2011".
    The parts in between keep their separators as written.
    """
    title = " ".join(title.split())
    while True:
        parts = split_title(title)
        if len(parts) < 2:
            return title
        first, last = parts[0], parts[-1]
        if same_site(last, keys) or _DATE_PART_RE.match(last):
            title = title[: title.rfind(last)].rstrip(" -–—|/»›>·•:｜")
        elif same_site(first, keys):
            title = title[title.find(first) + len(first) :].lstrip(" -–—|/»›>·•:｜")
        else:
            return title


def _without_kicker(h1: HtmlElement, stated: list[str]) -> str:
    """The ``<h1>``'s text without a kicker in its own element above the headline.

    A kicker is dropped only when the metadata titles show the rest as a part
    of their own ("Kicker: Headline", "Headline - Kicker"), so a headline that
    merely starts with a link or an emphasis keeps its first words.
    """
    text = _element_text(h1)
    children = [c for c in h1 if isinstance(c.tag, str) and c.tag not in _NOT_TEXT]
    if (h1.text or "").strip() or not children:
        return text
    kicker = _element_text(children[0])
    rest = text[len(kicker) :].strip(" :-–—|")
    if not kicker or len(kicker.split()) > KICKER_WORDS or not _long_enough(rest):
        return text
    rest_key = _key(rest)
    for title in stated:
        parts = split_title(title)
        if _key(title) == rest_key or (len(parts) > 1 and any(_key(p) == rest_key for p in parts)):
            return rest
    return text


def _consensus(stated: list[str]) -> str:
    """The title (or part of one) that most sources state; earlier sources win ties."""
    votes: dict[str, int] = {}
    spelled: dict[str, str] = {}
    for title in stated:
        seen = set()
        for candidate in [title, *split_title(title)]:
            key = _key(candidate)
            if key in seen or not _long_enough(candidate):
                continue
            seen.add(key)
            votes[key] = votes.get(key, 0) + 1
            spelled.setdefault(key, candidate)
    whole = _key(stated[0])
    best = max(votes, key=lambda k: (votes[k], k == whole))
    chosen = spelled[best] if votes[best] > 1 else stated[0]
    # A meta title cut short ("… de", "… en...") is completed by a source that
    # states it whole.
    key = _key(chosen)
    longer = [t for t in stated if _key(t).startswith(key + " ")]
    return min(longer, key=len) if longer else chosen


def _tokens(text: str) -> set[str]:
    if _SPACELESS_RE.search(text):
        chars = [c for c in text.lower() if c.isalnum()]
        return {a + b for a, b in pairwise(chars)}
    return set(_WORD_RE.findall(text.lower()))


def _agreement(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


def _cover(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    return len(ta & tb) / max(len(ta), len(tb), 1)


def _long_enough(text: str) -> bool:
    if _SPACELESS_RE.search(text):
        return len(text) >= MIN_HEADLINE_CHARS
    return len(_WORD_RE.findall(text)) >= MIN_HEADLINE_WORDS


def _key(text: str) -> str:
    return " ".join(_WORD_RE.findall(text.lower()))


# --- Site name ------------------------------------------------------------------------


def _site_names(
    metas: dict[str, str], ld: list[dict[str, Any]], article: dict[str, Any] | None
) -> Iterator[str]:
    """Every name the page gives its site, best first."""
    site = metas.get("og:site_name")
    if site:
        yield site
    if article is not None:
        publisher = article.get("publisher")
        if isinstance(publisher, list):
            publisher = publisher[0] if publisher else None
        name = _text(publisher) if publisher else None
        if name:
            yield name
    for node in ld:
        if _types(node) & _PUBLISHER_TYPES:
            name = _text(node.get("name"))
            if name:
                yield name
    for key in SITE_META[1:]:
        if metas.get(key):
            yield metas[key]


def _sitename(
    metas: dict[str, str], ld: list[dict[str, Any]], article: dict[str, Any] | None, url: str | None
) -> str | None:
    """The best site name: a stated one that is a name (not an address), tidied.

    Each is cut to its name ("Site - Tagline" → "Site"); og:site_name comes
    first. A name of one or two letters that is not the page's host is an
    edition or a section ("U.S." where the JSON-LD publisher says "Reuters").
    """
    names = []
    for stated in _site_names(metas, ld, article):
        name = site_name(stated, url=url)
        if name and not name.startswith("@") and "/" not in name and len(name_key(name)) >= 2:
            names.append(name)
    host = host_key(url)
    named = [n for n in names if len(name_key(n)) >= MIN_NAME_CHARS or same_site(n, {host})]
    return named[0] if named else None


# --- Address ------------------------------------------------------------------------


def _canonical(
    tree: HtmlElement, metas: dict[str, str], article: dict[str, Any] | None
) -> str | None:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            href = (link.get("href") or "").strip()
            if href.startswith(("http://", "https://")):
                return href
    for value in (metas.get("og:url"), _text(article.get("url")) if article else None):
        if value and value.startswith(("http://", "https://")):
            return value
    return None


def tree_of(html: str | bytes) -> HtmlElement | None:
    """The page parsed once by lxml (as trafilatura would), or None when it is not HTML."""
    from trafilatura.utils import load_html

    try:
        tree = load_html(html)
    except (ValueError, TypeError, etree.LxmlError):
        return None
    return tree if isinstance(tree, HtmlElement) else None
