"""When an HTML page was published, from what its markup states and what it shows.

Pages state a publication time in JSON-LD (``datePublished``), Open Graph
(``article:published_time``) and their kin, and show a dateline to readers.
The stated time is the best source, with one catch: many sites state it in
UTC ("2022-05-04T00:44:52Z"), and the day a reader of the site saw is then
one day earlier or later than the UTC day. When htmldate's reading of the page
(or a dateline) names the neighbouring day, in the direction an offset could
move it, that is the site's day. (Converting to an offset found elsewhere on
the page was tried: such offsets belong as often to other items of the page,
and it did worse on the evaluation pages.)

A generic ``<meta name="date">`` is as often the last change as the first
publication, so it counts only when nothing better is there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from lxml.html import HtmlElement

# Fields that state the first publication (name, property or itemprop; lower case).
STRONG_META = (
    "article:published_time", "og:published_time", "og:article:published_time",
    "datepublished", "parsely-pub-date", "sailthru.date", "dc.date.issued",
    "dcterms.issued", "publishdate", "publish-date", "publish_date", "pubdate",
    "article.published", "published_time", "originalpublicationdate",
)  # fmt: skip
# Fields that may hold the publication date or the last change.
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "last-modified")
WEAK_META = ("date", "dc.date", "dcterms.date", "dcterms.created", "dc.date.created")
# A UTC time before this hour can fall on the previous day for sites west of
# UTC (down to -12:00); from this hour on, on the next day for sites east of it.
WEST_BEFORE_HOUR = 12
# A dateline at most this much before a generic date is the first publication.
EDIT_WINDOW = timedelta(days=7)
EAST_FROM_HOUR = 14


@dataclass(frozen=True)
class StatedDate:
    """A publication time the page states, how strongly, and whether it is in UTC."""

    value: datetime
    strong: bool
    utc: bool
    # The last change the markup states (dateModified, article:modified_time), if any.
    modified: datetime | None = None


def stated_date(
    tree: HtmlElement, metas: dict[str, str], article: dict[str, Any] | None
) -> StatedDate | None:
    """The publication time the page's markup states: a strong field first, then a weak one."""
    strong = [article.get("datePublished") if article else None]
    strong += [metas.get(name) for name in STRONG_META]
    strong += [t.get("datetime") for t in tree.iter("time") if t.get("itemprop") == "datePublished"]
    weak = [metas.get(name) for name in WEAK_META]
    weak += [t.get("datetime") for t in tree.iter("time") if t.get("datetime")][:1]
    for values, is_strong in ((strong, True), (weak, False)):
        for value in values:
            parsed = parse_date(value if isinstance(value, str) else None)
            if parsed is None:
                continue
            offset = parsed.utcoffset()
            changed = [article.get("dateModified") if article else None]
            changed += [metas.get(name) for name in MODIFIED_META]
            modified = next(
                (p for v in changed if (p := parse_date(v if isinstance(v, str) else None))), None
            )
            utc = offset is not None and not offset
            return StatedDate(parsed, is_strong, utc=utc, modified=modified)
    return None


def choose_date(
    stated: StatedDate | None, *, dateline: datetime | None, library: datetime | None
) -> datetime | None:
    """The publication date from the stated time, the text's dateline and htmldate.

    A strong stated time wins; if it is in UTC, htmldate or a dateline naming
    the neighbouring day that an offset could reach gives the site's day. Then
    htmldate (which weighs the page's visible dates in their context) or a
    weak stated date, unless the text's dateline is a few days earlier (they
    may be the last change), then the dateline alone.
    """
    if stated is not None and stated.strong:
        if stated.utc:
            for other in (library, dateline):
                if other is not None and _neighbour_day(stated.value, other):
                    return other
        return stated.value
    later = library or (stated.value if stated else None)
    if dateline is not None and later is not None:
        # A weak date and htmldate may be the last change: a dateline shortly
        # before it is the first publication.
        earlier = timedelta(0) < later.date() - dateline.date() <= EDIT_WINDOW
        return dateline if earlier else later
    return later or dateline


def parse_date(value: str | None) -> datetime | None:
    """An ISO 8601 or RFC 2822 date as metadata writes it; None for anything else."""
    if not value or len(value.strip()) < 10:
        return None
    value = value.strip()
    if value[:4].isdigit():
        iso = value.replace(" ", "T", 1).replace("Z", "+00:00")
        iso = re.sub(r"\.\d+", "", iso)
        iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", iso)
        try:
            return datetime.fromisoformat(iso)
        except ValueError:
            return None
    if "," in value[:5] or value[:3].isalpha():
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _neighbour_day(utc_time: datetime, other: datetime) -> bool:
    day, other_day = utc_time.date(), other.date()
    if other_day == day - timedelta(days=1):
        return utc_time.hour < WEST_BEFORE_HOUR
    if other_day == day + timedelta(days=1):
        return utc_time.hour >= EAST_FROM_HOUR
    return False
