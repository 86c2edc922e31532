"""Logging to stderr: the level from -v/-q/--log-level, timestamps in the digest's time zone.

Log lines and the digest speak of the same moments, so both use ``[digest]
timezone`` and the line shows the offset (``2026-11-30 07:00:00+07:00``).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import datetime, tzinfo

LEVELS = ("debug", "info", "warning", "error")


class ZonedFormatter(logging.Formatter):
    """Formats ``asctime`` as ISO 8601 in a given zone, offset included."""

    def __init__(self, tz: tzinfo | None = None) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.tz = tz

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = datetime.fromtimestamp(record.created, self.tz).astimezone(self.tz)
        return moment.isoformat(sep=" ", timespec="seconds")


def level_from(log_level: str | None, verbose: int, quiet: bool) -> int | None:
    """The level asked for, or None when nothing was asked (keep the current one).

    ``--log-level`` wins; ``-v`` is info, ``-vv`` debug; ``-q`` errors only.
    """
    if log_level:
        return int(getattr(logging, log_level.upper()))
    if verbose:
        return logging.INFO if verbose == 1 else logging.DEBUG
    if quiet:
        return logging.ERROR
    return None


class _StderrHandler(logging.Handler):
    """Writes each record to ``sys.stderr`` as it is when the record is emitted.

    A handler holding the stream it was given would keep writing to a closed
    stream once a caller (click's CliRunner, an embedding program) swaps
    ``sys.stderr`` between invocations.
    """

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


def setup(level: int) -> Callable[[], None]:
    """One stderr handler on the root logger; returns what undoes it (handler and level).

    The CLI calls it per invocation and undoes it when the command ends, so a
    second command in the same process (tests, an embedding program) logs at
    its own level to its own stderr; ``logging.basicConfig`` would configure
    the process once, for good.
    """
    root = logging.getLogger()
    handler = _StderrHandler()
    handler.setFormatter(ZonedFormatter())
    previous = root.level
    root.addHandler(handler)
    root.setLevel(level)

    def restore() -> None:
        root.removeHandler(handler)
        root.setLevel(previous)

    return restore


def use_timezone(tz: tzinfo) -> None:
    """Show log timestamps in ``tz`` from now on."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler.formatter, ZonedFormatter):
            handler.formatter.tz = tz
