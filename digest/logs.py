"""Logging to stderr: the level from -v/-q/--log-level, timestamps in the digest's time zone.

Log lines and the digest speak of the same moments, so both use ``[digest]
timezone`` and the line shows the offset (``2026-11-30 07:00:00+07:00``).
"""

from __future__ import annotations

import logging
import sys
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


def setup(level: int) -> None:
    """One stderr handler on the root logger (replacing ours from an earlier call)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_digest", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._digest = True  # type: ignore[attr-defined]
    handler.setFormatter(ZonedFormatter())
    root.addHandler(handler)
    root.setLevel(level)


def use_timezone(tz: tzinfo) -> None:
    """Show log timestamps in ``tz`` from now on."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler.formatter, ZonedFormatter):
            handler.formatter.tz = tz
