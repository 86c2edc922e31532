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

from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from digest.ingest.pagedate import StatedDate, stated_date
from digest.ingest.pagemarkup import (
    AGREE_SHARE,
    DATE_PART_RE,
    NOT_TEXT,
    SPACELESS_RE,
    WORD_RE,
    agreement,
    element_text,
    json_ld,
    ld_text,
    main_article,
    meta_values,
    tokens,
)
from digest.ingest.pagesite import logo_site, page_site_name, stated_site_names, title_site
from digest.ingest.sitename import host_key, name_key, same_site, split_title

TITLE_META = ("og:title", "twitter:title", "title", "headline", "dc.title")
# A headline has at least this many words (or characters, without spaces).
MIN_HEADLINE_WORDS = 2
MIN_HEADLINE_CHARS = 6
# A site's slogan after its name in a title ("Site - Jernih Melihat Dunia") has at
# most this many words; more is a headline.
SLOGAN_WORDS = 4
# A kicker above the headline has at most this many words.
KICKER_WORDS = 8
# How much text after the headline is kept to look for its dateline.
AFTER_HEADLINE_CHARS = 300


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
    metas = meta_values(tree)
    ld = list(json_ld(tree))
    article = main_article(ld)
    url = _canonical(tree, metas, article)
    sitename = page_site_name(tree, metas, ld, article, url)
    keys = {name_key(n) for n in stated_site_names(tree, metas, ld, article) if n}
    keys |= {name_key(sitename or ""), host_key(url)}
    keys.discard("")
    title, h1 = _headline(tree, metas, article, keys)
    if sitename is None and title:
        sitename = title_site(tree, title)
    if sitename is None:
        sitename = logo_site(tree, h1)
        if sitename is not None and title:  # "Headline - Poskota", and a logo "POSKOTA"
            title = strip_site(title, keys | {name_key(sitename)}) or title
    return PageMeta(
        title=title,
        after_headline=_after(h1 if h1 is not None else _section_h1(tree, title)),
        sitename=sitename,
        date=stated_date(tree, metas, article),
        url=url,
    )


# --- Headline ----------------------------------------------------------------------------


def _headline(
    tree: HtmlElement, metas: dict[str, str], article: dict[str, Any] | None, keys: set[str]
) -> tuple[str | None, HtmlElement | None]:
    """The headline, and the ``<h1>`` that shows it (None when it is not an h1's)."""
    titles = [ld_text(article.get("headline")) if article else None]
    titles += [metas.get(name) for name in TITLE_META]
    head_title = tree.find(".//title")
    titles.append(element_text(head_title) if head_title is not None else None)
    stated = [strip_site(t, keys) for t in titles if t]
    stated = [t for t in stated if t and _long_enough(t)]
    best, agreed = None, (0.0, 0.0)
    for h1 in tree.iter("h1"):
        text = element_text(h1)
        if not _long_enough(text) or same_site(text, keys):
            continue
        # Agreement with the best-matching title; of two h1s agreeing as well,
        # the one that covers more of that title (not the logo in its suffix).
        score = max(((agreement(text, t), _cover(text, t)) for t in stated), default=(0.0, 0.0))
        if best is None or score > agreed:
            best, agreed = h1, score
    # "Site - Slogan" in every title is the site's own title, not the article's
    # ("Republika Online - Jernih Melihat Dunia"): the h1 names the article.
    slogan = all(_site_and_slogan(t, keys) for t in titles if t)
    if best is not None and (agreed[0] >= AGREE_SHARE or not stated or slogan):
        return _completed(_without_kicker(best, stated), stated), best
    if best is None and not any(titles[:-1]):
        heading = _heading_over_lede(tree, metas, stated)
        if heading is not None:
            return heading, None
    if stated:
        return _consensus(stated), None
    return (element_text(best), best) if best is not None else (None, None)


# An <h1> of at most this many words that shares none with the headline is a section's.
SECTION_WORDS = 3
# Headings looked at on a page without an <h1>, and the lede's paragraphs read.
HEADINGS = 3
LEDE_PARAGRAPHS = 3
# A heading names the article when this share of its words is in the lede.
LEDE_SHARE = 0.5


def _heading_over_lede(tree: HtmlElement, metas: dict[str, str], stated: list[str]) -> str | None:
    """On a page with no ``<h1>`` whose only title is the site's ("The Hankyoreh :
    english edition"), the ``<h2>`` whose words the lede repeats ("[News analysis]
    What Moscow gets from Pyongyang's deminers in Kursk")."""
    paragraphs = [element_text(p) for p in tree.iter("p")]
    lede = " ".join(
        [metas.get("description", ""), *[p for p in paragraphs if len(p) >= 80][:LEDE_PARAGRAPHS]]
    )
    if not lede.strip() or any(agreement(t, lede) >= LEDE_SHARE for t in stated):
        return None
    for h2 in list(tree.iter("h2"))[:HEADINGS]:
        text = element_text(h2)
        if _long_enough(text) and agreement(text, lede) >= LEDE_SHARE:
            return text
    return None


def _completed(shown: str, stated: list[str]) -> str:
    """An ``<h1>`` the page cut short with an ellipsis ("… as Russia, North Korea…"),
    completed by the title that goes on from it."""
    if not shown.endswith(("…", "...")):
        return shown
    cut = shown.rstrip(".… ").casefold()
    # The first that goes on (JSON-LD, og:title, …, <title> last, which may keep the site).
    return next((t for t in stated if len(t) > len(cut) and t.casefold().startswith(cut)), shown)


def _section_h1(tree: HtmlElement, title: str | None) -> HtmlElement | None:
    """A page's only ``<h1>`` when it is a section's name ("Berita Terkini") above an
    article whose headline only the metadata gives: its header (byline, date) follows it."""
    h1s = list(tree.iter("h1"))
    if title is None or len(h1s) != 1:
        return None
    text = element_text(h1s[0])
    section = 0 < len(text.split()) <= SECTION_WORDS and agreement(text, title) == 0
    return h1s[0] if section else None


def _after(h1: HtmlElement | None) -> str | None:
    """The text right after the headline, where a page shows its dateline."""
    if h1 is None:
        return None
    lines: list[str] = []
    size = 0
    for node in h1.xpath("following::text()"):
        parent = node.getparent()
        if parent is not None and parent.tag in NOT_TEXT:
            continue
        text = " ".join(str(node).split())
        if text:
            lines.append(text)
            size += len(text)
            if size >= AFTER_HEADLINE_CHARS:
                break
    return "\n".join(lines) or None


def _site_and_slogan(title: str, keys: set[str]) -> bool:
    """Whether ``title`` is the site's name followed by short parts only ("Site - Slogan"),
    not by a headline ("Site | Putin terima Kim Jong Un di Kremlin")."""
    parts = split_title(" ".join(title.split()))
    return (
        len(parts) >= 2
        and same_site(parts[0], keys)
        and all(len(part.split()) <= SLOGAN_WORDS for part in parts[1:])
    )


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
        if same_site(last, keys) or DATE_PART_RE.match(last):
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
    text = element_text(h1)
    children = [c for c in h1 if isinstance(c.tag, str) and c.tag not in NOT_TEXT]
    if (h1.text or "").strip() or not children:
        return text
    kicker = element_text(children[0])
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
    # states it whole; one that adds a part of its own ("… says - ABC News") does not.
    key = _key(chosen)
    longer = [
        t
        for t in stated
        if _key(t).startswith(key + " ") and all(_key(p) != key for p in split_title(t))
    ]
    return min(longer, key=len) if longer else chosen


def _cover(a: str, b: str) -> float:
    ta, tb = tokens(a), tokens(b)
    return len(ta & tb) / max(len(ta), len(tb), 1)


def _long_enough(text: str) -> bool:
    if SPACELESS_RE.search(text):
        return len(text) >= MIN_HEADLINE_CHARS
    return len(WORD_RE.findall(text)) >= MIN_HEADLINE_WORDS


def _key(text: str) -> str:
    return " ".join(WORD_RE.findall(text.lower()))


# --- Address ------------------------------------------------------------------------


def _canonical(
    tree: HtmlElement, metas: dict[str, str], article: dict[str, Any] | None
) -> str | None:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            href = (link.get("href") or "").strip()
            if href.startswith(("http://", "https://")):
                return href
    for value in (metas.get("og:url"), ld_text(article.get("url")) if article else None):
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
