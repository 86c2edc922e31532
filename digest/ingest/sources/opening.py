"""Opening a watched file so that what is read is what was checked.

Between listing a folder and reading a file, the file (or a folder on its
way) can be swapped for a symlink to, say, ``/etc/passwd``. Checking a path
and then opening it leaves that window open; so a plain entry is opened with
``O_NOFOLLOW`` and the *opened descriptor* is asked where it leads (Linux's
``/proc/self/fd``; elsewhere its device and inode are compared with those of
the checked path's target) and what it is, before a byte is read.
"""

from __future__ import annotations

import errno
import os
import stat

OUTSIDE = "unreadable: symlink leads outside the watched folder"
NOT_REGULAR = "unreadable: not a regular file"
SWAPPED = "unreadable: replaced by a symlink while it was read"
TOO_LARGE = "too-large"

# O_NONBLOCK: a file swapped for a FIFO after the stat must not block the scan.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_READ_CHUNK = 1 << 20
# Where the kernel says an open file descriptor leads (Linux).
_FD_PATH = "/proc/self/fd"


def inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root if root.endswith(os.sep) else root + os.sep)


def unreadable(exc: OSError | ValueError) -> str:
    if isinstance(exc, OSError):
        return f"unreadable: {exc.strerror or type(exc).__name__}"
    return f"unreadable: {exc}"


def read_checked(
    path: str, root: str, *, is_link: bool, max_bytes: int
) -> tuple[int, int, bytes] | str:
    """(size, mtime_ns, bytes) of the file at ``path``, checked inside ``root``; else why not.

    A listed symlink may be followed (to a file inside ``root``); a plain
    entry that became a symlink since the listing is not.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS | (0 if is_link else _NOFOLLOW))
    except OSError as exc:
        return SWAPPED if exc.errno == errno.ELOOP else unreadable(exc)
    try:
        opened = os.fstat(fd)
        if not _opened_inside(fd, path, opened, root):
            return OUTSIDE
        if not stat.S_ISREG(opened.st_mode):
            return NOT_REGULAR
        # The stat of what was opened is the one recorded and checked.
        size = opened.st_size
        if size > max_bytes:
            return TOO_LARGE
        data = _read(fd, size, max_bytes) if size else b""
    except (OSError, ValueError) as exc:
        return unreadable(exc)
    finally:
        os.close(fd)
    return TOO_LARGE if data is None else (size, opened.st_mtime_ns, data)


def _opened_inside(fd: int, path: str, opened: os.stat_result, root: str) -> bool:
    """Whether the open file ``fd`` lies inside ``root``, asked of the descriptor itself."""
    try:
        return inside(os.readlink(f"{_FD_PATH}/{fd}"), root)
    except OSError:
        pass  # no /proc: compare the opened file with the checked path's target
    real = os.path.realpath(path)
    if not inside(real, root):
        return False
    st = os.stat(real, follow_symlinks=False)
    return (st.st_dev, st.st_ino) == (opened.st_dev, opened.st_ino)


def _read(fd: int, size: int, limit: int) -> bytes | None:
    """The open file's bytes, or None once more than ``limit`` arrive (it grew since the stat)."""
    chunks: list[bytes] = []
    total = 0
    want = min(size, limit) + 1
    while chunk := os.read(fd, want):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            return None
        if total == size:
            # All that the stat promised. Should the file have grown since,
            # its mtime differs from the state recorded, so the next scan
            # reads it again; this saves a second read() on every file.
            break
        want = min(_READ_CHUNK, limit + 1 - total)
    if not chunks:
        return b""
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
