"""APScheduler wiring: the schedule syntax, the service's timers, and missed runs.

Only *when* lives here. Every timer merely asks the service's worker to run
a job (see :mod:`digest.service.scheduler`): the pipeline's store is one SQLite
connection that one thread owns, and a timer that only hands work over never
overruns, so APScheduler's one-instance rule never drops a run just because
another job (a slow SMTP server, a slow feed) was busy at the time.

APScheduler still does what it is good at: cron in a time zone, misfire
grace (a run missed by less than ``[schedule] misfire_grace_seconds`` still
happens) and coalescing (a machine that slept through three runs runs once).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from digest.config import Config

DIGEST, FOLDERS, FEEDS, OUTBOX = "digest", "folders", "feeds", "outbox"
# With file events, a slow rescan is only the safety net for events that get
# lost (network file systems, an overflowing inotify queue).
RESCAN_WITH_EVENTS_SECONDS = 600.0

_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def parse_cron(expression: str, tz: tzinfo) -> CronTrigger:
    """A cron expression as a trigger in ``tz``; raise ValueError if it is not one.

    Five fields are classic cron (minute hour day month weekday). Six fields
    put seconds first, as Quartz does (``*/5 * * * * *``: every five seconds),
    for schedules faster than a minute. Weekday numbers mean what they mean
    in cron (0 and 7 are Sunday) and names work too; APScheduler 3 alone
    would read 0 as Monday.
    """
    fields = expression.split()
    if len(fields) not in (5, 6):
        raise ValueError(
            f"expected 5 fields (minute hour day month weekday) or 6 with seconds first, "
            f"got {len(fields)}"
        )
    second = fields.pop(0) if len(fields) == 6 else "0"
    minute, hour, day, month, weekday = fields
    return CronTrigger(
        second=second,
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=_weekdays(weekday),
        timezone=tz,
    )


def _weekdays(field: str) -> str:
    """A cron weekday field spelled as APScheduler day names (``1-5`` → ``mon,…,fri``)."""
    if field == "*":
        return field
    days: set[int] = set()
    for part in field.split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() else None
        if step_text and not step:
            raise ValueError(f"bad step in weekday field {field!r}")
        if span == "*":
            low, high = 0, 6
        elif "-" in span:
            low, high = (_day(x) for x in span.split("-", 1))
        else:
            low = _day(span)
            high = 7 if step else low
        if low > high:
            raise ValueError(f"weekday range {span!r} runs backwards")
        days.update(d % 7 for d in range(low, high + 1, step or 1))
    return ",".join(_DAYS[d] for d in sorted(days))


def _day(token: str) -> int:
    token = token.strip().lower()
    if token in _DAYS:
        return _DAYS.index(token)
    if token.isdigit() and int(token) <= 7:
        return int(token)
    raise ValueError(f"{token!r} is not a weekday (0-7 or sun-sat)")


def digest_trigger(config: Config) -> CronTrigger:
    return parse_cron(config.schedule.digest, config.digest.tz)


def missed_run(trigger: CronTrigger, since: datetime, now: datetime) -> datetime | None:
    """The first time ``trigger`` fired after ``since`` and up to ``now``, if any.

    APScheduler's job store lives in memory, so a restarted service does not
    know what it missed while it was down; this tells it.
    """
    fire = trigger.get_next_fire_time(None, since + timedelta(microseconds=1))
    return fire if fire is not None and fire <= now else None


def outbox_seconds(config: Config) -> float:
    """How often the outbox is checked for digests whose backoff has run out."""
    return min(60.0, max(1.0, config.delivery.retry_minutes * 60.0))


def build_scheduler(
    config: Config, request: Callable[[str], None], *, folder_seconds: float
) -> BackgroundScheduler:
    """A started but paused scheduler whose timers call ``request(job name)``; resume it."""
    tz = config.digest.tz
    scheduler = BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": config.schedule.misfire_grace_seconds,
        },
        timezone=tz,
    )
    scheduler.start(paused=True)

    def add(name: str, trigger: object) -> None:
        scheduler.add_job(request, trigger, args=[name], id=name, name=name)

    add(DIGEST, digest_trigger(config))
    add(FOLDERS, IntervalTrigger(seconds=folder_seconds, timezone=tz))
    if config.sources.feeds or config.sources.opml:
        add(FEEDS, IntervalTrigger(minutes=config.schedule.poll_minutes, timezone=tz))
    add(OUTBOX, IntervalTrigger(seconds=outbox_seconds(config), timezone=tz))
    return scheduler


def next_runs(scheduler: BackgroundScheduler) -> dict[str, datetime | None]:
    """Each timer's next fire time (None while paused), for ``digest status``."""
    return {job.id: job.next_run_time for job in scheduler.get_jobs()}
