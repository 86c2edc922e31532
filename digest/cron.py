"""Cron expressions as APScheduler triggers: the one schedule syntax of the config.

Here, below both the config (which validates ``[schedule] digest`` once, on
load) and the service (which runs on it), so neither imports the other.
"""

from __future__ import annotations

from datetime import tzinfo

from apscheduler.triggers.cron import CronTrigger

__all__ = ["parse_cron"]

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
