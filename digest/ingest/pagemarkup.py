"""Readers of a parsed HTML page's raw statements, shared by the headline and site readers.

Meta elements by name, property or itemprop; JSON-LD objects (``@graph``
opened) and the article among them; an element's visible text; and how much
two titles agree, by words (or by character pairs, for scripts written
without spaces).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

from lxml.html import HtmlElement

# JSON-LD types of the object that is the article itself.
ARTICLE_TYPES = frozenset(
    "Article NewsArticle ReportageNewsArticle AnalysisNewsArticle OpinionNewsArticle "
    "BackgroundNewsArticle ReviewNewsArticle BlogPosting LiveBlogPosting SocialMediaPosting "
    "Report ScholarlyArticle TechArticle WebPage ItemPage".split()
)
# Elements whose text is not part of a headline: ruby readings, screen-reader hints.
NOT_TEXT = ("rt", "rp", "script", "style", "noscript", "svg", "button")
# Two titles are the same headline when this share of the shorter one's words
# (or characters, for scripts written without spaces) is in the longer one.
AGREE_SHARE = 0.5
# A title's part that is only a date ("23.05.2011").
DATE_PART_RE = re.compile(r"^[\d\s./:-]{6,}$")
WORD_RE = re.compile(r"\w+")
SPACELESS_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


def meta_values(tree: HtmlElement) -> dict[str, str]:
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


def json_ld(tree: HtmlElement) -> Iterator[dict[str, Any]]:
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


def ld_types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def main_article(ld: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The page's own article object: the first of an article type with a headline."""
    pages = [n for n in ld if ld_types(n) & ARTICLE_TYPES]
    for node in pages:
        if ld_text(node.get("headline")) and not ld_types(node) <= {"WebPage", "ItemPage"}:
            return node
    for node in pages:
        if ld_text(node.get("headline")) or ld_text(node.get("datePublished")):
            return node
    return None


def ld_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def element_text(element: HtmlElement) -> str:
    """An element's visible text, without ruby readings, scripts and the like."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str) and child.tag not in NOT_TEXT:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return " ".join("".join(parts).split())


def tokens(text: str) -> set[str]:
    if SPACELESS_RE.search(text):
        chars = [c for c in text.lower() if c.isalnum()]
        return {a + b for a, b in pairwise(chars)}
    return set(WORD_RE.findall(text.lower()))


def agreement(a: str, b: str) -> float:
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))
