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
from datetime import datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from digest.config import Config
from digest.cron import parse_cron

DIGEST, FOLDERS, FEEDS, OUTBOX = "digest", "folders", "feeds", "outbox"
# With file events, a slow rescan is only the safety net for events that get
# lost (network file systems, an overflowing inotify queue).
RESCAN_WITH_EVENTS_SECONDS = 600.0


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
