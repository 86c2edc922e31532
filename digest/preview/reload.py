"""A cheap "has anything changed?" token over files and folders, for live reload.

Polling a token is simpler and sturdier than file-system events for a page
that only needs to know *whether* to reload: it survives editors that
replace files, folders on network drives, and a server restart.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path


def fingerprint(
    files: Iterable[Path | None], trees: Iterable[tuple[Path, tuple[str, ...] | None]]
) -> str:
    """A token that changes when a file is edited, added or removed.

    ``files`` are single files (missing ones count as missing); ``trees`` are
    folders walked recursively, with the file-name suffixes that count
    (None: every file). Hidden files and folders are left out.
    """
    digest = hashlib.blake2b(digest_size=8)
    for path in files:
        if path is not None:
            digest.update(f"{path}:{stamp(path)}\n".encode())
    for root, suffixes in trees:
        for name, size, mtime in walk(root, suffixes):
            digest.update(f"{name}:{size}:{mtime}\n".encode())
    return digest.hexdigest()


def stamp(path: Path) -> tuple[int, int] | None:
    """(size, mtime_ns) of a file, None if it is missing: enough to notice an edit."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def walk(root: Path, suffixes: tuple[str, ...] | None) -> Iterator[tuple[str, int, int]]:
    """(path, size, mtime_ns) of the files under ``root``, hidden ones left out."""
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif suffixes is None or entry.name.lower().endswith(suffixes):
                    stat = entry.stat()
                    yield entry.path, stat.st_size, stat.st_mtime_ns
            except OSError:
                continue
