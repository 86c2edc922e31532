"""Advisory locks beside the state file: one service per store, one sender at a time.

``flock(2)`` locks belong to an open file and vanish with the process that
holds them, even one killed by SIGKILL, so a crashed service never leaves a
stale lock behind. The lock file itself stays; it only holds the pid of the
last holder, for messages. A store at ``:memory:`` is private to one
process and needs no lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from digest.errors import ServiceError, StoreError


def service_lock_path(store_path: Path) -> Path:
    return Path(f"{store_path}.lock")


def _private(store_path: Path) -> bool:
    return str(store_path) == ":memory:"


def _open(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise StoreError(
            f"cannot open the lock file {path}: {exc.strerror}", "check [store] path"
        ) from None


class ServiceLock:
    """Held by the running service for its whole life; a second one cannot take it."""

    def __init__(self, store_path: Path) -> None:
        self.store_path = store_path
        self.path = service_lock_path(store_path)
        self._fd: int | None = None

    def acquire(self, *, wait: float = 1.0) -> None:
        """Take the lock or raise ServiceError naming the running service.

        ``wait`` covers the instant in which ``digest status`` probes the lock.
        """
        if _private(self.store_path):
            return
        fd = _open(self.path)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    pid = _read_pid(self.path)
                    raise ServiceError(
                        f"the service is already running against {self.store_path}"
                        + (f" (pid {pid})" if pid else ""),
                        "stop it first, or point [store] path at another state file",
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file releases the lock
            self._fd = None


def running_service_pid(store_path: Path) -> int | None:
    """The pid of the service running against this store, or None if none runs.

    Probes with a shared lock, released at once, so it never blocks a service.
    """
    path = service_lock_path(store_path)
    if _private(store_path) or not path.exists():
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _read_pid(path) or 0
    finally:
        os.close(fd)
    return None


def _read_pid(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


@contextlib.contextmanager
def outbox_lock(store_path: Path) -> Iterator[None]:
    """Held while digests are handed over, so that two processes (the service and
    a manual ``digest send``) never send the same outbox digest at once."""
    if _private(store_path):
        yield
        return
    fd = _open(Path(f"{store_path}.outbox.lock"))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
