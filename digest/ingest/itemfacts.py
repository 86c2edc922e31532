"""The outlet and the publication date of an item, from its feed, its page or its text.

A feed entry brings both; a page states them in its markup or shows them
in its text; a scraped text has only its own chrome. Each is read from the
best source the item has, and the publication date records which
(``Article.published_from``): a file's time is never shown as a date.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from digest.ingest.dates import FUTURE_TOLERANCE, find_date
from digest.ingest.extract import Extracted
from digest.ingest.pagedate import StatedDate, choose_date
from digest.ingest.textsite import outlet_from_text
from digest.models import SourceItem


def outlet_for(item: SourceItem, page: Extracted) -> str:
    """The outlet's name as the feed, the page or the text gives it; "" when nothing says.

    A feed entry's outlet comes from its feed. A page's og:site_name is the site
    naming itself and beats its text, where a copyright line more often names an
    author or agency; in a scraped text the site's own naming is all there is.
    Then the host of the page's URL. Never a file or folder name: an unknown
    outlet is shown to readers as unknown.
    """
    if item.outlet:
        return item.outlet
    own = (page.sitename if item.is_html else None) or outlet_from_text(page.text)
    return own or _host(item.url) or _host(page.url) or ""


def publication_date(
    item: SourceItem, page: Extracted, *, now: datetime, tz: ZoneInfo
) -> tuple[datetime, str]:
    """When the item was published, and where that was read (``Article.published_from``).

    The feed's date wins; for a page, the dateline under its headline, then
    the time its metadata states (with htmldate or a dateline settling the day
    of a UTC time), then a dateline in the text; only then the file's time
    (``"file-time"``).
    """
    if item.published is not None:
        return item.published, "feed" if item.kind == "feed" else "metadata"
    latest = now + FUTURE_TOLERANCE
    dateline = find_date(page.text, now=now, tz=tz)
    if item.is_html:
        # The dateline a page shows under its headline (on the evaluation pages,
        # right wherever there was one), then what its markup states.
        if page.after_headline:
            shown = find_date(f"{page.title or ''}\n{page.after_headline}", now=now, tz=tz)
            if shown is not None and not _shows_the_change(shown, page.stated):
                return _zoned(shown, page.stated), "dateline"
        library = _iso_date(page.date, tz) if page.date else None
        found = choose_date(page.stated, dateline=dateline, library=library)
        if found is not None and found.tzinfo is None:
            found = found.replace(tzinfo=tz)
        if found is not None and found <= latest:
            return found, "dateline" if found is dateline else "metadata"
    if dateline is not None:
        return dateline, "dateline"
    return item.modified, "file-time"


def _shows_the_change(shown: datetime, stated: StatedDate | None) -> bool:
    """Whether the page shows, unlabelled, the time its markup gives as the last change
    ("28 Mei 2026 | 08.14 WIB" under the headline, dateModified 2026-05-28T08:14): its
    publication is then the time the markup states, not the one it shows."""
    if stated is None or not stated.strong or stated.modified is None:
        return False
    changed = stated.modified.replace(tzinfo=None, second=0, microsecond=0)
    published = stated.value.replace(tzinfo=None, second=0, microsecond=0)
    return changed == shown.replace(tzinfo=None) and changed != published


def _zoned(shown: datetime, stated: StatedDate | None) -> datetime:
    """The dateline's day at the instant the markup states for it, when they agree.

    A page shows "14 Aug 2025 02:20PM" and states "2025-08-14T14:20:00+08:00":
    the shown time is read in the configured zone, the stated one is the
    instant. A page that shows the day alone ("August 17, 2025") and states
    its time that day gets that time.
    """
    if stated is None or stated.value.tzinfo is None:
        return shown
    value = stated.value
    wall = value.replace(tzinfo=None, second=0, microsecond=0)
    if wall == shown.replace(tzinfo=None):
        return value
    untimed = (shown.hour, shown.minute, shown.second) == (0, 0, 0)
    return value if untimed and stated.strong and wall.date() == shown.date() else shown


def _iso_date(value: str, tz: ZoneInfo) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _host(url: str | None) -> str | None:
    if not url or "://" not in url:
        return None
    return (urlsplit(url).hostname or "").removeprefix("www.") or None
