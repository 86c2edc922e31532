"""The range of every number in the configuration, checked once at load.

A value of the right type can still break the service hours later: an
infinite poll interval, a NaN timeout, a retention of 10^12 days (which
overflows a date), a backoff below zero. Every numeric key is listed here
with the closed range it must lie in; NaN and infinity are never in one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import fields
from typing import Any

DAY = 86_400.0
# (section, key) → (lowest, highest, whether the lowest itself is allowed).
RANGES: dict[tuple[str, str], tuple[float, float, bool]] = {
    ("sources", "max_file_bytes"): (1, 10**10, True),
    ("fetch", "connect_timeout"): (0, DAY, False),
    ("fetch", "read_timeout"): (0, DAY, False),
    ("fetch", "deadline_seconds"): (0, DAY, False),
    ("fetch", "budget_seconds"): (0, DAY, False),
    ("fetch", "max_bytes"): (1, 10**10, True),
    ("fetch", "concurrency"): (1, 64, True),
    ("fetch", "max_backoff_hours"): (0, 24 * 366, False),
    ("store", "keep_days"): (1, 36_500, True),
    ("ingest", "workers"): (0, 1024, True),
    ("digest", "max_stories"): (1, 1000, True),
    ("digest", "summary_sentences"): (1, 10, True),
    ("dedup", "shingle_size"): (1, 50, True),
    ("dedup", "num_perm"): (16, 4096, True),
    ("dedup", "bands"): (1, 4096, True),
    ("dedup", "copy_threshold"): (0, 1, False),
    ("dedup", "event_threshold"): (0, 1, False),
    ("dedup", "event_ambiguity"): (0, 1, True),
    ("dedup", "event_window_days"): (0, 366, True),
    ("delivery", "smtp_port"): (1, 65_535, True),
    ("delivery", "smtp_timeout"): (0, DAY, False),
    ("delivery", "smtp_data_timeout"): (0, DAY, False),
    ("delivery", "retry_minutes"): (0, 60 * 24 * 366, False),
    ("delivery", "max_retry_hours"): (0, 24 * 366, False),
    ("schedule", "poll_minutes"): (0, 60 * 24 * 366, False),
    ("schedule", "folder_scan_seconds"): (0, DAY, False),
    ("schedule", "misfire_grace_seconds"): (1, 366 * DAY, True),
    ("preview", "port"): (1, 65_535, True),
}


def check_ranges(
    sections: dict[str, Any],
    toml_names: dict[tuple[str, str], str],
    fail: Callable[[str, str], None],
) -> None:
    """Call ``fail(message, key)`` for the first numeric value outside its range.

    A numeric field missing from :data:`RANGES` fails too, so that a new key
    cannot be added without its range.
    """
    for section, value in sections.items():
        for f in fields(value):
            number = getattr(value, f.name)
            if isinstance(number, bool) or not isinstance(number, int | float):
                continue
            key = f"[{section}] {toml_names.get((section, f.name), f.name)}"
            if (section, f.name) not in RANGES:
                fail("has no range to be checked against (a bug in digest)", key)
                continue
            low, high, low_ok = RANGES[(section, f.name)]
            if not math.isfinite(number):
                fail(f"must be a finite number, not {number}", key)
            elif number < low or (number == low and not low_ok) or number > high:
                above = f"at least {low:g}" if low_ok else f"more than {low:g}"
                fail(f"must be {above} and at most {high:g}, not {number:g}", key)
