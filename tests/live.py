"""Live things tests share: the service as a subprocess or a thread, waiting, reading its store.

Waiting is always polling for a condition with a generous bound, never a
sleep that hopes the service was fast enough.
"""

from __future__ import annotations

import html
import http.client
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.config import load_config
from digest.jobs import Pipeline, open_pipeline
from digest.preview.server import LOOPBACK, PreviewServer
from digest.service.scheduler import Service
from tests.helpers import NOW
from tests.smtp import LoopbackController, Sink

WAIT = 60.0  # seconds: the bound on any wait, generous for a loaded machine


def wait_until(condition: Callable[[], object], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.1)


def query(db: Path, sql: str, *args: object) -> list[tuple]:
    """Read the service's store from outside, as `digest status` does; [] if not there yet."""
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)) as conn:
            return conn.execute(sql, args).fetchall()
    except sqlite3.OperationalError:
        return []


def service_pid(db: Path) -> int | None:
    rows = query(db, "SELECT pid FROM service")
    return rows[0][0] if rows else None


def job_finished(db: Path, name: str, day: str = "") -> bool:
    """True once the service recorded the end of job ``name`` (on ``day``, an ISO date prefix)."""
    sql = "SELECT 1 FROM service_jobs WHERE name = ? AND last_finished_at LIKE ?"
    return bool(query(db, sql, name, f"{day}%"))


def sent_digests(db: Path) -> int:
    rows = query(db, "SELECT COUNT(*) FROM digests WHERE status = 'sent'")
    return rows[0][0] if rows else 0


class ServiceProcess:
    """`digest run` in a subprocess, its log in a file (a pipe could fill up and block it)."""

    def __init__(self, config: Path, cwd: Path, env: dict[str, str] | None = None) -> None:
        self.log = cwd / f"service-{time.monotonic_ns()}.log"
        full_env = {k: v for k, v in os.environ.items() if k != "DIGEST_CONFIG"} | (env or {})
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "digest", "run", "--config", str(config)],
                cwd=cwd,
                env=full_env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.pid = self.process.pid

    def stop(self, sig: int = signal.SIGTERM, timeout: float = WAIT) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=WAIT)


@contextmanager
def service(config: Path, cwd: Path, env: dict[str, str] | None = None) -> Iterator[ServiceProcess]:
    proc = ServiceProcess(config, cwd, env)
    try:
        yield proc
    except BaseException:
        print(proc.output())  # shown by pytest when the test fails
        raise
    finally:
        proc.close()


@contextmanager
def in_process(config_path: Path, now: datetime) -> Iterator[Path]:
    """The real Service in a thread, with a clock fixed at ``now``."""
    stop = threading.Event()
    svc = Service(load_config(config_path), clock=lambda: now)
    thread = threading.Thread(target=svc.run, args=(stop,))
    thread.start()
    db = tmp_db(config_path)
    try:
        started = now.astimezone(ZoneInfo("UTC")).isoformat(timespec="seconds")
        sql = "SELECT 1 FROM service WHERE started_at = ?"
        wait_until(lambda: query(db, sql, started), "the service to start")
        yield db
    finally:
        stop.set()
        thread.join(WAIT)


def tmp_db(config_path: Path) -> Path:
    return config_path.parent / "state" / "digest.sqlite"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@contextmanager
def opened(config_path: Path, clock: Clock | None = None) -> Iterator[Pipeline]:
    pipeline = open_pipeline(load_config(config_path), clock=clock or Clock())
    try:
        yield pipeline
    finally:
        pipeline.store.close()


@contextmanager
def running(sink: Sink, port: int = 0, **options) -> Iterator[int]:
    controller = LoopbackController(sink, port, **options)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def words(text: str) -> str:
    return " ".join(text.split())


def parts(message: EmailMessage) -> tuple[str, str]:
    """(plain text, visible HTML text), whitespace collapsed."""
    plain, rich = message.iter_parts()
    visible = html.unescape(re.sub(r"<[^>]+>", " ", rich.get_content()))
    return words(plain.get_content()), words(visible)


def get(
    server: PreviewServer, target: str, *, host: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    """GET ``target`` from the server; (status, headers, body)."""
    conn = http.client.HTTPConnection(LOOPBACK, server.port, timeout=30)
    try:
        conn.putrequest("GET", target, skip_host=True)
        conn.putheader("Host", host or f"{LOOPBACK}:{server.port}")
        conn.endheaders()
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()
