"""File events for the watched folders (watchdog), so a new article is read within seconds.

An event only *asks* for a scan; the scan itself (:mod:`digest.ingest.sources.folder`)
decides what changed, by size and mtime. So events may be coarse, repeated or
lost without harm: the service rescans on a timer as well. Only events that
can mean a new or changed article count: reading files (open, close without
writing) and the state file's own writes must not start scan after scan.

A watch ends with its folder: one deleted and made again (a deploy, a
sync tool, ``rm -r`` and ``mkdir``) would be a new folder nobody watches.
:meth:`FolderWatcher.check`, called every second by the service, sees a
folder that is gone or is another folder than the one watched (device and
inode) and arms a new watch when it is back, with a scan for what arrived
meanwhile; while a folder cannot be watched it says so, and the service
scans on a timer instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from digest.ingest.sources.folder import EXTENSIONS

log = logging.getLogger(__name__)

_CHANGES = {"created", "modified", "moved", "closed"}


class _Handler(FileSystemEventHandler):
    def __init__(self, on_change: Callable[[], None]) -> None:
        self.on_change = on_change

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _CHANGES:
            return
        moved_to = getattr(event, "dest_path", "") if event.event_type == "moved" else ""
        path = os.fsdecode(moved_to or event.src_path)
        name = os.path.basename(path)
        if name.startswith("."):
            return
        if event.is_directory:
            # A folder moved or copied in brings its files without an event for each.
            if event.event_type in ("created", "moved"):
                self.on_change()
        elif name.lower().endswith(EXTENSIONS):
            self.on_change()


def _identity(folder: Path) -> tuple[int, int] | None:
    """The folder's (device, inode), or None when it is not there (or not a folder)."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


class FolderWatcher:
    """Calls ``on_change`` (from watchdog's thread) when an article may have changed."""

    def __init__(self, folders: Sequence[Path], on_change: Callable[[], None]) -> None:
        self.folders = folders
        self._on_change = on_change
        self._handler = _Handler(on_change)
        self._observer: Observer | None = None  # type: ignore[valid-type]
        # folder → (its watch, the (device, inode) it was armed on); None: not watched now.
        self._watches: dict[Path, tuple[ObservedWatch, tuple[int, int]] | None] = {}

    def start(self) -> bool:
        """Watch; False when file events are unavailable (then the caller polls)."""
        observer = Observer()
        try:
            for folder in self.folders:
                watch = observer.schedule(self._handler, str(folder), recursive=True)
                self._watches[folder] = (watch, _identity(folder) or (0, 0))
            observer.start()
        except OSError as exc:  # e.g. inotify watch or instance limits reached
            log.warning("file events are unavailable (%s); scanning the folders on a timer", exc)
            return False
        self._observer = observer
        return True

    def check(self) -> bool:
        """Re-arm the watch of a folder that was deleted and is back; True if all are watched.

        Cheap (one stat per folder): the service calls it every second.
        """
        observer = self._observer
        if observer is None:
            return False
        watched = True
        for folder in self.folders:
            armed = self._watches.get(folder)
            now = _identity(folder)
            if armed is not None and now == armed[1]:
                continue
            if armed is not None:
                with contextlib.suppress(KeyError, OSError):
                    observer.unschedule(armed[0])
                self._watches[folder] = None
                if now is None:
                    log.warning(
                        "watched folder %s is gone: scanning on a timer until it is back", folder
                    )
            if now is None:
                watched = False
                continue
            try:
                watch = observer.schedule(self._handler, str(folder), recursive=True)
            except OSError as exc:
                log.warning("cannot watch %s again (%s): scanning it on a timer", folder, exc)
                watched = False
                continue
            self._watches[folder] = (watch, now)
            log.info("watched folder %s is back: watching it again", folder)
            self._on_change()  # what arrived while it was not watched
        return watched

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=10)
            self._observer = None
