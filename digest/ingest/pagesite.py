"""What an HTML page calls its site: the names it states, then what it shows.

og:site_name, the JSON-LD publisher, a microdata publisher
(``itemprop="publisher"``), application-name, each cut to its name ("Site -
Tagline" → "Site"). When the page states none: the site's part of its
``<title>`` beside the headline ("Warta Timur | Headline"), then the text of
its logo (an image marked as the logo, or the image linking to the site's
home page, in the header above the headline: ``<a href="/"><img alt="CNA">``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

from digest.ingest.outletwords import is_control
from digest.ingest.pagemarkup import (
    AGREE_SHARE,
    DATE_PART_RE,
    agreement,
    element_text,
    ld_text,
    ld_types,
)
from digest.ingest.sitename import host_key, name_key, same_site, site_name, split_title

_PUBLISHER_TYPES = frozenset("Organization NewsMediaOrganization Corporation WebSite".split())
# A site's name has at least this many letters, unless it spells the host ("BBC").
MIN_NAME_CHARS = 3
# (A twitter:site handle is an account, "@latimes", not the site's name.)
SITE_META = ("og:site_name", "application-name", "apple-mobile-web-app-title")
# The most words a title's part (or a logo's text) has when it names the site.
MAX_SITE_WORDS = 5


def stated_site_names(
    tree: HtmlElement,
    metas: dict[str, str],
    ld: list[dict[str, Any]],
    article: dict[str, Any] | None,
) -> Iterator[str]:
    """Every name the page gives its site, best first."""
    site = metas.get("og:site_name")
    if site:
        yield site
    if article is not None:
        publisher = article.get("publisher")
        if isinstance(publisher, list):
            publisher = publisher[0] if publisher else None
        name = ld_text(publisher) if publisher else None
        if name:
            yield name
    for node in ld:
        if ld_types(node) & _PUBLISHER_TYPES:
            name = ld_text(node.get("name"))
            if name:
                yield name
    yield from _microdata_publishers(tree)
    for key in SITE_META[1:]:
        if metas.get(key):
            yield metas[key]


_PUBLISHER_XPATH = "//*[contains(concat(' ', normalize-space(@itemprop), ' '), ' publisher ')]"


def _microdata_publishers(tree: HtmlElement) -> Iterator[str]:
    """The names of the page's microdata publishers (``itemprop="publisher"``).

    A publisher item holds its ``name`` (``<meta itemprop="name" content=…>``
    or an element's text); a name inside another item within it (its logo,
    its founder) is not the publisher's.
    """
    for item in tree.xpath(_PUBLISHER_XPATH):
        if item.get("itemscope") is None:
            text = item.get("content") or element_text(item)
            if text.strip():
                yield " ".join(text.split())
            continue
        for node in item.iterdescendants():
            if "name" not in (node.get("itemprop") or "").split():
                continue
            parent = node.getparent()
            while parent is not None and parent is not item and parent.get("itemscope") is None:
                parent = parent.getparent()
            if parent is item:
                text = node.get("content") or element_text(node)
                if text.strip():
                    yield " ".join(text.split())
                    break


def page_site_name(
    tree: HtmlElement,
    metas: dict[str, str],
    ld: list[dict[str, Any]],
    article: dict[str, Any] | None,
    url: str | None,
) -> str | None:
    """The best site name: a stated one that is a name (not an address), tidied.

    Each is cut to its name ("Site - Tagline" → "Site"); og:site_name comes
    first. A name of one or two letters that is not the page's host is an
    edition or a section ("U.S." where the JSON-LD publisher says "Reuters").
    """
    names = []
    for stated in stated_site_names(tree, metas, ld, article):
        name = site_name(stated, url=url)
        if name and not name.startswith("@") and "/" not in name and len(name_key(name)) >= 2:
            names.append(name)
    host = host_key(url)
    named = [n for n in names if len(name_key(n)) >= MIN_NAME_CHARS or same_site(n, {host})]
    return named[0] if named else None


def title_site(tree: HtmlElement, headline: str) -> str | None:
    """The site's name as the ``<title>`` gives it beside the headline, when the
    page states none: "Headline | Site", "Site - Headline", "Headline - Section | Site"
    (the part farthest from the headline)."""
    head_title = tree.find(".//title")
    parts = split_title(element_text(head_title)) if head_title is not None else []
    parts = [part for part in parts if not DATE_PART_RE.match(part)]
    if len(parts) < 2:
        return None
    at = [i for i, part in enumerate(parts) if agreement(part, headline) >= AGREE_SHARE]
    if not at or len(at) == len(parts):
        return None
    if at[0] > 0 and at[-1] < len(parts) - 1:
        return None  # the headline between two other parts: which one names the site?
    part = parts[-1] if at[0] == 0 else parts[0]
    name = site_name(part, url=None)
    if not name or len(name.split()) > MAX_SITE_WORDS or DATE_PART_RE.match(name):
        return None
    return name if len(name_key(name)) >= MIN_NAME_CHARS else None


# An image is the site's logo when its address, class or id says so.
_LOGO_MARK_RE = re.compile(r"logo", re.IGNORECASE)
# The words around a logo's name in its text: "Logo of CNA", "CNA logo", "Logo CNA".
_LOGO_WORDS_RE = re.compile(r"(?i)\b(?:site\s+)?logo(?:\s+(?:of|de|del|der|von|du))?\b|[-|:]")


def logo_site(tree: HtmlElement, headline: HtmlElement | None) -> str | None:
    """The name a page's logo gives, when it stands above the headline.

    The logo is the first image marked as one (``logo`` in its address, class
    or id) or the image that links to the site's home page (``href="/"``);
    its text is its ``alt``, without the word "logo". An image after the
    headline is the article's (or an advert's), never the site's.
    """
    for img in tree.iter():
        if img is headline:
            return None
        if img.tag != "img":
            continue
        alt = " ".join((img.get("alt") or "").split())
        if not alt:
            continue
        marks = " ".join(img.get(a) or "" for a in ("src", "class", "id"))
        link = next((a for a in img.iterancestors("a")), None)
        home = link is not None and (link.get("href") or "").strip() in ("/", "./", "index.html")
        if not (_LOGO_MARK_RE.search(marks) or home):
            continue
        name = " ".join(_LOGO_WORDS_RE.sub(" ", alt).split())
        if (
            name
            and len(name.split()) <= MAX_SITE_WORDS
            and len(name_key(name)) >= 2
            and not is_control(name)
        ):
            return name
        return None
    return None
