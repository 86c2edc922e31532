"""The publication date of an HTML page: stated times, UTC's neighbouring days, datelines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from digest.ingest.pagedate import StatedDate, choose_date, parse_date

WIB = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-06-17T09:30:00+07:00", datetime(2025, 6, 17, 9, 30, tzinfo=WIB)),
        ("2025-06-17T02:30:00.123Z", datetime(2025, 6, 17, 2, 30, tzinfo=UTC)),
        ("2025-06-17T09:30:00+0700", datetime(2025, 6, 17, 9, 30, tzinfo=WIB)),
        ("Tue, 17 Jun 2025 02:30:00 GMT", datetime(2025, 6, 17, 2, 30, tzinfo=UTC)),
        ("2025-06-17", datetime(2025, 6, 17)),
        ("10/05/2022 05:22 pm", None),
        ("kemarin", None),
        ("", None),
    ],
)
def test_parse_date(value: str, expected: datetime | None) -> None:
    assert parse_date(value) == expected


def at(day: int, hour: int = 0, tz: timezone = UTC) -> datetime:
    return datetime(2025, 6, day, hour, tzinfo=tz)


def test_a_stated_time_with_an_offset_wins() -> None:
    stated = StatedDate(at(17, 21, WIB), strong=True, utc=False)
    assert choose_date(stated, dateline=at(16), library=at(18)) == stated.value


def test_a_utc_time_near_midnight_takes_the_sites_day_from_htmldate_or_a_dateline() -> None:
    early = StatedDate(at(17, 1), strong=True, utc=True)  # 01:00 UTC: the 16th west of UTC
    assert choose_date(early, dateline=None, library=at(16)) == at(16)
    late = StatedDate(at(17, 20), strong=True, utc=True)  # 20:00 UTC: the 18th east of UTC
    assert choose_date(late, dateline=at(18), library=None) == at(18)
    # No offset turns 12:30 UTC into another day: a different day elsewhere is another date.
    noon = StatedDate(at(17, 12), strong=True, utc=True)
    assert choose_date(noon, dateline=None, library=at(18)) == noon.value
    assert choose_date(early, dateline=None, library=at(20)) == early.value


def test_a_dateline_shortly_before_a_generic_date_is_the_publication() -> None:
    weak = StatedDate(at(20), strong=False, utc=False)
    assert choose_date(weak, dateline=at(18), library=at(20)) == at(18)
    assert choose_date(weak, dateline=at(1), library=at(20)) == at(20)
    assert choose_date(None, dateline=at(18), library=None) == at(18)
    assert choose_date(None, dateline=None, library=None) is None
