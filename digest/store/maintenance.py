"""`digest store check` and `digest store backup`: SQLite's own checker and online backup.

Both work on the file named by ``[store] path`` without migrating or
otherwise writing it, so a damaged store can be examined as it is, and a
store in use by the service can be copied consistently (the backup API
copies a snapshot page by page while others keep writing).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from digest.errors import StoreError
from digest.store.errors import store_error

# Pages copied per step of a backup; between steps the service may write.
BACKUP_PAGES = 1024


def _open_read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise StoreError(f"the state file {path} does not exist", "check [store] path")
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30.0)
    except sqlite3.Error as exc:
        raise store_error(exc, path) from None


def check(path: Path) -> list[str]:
    """SQLite's ``integrity_check`` of the state file: ["ok"] when it is sound."""
    with closing(_open_read_only(path)) as db:
        try:
            return [row[0] for row in db.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as exc:
            return [str(exc)]


def backup(path: Path, dest: Path) -> int:
    """Copy the state file to ``dest`` while it may be in use; return the pages copied.

    The copy is written beside ``dest`` and renamed into place when whole, so
    an interrupted backup never leaves a half file under the name given.
    """
    if dest.exists() and path.exists() and os.path.samefile(dest, path):
        raise StoreError(f"{dest} is the state file itself", "name another file to back up to")
    partial = dest.with_name(f".{dest.name}.partial")
    try:
        partial.unlink(missing_ok=True)
        with closing(_open_read_only(path)) as source, closing(sqlite3.connect(partial)) as copy:
            source.backup(copy, pages=BACKUP_PAGES)
            pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
        os.replace(partial, dest)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise store_error(exc, dest if "partial" in str(exc) else path) from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(
            f"cannot write the backup {dest}: {exc.strerror}", "check the path and free space"
        ) from None
    return pages
