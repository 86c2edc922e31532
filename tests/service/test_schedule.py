"""The schedule syntax and the catch-up rule, on APScheduler's real triggers."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.config import load_config
from digest.cron import parse_cron
from digest.errors import ConfigError
from digest.service.schedule import (
    DIGEST,
    FEEDS,
    FOLDERS,
    OUTBOX,
    build_scheduler,
    missed_run,
    next_runs,
    outbox_seconds,
)
from tests.helpers import write_config

JAKARTA = ZoneInfo("Asia/Jakarta")


def fires(expression: str, start: datetime, count: int) -> list[datetime]:
    trigger = parse_cron(expression, JAKARTA)
    out: list[datetime] = []
    previous = None
    now = start
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        assert fire is not None
        out.append(fire)
        previous, now = fire, fire + timedelta(microseconds=1)
    return out


def test_five_fields_are_classic_cron_in_the_configured_zone() -> None:
    start = datetime(2026, 11, 23, 8, 0, tzinfo=JAKARTA)  # a Monday, after 07:00
    first = fires("0 7 * * *", start, 1)[0]
    assert first == datetime(2026, 11, 24, 7, 0, tzinfo=JAKARTA)
    assert first.utcoffset() == timedelta(hours=7)


def test_six_fields_put_seconds_first() -> None:
    start = datetime(2026, 11, 23, 8, 0, 1, tzinfo=JAKARTA)
    got = fires("*/5 * * * * *", start, 3)
    assert [f.second for f in got] == [5, 10, 15]


@pytest.mark.parametrize(
    ("weekdays", "expected"),
    [
        ("1-5", {0, 1, 2, 3, 4}),  # Monday to Friday, as in cron
        ("0", {6}),  # cron's 0 is Sunday (APScheduler 3 alone would say Monday)
        ("7", {6}),
        ("sun-wed", {6, 0, 1, 2}),
        ("sat,sun", {5, 6}),
        ("*/2", {6, 1, 3, 5}),  # Sunday, Tuesday, Thursday, Saturday
    ],
)
def test_weekdays_mean_what_they_mean_in_cron(weekdays: str, expected: set[int]) -> None:
    start = datetime(2026, 11, 23, 0, 0, tzinfo=JAKARTA)
    got = fires(f"0 7 * * {weekdays}", start, 7)
    assert {f.weekday() for f in got} == expected


@pytest.mark.parametrize(
    "expression", ["every 5s", "0 7 * *", "* * * * * * *", "0 25 * * *", "0 7 * * 8", "0 7 * * 5-1"]
)
def test_config_rejects_what_is_not_a_schedule(tmp_path: Path, expression: str) -> None:
    path = write_config(tmp_path, f"[schedule]\ndigest = '{expression}'\n", seeds=False)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "[schedule] digest" in str(caught.value) and str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("body", "key"),
    [
        # write_config ends inside [delivery], so delivery keys come first, bare.
        ("[schedule]\nfolder_scan_seconds = 0\n", "[schedule] folder_scan_seconds"),
        ("[schedule]\nmisfire_grace_seconds = 0\n", "[schedule] misfire_grace_seconds"),
        ("retry_minutes = 0\n", "[delivery] retry_minutes"),
        ("smtp_timeout = -1\n", "[delivery] smtp_timeout"),
    ],
)
def test_config_rejects_non_positive_intervals(tmp_path: Path, body: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(tmp_path, body, seeds=False))
    assert key in str(caught.value)


def test_a_machine_that_slept_through_three_runs_catches_up_once() -> None:
    trigger = parse_cron("0 7 * * *", JAKARTA)
    last_run = datetime(2026, 11, 20, 7, 0, 2, tzinfo=JAKARTA)
    now = datetime(2026, 11, 23, 9, 30, tzinfo=JAKARTA)
    assert missed_run(trigger, last_run, now) == datetime(2026, 11, 21, 7, 0, tzinfo=JAKARTA)
    # After the catch-up run, nothing is missed any more.
    assert missed_run(trigger, now, now + timedelta(minutes=1)) is None


def test_a_run_recorded_at_its_own_fire_time_is_not_missed() -> None:
    trigger = parse_cron("*/2 * * * * *", JAKARTA)
    ran = datetime(2026, 11, 23, 9, 0, 0, tzinfo=JAKARTA)
    assert missed_run(trigger, ran, ran + timedelta(seconds=1)) is None
    assert missed_run(trigger, ran, ran + timedelta(seconds=2)) == ran + timedelta(seconds=2)


def test_scheduler_has_one_timer_per_job_with_coalescing_and_grace(tmp_path: Path) -> None:
    body = "retry_minutes = 0.05\n[schedule]\nmisfire_grace_seconds = 120\n"
    config = load_config(write_config(tmp_path, body, seeds=False))
    requested: list[str] = []
    scheduler = build_scheduler(config, requested.append, folder_seconds=5)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {DIGEST, FOLDERS, OUTBOX}  # no feeds configured
        for job in jobs.values():
            assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 120)
        assert str(jobs[DIGEST].trigger.timezone) == "Asia/Jakarta"
        assert set(next_runs(scheduler)) == {DIGEST, FOLDERS, OUTBOX}
    finally:
        scheduler.shutdown(wait=False)
    assert outbox_seconds(config) == 3.0
    with_feeds = replace(config, sources=replace(config.sources, feeds=("file:///n.xml",)))
    scheduler = build_scheduler(with_feeds, requested.append, folder_seconds=5)
    assert FEEDS in {job.id for job in scheduler.get_jobs()}
    scheduler.shutdown(wait=False)
    assert requested == []  # paused: nothing fired
