"""Bounds on what a source controls, so that no feed or file can blow up a digest.

A feed entry's title, its feed's name, its link and its id, and a file's
headline are all chosen by whoever wrote them. One with a 1.5 MB title would
otherwise become a 3 MB digest (Gmail clips an email at 102 KB). The caps are
applied where a source item is made (feed entries) and where the article is
finally built (after cleaning), never inside the extraction logic.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from digest.models import Article, SourceItem

# A headline longer than this is cut at a word (a long real one is ~150).
HEADLINE_CHARS = 300
# An outlet (site or feed) name.
OUTLET_CHARS = 80
# A story's summary in the digest (a few sentences).
SUMMARY_CHARS = 700
# A link or an id longer than this is not a real one: links are dropped, ids hashed.
REFERENCE_CHARS = 2000
# Entries taken from one feed in one poll (a real feed lists 10 to 100).
ENTRIES_PER_FEED = 200

_SPACE_RE = re.compile(r"\s+")


def cut(text: str, limit: int) -> str:
    """``text`` at most ``limit`` characters: as it is if short enough, else on one line,
    cut at a word, with an ellipsis."""
    if len(text) <= limit:
        return text
    if len(text) > 4 * limit:
        text = text[: 4 * limit]  # never collapse megabytes of whitespace to keep 300 characters
    text = _SPACE_RE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    word_cut = head.rsplit(" ", 1)[0] if " " in head[limit // 2 :] else head
    return word_cut.rstrip(" ·,:;-–—") + "…"


def reference(value: str | None) -> str | None:
    """A link or id within bounds; an absurd one is replaced by its hash."""
    if value is None or len(value) <= REFERENCE_CHARS:
        return value
    return "sha256:" + hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


def bound_item(item: SourceItem) -> SourceItem:
    """A feed entry's title, outlet, link and ids within bounds."""
    long_url = item.url is not None and len(item.url) > REFERENCE_CHARS
    return replace(
        item,
        title=cut(item.title, HEADLINE_CHARS) if item.title else item.title,
        outlet=cut(item.outlet, OUTLET_CHARS) if item.outlet else item.outlet,
        url=None if long_url else item.url,
        source=reference(item.source) or item.source,
        guid=reference(item.guid),
    )


def bound_article(article: Article) -> Article:
    """The cleaned article's headline and outlet within bounds (its text is not shown whole)."""
    if len(article.title) <= HEADLINE_CHARS and len(article.outlet) <= OUTLET_CHARS:
        return article
    return replace(
        article,
        title=cut(article.title, HEADLINE_CHARS),
        outlet=cut(article.outlet, OUTLET_CHARS),
    )
