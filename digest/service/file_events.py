"""File events for the watched folders (watchdog), so a new article is read within seconds.

An event only *asks* for a scan; the scan itself (:mod:`digest.ingest.sources.folder`)
decides what changed, by size and mtime. So events may be coarse, repeated or
lost without harm: the service rescans on a timer as well. Only events that
can mean a new or changed article count: reading files (open, close without
writing) and the state file's own writes must not start scan after scan.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

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


class FolderWatcher:
    """Calls ``on_change`` (from watchdog's thread) when an article may have changed."""

    def __init__(self, folders: Sequence[Path], on_change: Callable[[], None]) -> None:
        self.folders = folders
        self._handler = _Handler(on_change)
        self._observer: Observer | None = None  # type: ignore[valid-type]

    def start(self) -> bool:
        """Watch; False when file events are unavailable (then the caller polls)."""
        observer = Observer()
        try:
            for folder in self.folders:
                observer.schedule(self._handler, str(folder), recursive=True)
            observer.start()
        except OSError as exc:  # e.g. inotify watch or instance limits reached
            log.warning("file events are unavailable (%s); scanning the folders on a timer", exc)
            return False
        self._observer = observer
        return True

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=10)
            self._observer = None
