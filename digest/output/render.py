"""Render: turn a Digest into the subject, the HTML and text parts, and JSON.

The templates in ``templates/`` hold presentation only. Everything a reader
sees as words comes from ``templates/strings.toml`` (one table per interface
language), and everything that needs deciding (dates in the reader's time
zone and language, counts, which links are safe to emit) is decided here, so
the templates get plain, already formatted strings.

Email clients ignore most of a ``<style>`` block, so the HTML's CSS is
inlined by premailer. The media queries for dark mode and small screens
cannot be inlined; they sit in a ``<style data-premailer="ignore">`` block
that premailer leaves as it is.
"""

from __future__ import annotations

import logging
import re
import tomllib
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from lxml import etree
from premailer import Premailer

from digest.models import Digest, RenderedEmail, Story, StoryItem
from digest.text import one_line, safe_href, shorten

SUBJECT_TEMPLATE = "subject.txt.j2"
HTML_TEMPLATE = "digest.html.j2"
TEXT_TEMPLATE = "digest.txt.j2"
STRINGS_FILE = "strings.toml"

#: Mail clients show about this much of the hidden preheader in the inbox list.
PREHEADER_CHARS = 140

_INDENT = re.compile(r"\n[ \t]+")
_CSS_CLASS = re.compile(r"\.([A-Za-z_][\w-]*)")


def render(digest: Digest, *, templates_dir: Path, tz: ZoneInfo) -> RenderedEmail:
    """Render ``digest`` for sending; dates are shown in ``tz``.

    Raises ValueError when ``digest.language`` has no table in strings.toml.
    """
    templates_dir = Path(templates_dir).resolve()
    env = _environment(templates_dir)
    view = _view(digest, tz, _strings(templates_dir, digest.language))
    subject = one_line(env.get_template(SUBJECT_TEMPLATE).render(view))
    html = _inline_css(_INDENT.sub("\n", env.get_template(HTML_TEMPLATE).render(view)))
    text = env.get_template(TEXT_TEMPLATE).render(view)
    return RenderedEmail(
        subject=subject,
        html=html,
        text=text,
        data=digest_to_json(digest, tz),
        preheader=view["preheader"],
    )


def digest_to_json(digest: Digest, tz: ZoneInfo) -> dict[str, Any]:
    """The digest as plain JSON-ready data, datetimes as ISO-8601 in ``tz``.

    Values are the digest's own (URLs included, whatever their scheme): this
    is a record of what was composed, not something to put in a page as is.
    """

    def when(value: datetime) -> str:
        return value.astimezone(tz).isoformat()

    return {
        "generated_at": when(digest.generated_at),
        "title": digest.title,
        "language": digest.language,
        "stories": [
            {
                "id": story.id,
                "headline": story.headline,
                "summary": story.summary,
                "published": when(story.published),
                "outlets": story.outlets,
                "update": story.update,
                "date_is_fallback": _story_date_is_fallback(story),
                "items": [
                    {
                        "id": item.id,
                        "source": item.source,
                        "title": item.title,
                        "outlet": item.outlet,
                        "published": when(item.published),
                        "date_is_fallback": item.date_is_fallback,
                        "url": item.url,
                        "new": item.new,
                        "copies": [
                            {"source": c.source, "outlet": c.outlet, "url": c.url}
                            for c in item.copies
                        ],
                    }
                    for item in story.items
                ],
            }
            for story in digest.stories
        ],
        "excluded": [{"source": e.source, "reason": e.reason} for e in digest.excluded],
    }


@lru_cache(maxsize=8)
def _environment(templates_dir: Path) -> Environment:
    """One Jinja2 environment per templates folder, reused across renders.

    Templates are compiled once; auto_reload keeps a preview server in step
    with edits at the cost of one stat per render.
    """
    return Environment(
        loader=FileSystemLoader(templates_dir),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _strings(templates_dir: Path, language: str) -> dict[str, Any]:
    path = templates_dir / STRINGS_FILE
    stat = path.stat()
    tables = _read_strings(path, stat.st_mtime_ns, stat.st_size)
    if language not in tables:
        raise ValueError(f"no strings for language {language!r} in {path}; have {sorted(tables)}")
    table: dict[str, Any] = tables[language]
    return table


@lru_cache(maxsize=8)
def _read_strings(path: Path, _mtime_ns: int, _size: int) -> dict[str, Any]:
    """Parsed strings.toml; the file's mtime and size in the key re-read it after edits."""
    with path.open("rb") as f:
        return tomllib.load(f)


def _inline_css(html: str) -> str:
    """Move the stylesheet into style attributes, which every mail client honours.

    Parsed CSS and compiled selectors are cached by premailer across calls;
    validation is off because email CSS (mso-*, -webkit-*) is not in
    cssutils' profiles, and nothing is ever fetched. Afterwards classes that
    no remaining ``<style>`` rule uses are dropped and style attributes
    tightened: a 30-story digest must stay well below Gmail's 102 KB clip.
    """
    tree = etree.fromstring(html, etree.HTMLParser()).getroottree()
    _CachingPremailer(
        disable_validation=True,
        cache_css_parsing=True,
        allow_network=False,
        allow_loading_external_files=False,
        disable_link_rewrites=True,
        cssutils_logging_level=logging.CRITICAL,
    ).transform(tree.getroot())
    used = {name for style in tree.iter("style") for name in _CSS_CLASS.findall(style.text or "")}
    for element in tree.iter():
        classes = element.get("class")
        if classes is not None:
            kept = [name for name in classes.split() if name in used]
            if kept:
                element.set("class", " ".join(kept))
            else:
                del element.attrib["class"]
        style = element.get("style")
        if style:
            element.set("style", style.replace("; ", ";"))
    serialised: str = etree.tostring(tree, method="html", encoding="unicode")
    return serialised + "\n"


class _CachingPremailer(Premailer):  # type: ignore[misc]
    """Premailer that turns a stylesheet into rules once, not once per email.

    Premailer caches the parsed stylesheet but re-serialises every
    declaration on each call, which was half its time. The rules are tuples
    of strings and are only read, so sharing them between calls is safe.
    """

    _rules: ClassVar[dict[tuple[str, int], tuple[list[Any], list[Any]]]] = {}

    def _parse_style_rules(self, css_body: str, ruleset_index: int) -> tuple[list[Any], list[Any]]:
        key = (css_body, ruleset_index)
        if key not in self._rules:
            if len(self._rules) >= 32:
                self._rules.clear()
            self._rules[key] = super()._parse_style_rules(css_body, ruleset_index)
        rules, leftover = self._rules[key]
        return list(rules), list(leftover)


def _view(digest: Digest, tz: ZoneInfo, strings: dict[str, Any]) -> dict[str, Any]:
    """Everything the templates show, as plain strings, lists and flags.

    Keys avoid the names of dict methods (items, update…), which Jinja's
    ``a.b`` would find first.
    """
    generated = digest.generated_at.astimezone(tz)
    stories = [_story_view(story, tz, strings) for story in digest.stories]
    count_label = _count(strings, "stories", len(stories))
    if stories:
        headlines = " · ".join(story["headline"] for story in stories)
        preheader = shorten(f"{count_label}: {headlines}", PREHEADER_CHARS)
    else:
        preheader = strings["empty"]
    return {
        "lang": digest.language,
        "title": one_line(digest.title),
        "date": _date(generated, strings),
        "long_date": _date(generated, strings, "long_date"),
        "generated": strings["generated"].format(when=_date_time(generated, strings)),
        "count": len(stories),
        "count_label": count_label,
        "preheader": preheader,
        "empty": strings["empty"],
        "footer": strings["footer"],
        "labels": {
            "update_badge": strings["update"],
            "new_badge": strings["new"],
            "also_reposted_by": strings["also_reposted_by"],
        },
        "stories": stories,
    }


def _story_view(story: Story, tz: ZoneInfo, strings: dict[str, Any]) -> dict[str, Any]:
    new_outlets: dict[str, None] = {}
    if story.update:
        for item in story.items:
            if item.new:
                new_outlets.setdefault(_outlet(item.outlet, strings), None)
    headline = one_line(story.headline) or next(
        (one_line(i.title) for i in story.items if one_line(i.title)), ""
    )
    return {
        "id": story.id,
        "headline": headline,
        "summary": one_line(story.summary),
        "date": _shown_date(story.published, _story_date_is_fallback(story), tz, strings),
        "date_is_fallback": _story_date_is_fallback(story),
        "reported_by": _count(strings, "reported_by", len(story.outlets)),
        "is_update": story.update,
        "whats_new": (
            strings["whats_new"].format(outlets=_join(list(new_outlets), strings))
            if new_outlets
            else ""
        ),
        "reports": [_item_view(item, story.update, headline, tz, strings) for item in story.items],
    }


def _item_view(
    item: StoryItem, in_update: bool, headline: str, tz: ZoneInfo, strings: dict[str, Any]
) -> dict[str, Any]:
    """One report as readers see it: never a file name (the preview and inspect show those)."""
    return {
        "outlet": _outlet(item.outlet, strings),
        "title": one_line(item.title) or headline,
        "href": safe_href(item.url),
        "date": _shown_date(item.published, item.date_is_fallback, tz, strings),
        "date_is_fallback": item.date_is_fallback,
        "new": in_update and item.new,
        "copies": [
            {"outlet": _outlet(c.outlet, strings), "href": safe_href(c.url)} for c in item.copies
        ],
    }


def _outlet(name: str, strings: dict[str, Any]) -> str:
    """An outlet's name, or "unknown outlet" in the reader's language when nothing named it."""
    return one_line(name) or str(strings["unknown_outlet"])


def _shown_date(value: datetime, is_file_time: bool, tz: ZoneInfo, strings: dict[str, Any]) -> str:
    """The publication date, or "date unknown": a file's time is never shown as one."""
    return str(strings["date_unknown"]) if is_file_time else _date(value.astimezone(tz), strings)


def _story_date_is_fallback(story: Story) -> bool:
    """A story's date is a guess when every report's date was a file time."""
    return bool(story.items) and all(item.date_is_fallback for item in story.items)


def _count(strings: dict[str, Any], key: str, n: int) -> str:
    return str(strings[f"{key}_one" if n == 1 else f"{key}_other"].format(n=n))


def _join(names: list[str], strings: dict[str, Any]) -> str:
    if len(names) < 2:
        return "".join(names)
    separator, last = str(strings["list_separator"]), str(strings["last_separator"])
    return separator.join(names[:-1]) + last + names[-1]


def _date(value: datetime, strings: dict[str, Any], pattern: str = "date") -> str:
    return str(
        strings[pattern].format(
            weekday=strings["weekdays"][value.weekday()],
            day=value.day,
            month=strings["months"][value.month - 1],
            year=value.year,
        )
    )


def _date_time(value: datetime, strings: dict[str, Any]) -> str:
    time = (
        strings["time"]
        .format(hour=value.hour, minute=value.minute, zone=value.tzname() or "")
        .strip()
    )
    return str(strings["date_time"].format(date=_date(value, strings, "long_date"), time=time))
