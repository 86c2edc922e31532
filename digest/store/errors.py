"""What a SQLite error means for the user, in one line naming the file and what to do.

SQLite reports a full disk, a read-only file, a lock held too long and a
damaged file as exceptions deep inside whatever statement hit them. The
edges (the CLI, the service's jobs) turn them into a :class:`StoreError`
with :func:`store_error`; the transaction that hit them has been rolled back,
so nothing is half-written.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from digest.errors import StoreError

# (SQLite's primary error name, what it means, what to do). Matched on the
# primary code, so extended codes (SQLITE_READONLY_DBMOVED …) fall in place.
_MEANINGS = {
    "SQLITE_FULL": ("the disk is full", "free space on its disk, then run again"),
    "SQLITE_READONLY": (
        "it cannot be written (read-only)",
        "fix the permissions of the file and its folder",
    ),
    "SQLITE_PERM": (
        "it cannot be written (permission denied)",
        "fix the permissions of the file and its folder",
    ),
    "SQLITE_CANTOPEN": (
        "it cannot be opened",
        "check [store] path and the permissions of its folder",
    ),
    "SQLITE_BUSY": (
        "another process holds it locked",
        "wait, or stop the other digest process, then run again",
    ),
    "SQLITE_LOCKED": (
        "another process holds it locked",
        "wait, or stop the other digest process, then run again",
    ),
    "SQLITE_CORRUPT": (
        "it is damaged",
        "run `digest store check`, and restore it from a backup (`digest store backup`)",
    ),
    "SQLITE_NOTADB": (
        "it is not a SQLite database",
        "check [store] path, or restore the file from a backup",
    ),
    "SQLITE_IOERR": (
        "the disk reported an input/output error",
        "check the disk, then run `digest store check`",
    ),
}


def store_error(exc: sqlite3.Error, path: Path | str) -> StoreError:
    """A one-line StoreError for ``exc`` raised while using the state file ``path``."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    primary = "_".join(name.split("_")[:2])
    meaning = _MEANINGS.get(primary)
    if meaning is None:
        text = str(exc).lower()
        for probe, key in (
            ("disk is full", "SQLITE_FULL"),
            ("readonly", "SQLITE_READONLY"),
            ("locked", "SQLITE_BUSY"),
            ("malformed", "SQLITE_CORRUPT"),
            ("not a database", "SQLITE_NOTADB"),
        ):
            if probe in text:
                meaning = _MEANINGS[key]
                break
    if meaning is None:
        return StoreError(
            f"the state file {path} failed: {exc}; nothing was half-written",
            "run `digest store check`",
        )
    what, todo = meaning
    return StoreError(
        f"the state file {path} cannot be used: {what} ({exc}); nothing was half-written", todo
    )
