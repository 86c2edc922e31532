"""`digest run`: the service that sends the digest on time and reads articles as they come.

Threads, and why there is only one that touches the store:

- the main thread holds the lock (one service per store) and waits for
  SIGTERM or SIGINT;
- APScheduler's thread keeps time (:mod:`digest.service.schedule`) and, when a timer
  fires, hands the job's name to the worker;
- watchdog's thread turns file events into a request for a folder scan;
- the worker thread owns the pipeline, whose store is one SQLite connection,
  and runs one job at a time, in the order asked. A job asked for while it
  already waits is not queued twice, so nothing piles up behind a slow one;
- the feeds worker does the same for the feeds job alone, with a pipeline
  (and SQLite connection) of its own, so a slow feed server never holds the
  job that sends the digest. Each fetch has a deadline and the feeds job a
  budget (``[fetch] deadline_seconds``, ``budget_seconds``).

Stopping (SIGTERM, SIGINT) cancels the fetches in progress and waits for the
jobs in hand at most :data:`STOP_SECONDS` in all; a job still running then is
abandoned (its transaction is rolled back with the process, and a digest
being handed to the server stays pending, to be sent again with its own
Message-ID).

The service writes its state into the store (tables ``service`` and
``service_jobs``), where ``digest status``, another process, reads it.
"""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from digest.config import Config
from digest.delivery.outbox import (
    Transport,
    check_delivery,
    retry_pending,
    transport_for,
)
from digest.errors import DigestError, ServiceError
from digest.ingest.sources.fetch import HttpFetcher
from digest.ingest.sources.folder import scan_folders
from digest.jobs import Clock, Pipeline, send_digest, system_clock
from digest.service.file_events import FolderWatcher
from digest.service.schedule import (
    DIGEST,
    FEEDS,
    FOLDERS,
    OUTBOX,
    RESCAN_WITH_EVENTS_SECONDS,
    build_scheduler,
    digest_trigger,
    missed_run,
    next_runs,
)
from digest.store import Store
from digest.store.errors import store_error
from digest.store.locks import ServiceLock

log = logging.getLogger(__name__)

START = "start"
# Writing a file raises several events; waiting this long lets them become one scan.
DEBOUNCE_SECONDS = 1.0
# After SIGTERM, the jobs in hand get this long in all before the service exits.
STOP_SECONDS = 7.0
# A digest or outbox job that the store failed is asked for again this much later.
STORE_RETRY_SECONDS = 60.0


class Worker:
    """The one thread that uses the pipeline: runs requested jobs one at a time."""

    def __init__(
        self,
        setup: Callable[[], Pipeline],
        run: Callable[[Pipeline, str], None],
        teardown: Callable[[Pipeline], None],
        *,
        name: str = "digest-worker",
    ) -> None:
        self._setup, self._run, self._teardown = setup, run, teardown
        self._cond = threading.Condition()
        self._pending: dict[str, float] = {}  # job name → monotonic time it may start
        self._stopping = False
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)

    def start(self) -> None:
        """Start the thread; re-raise here whatever stopped it from opening the pipeline."""
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def request(self, name: str, *, delay: float = 0.0) -> None:
        """Ask for a job (from any thread); a job already waiting keeps its earlier time."""
        when = time.monotonic() + delay
        with self._cond:
            self._pending[name] = min(self._pending.get(name, when), when)
            self._cond.notify()

    def stop(self, timeout: float | None = None) -> bool:
        """Finish the job in hand, drop the waiting ones, close the pipeline.

        Waits at most ``timeout`` seconds; False if the job in hand still runs
        (the thread is a daemon: it ends with the process).
        """
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _next(self) -> str | None:
        with self._cond:
            while not self._stopping:
                if not self._pending:
                    self._cond.wait()
                    continue
                name = min(self._pending, key=self._pending.__getitem__)
                wait = self._pending[name] - time.monotonic()
                if wait <= 0:
                    del self._pending[name]
                    return name
                self._cond.wait(wait)
            return None

    def _main(self) -> None:
        try:
            pipeline = self._setup()
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            while (name := self._next()) is not None:
                try:
                    self._run(pipeline, name)
                except Exception:  # a bug in one job must not end the service
                    log.exception("job %s failed", name)
        finally:
            self._teardown(pipeline)


class Service:
    """One configuration run as a service: lock, worker, watcher and timers."""

    def __init__(
        self, config: Config, *, clock: Clock = system_clock, transport: Transport | None = None
    ) -> None:
        self.config = config
        self.clock = clock
        self.transport = transport
        self.trigger = digest_trigger(config)
        self.feeds = bool(config.sources.feeds or config.sources.opml)
        self.watching = "file events"
        self._scheduler = None
        self._worker = Worker(self._open, self._run, self._close)
        self._fetcher = HttpFetcher(config.fetch)
        self._feed_worker = Worker(
            self._open_feeds, self._run, self._close_feeds, name="digest-feeds"
        )
        self._jobs: dict[str, Callable[[Pipeline], tuple[bool, str]]] = {
            DIGEST: self._digest,
            FOLDERS: self._folders,
            FEEDS: self._feeds,
            OUTBOX: self._outbox,
        }

    def run(self, stop: threading.Event) -> None:
        """Run until ``stop`` is set; raise a DigestError if the service cannot start."""
        lock = ServiceLock(self.config.store.path)
        lock.acquire()
        watcher = scheduler = None
        started: list[Worker] = []
        try:
            self.transport = self.transport or transport_for(self.config)
            check_delivery(self.config)
            self._worker.start()
            started.append(self._worker)
            if self.feeds:
                self._feed_worker.start()
                started.append(self._feed_worker)
            watcher = FolderWatcher(
                self.config.sources.folders,
                lambda: self._worker.request(FOLDERS, delay=DEBOUNCE_SECONDS),
            )
            events = watcher.start()
            folder_seconds = (
                RESCAN_WITH_EVENTS_SECONDS if events else self.config.schedule.folder_scan_seconds
            )
            self.watching = "file events" if events else f"a scan every {folder_seconds:g} s"
            scheduler = build_scheduler(self.config, self._request, folder_seconds=folder_seconds)
            self._scheduler = scheduler
            self._worker.request(START)  # before any timer can ask for a job
            scheduler.resume()
            timer_scan_at = 0.0
            while not stop.wait(1.0):
                if not all(worker.alive for worker in started):
                    raise ServiceError("a worker thread ended unexpectedly", "see the log above")
                if events and not watcher.check():
                    # A folder that could not be watched again is scanned as if
                    # there were no file events (while one is gone, no scan can run).
                    now = time.monotonic()
                    folders = self.config.sources.folders
                    due = now - timer_scan_at >= self.config.schedule.folder_scan_seconds
                    if due and all(folder.is_dir() for folder in folders):
                        timer_scan_at = now
                        self._worker.request(FOLDERS)
        finally:
            stop_by = time.monotonic() + STOP_SECONDS
            self._fetcher.cancel()
            if watcher is not None:
                watcher.stop()
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            for worker in reversed(started):
                if not worker.stop(max(stop_by - time.monotonic(), 0.1)):
                    log.warning("stopping without waiting further for the job in hand")
            lock.release()

    def _request(self, name: str, *, delay: float = 0.0) -> None:
        """Hand a job to its worker: the feeds job to the feeds worker, the rest to the main one."""
        worker = self._feed_worker if name == FEEDS else self._worker
        worker.request(name, delay=delay)

    # -- the worker's side -------------------------------------------------------

    def _open(self) -> Pipeline:
        store = Store(self.config.store.path)
        try:
            pipeline = Pipeline(self.config, store, clock=self.clock)
            scan_folders(self.config.sources.folders)  # checks the folders now, reads nothing
        except BaseException:
            store.close()
            raise
        return pipeline

    def _open_feeds(self) -> Pipeline:
        store = Store(self.config.store.path)
        try:
            return Pipeline(self.config, store, clock=self.clock, fetcher=self._fetcher)
        except BaseException:
            store.close()
            raise

    def _close_feeds(self, pipeline: Pipeline) -> None:
        pipeline.store.close()

    def _close(self, pipeline: Pipeline) -> None:
        try:
            pipeline.store.service.record_service_stop(at=self.clock())
        except sqlite3.Error as exc:
            log.error("stopping: %s", store_error(exc, self.config.store.path))
        finally:
            pipeline.store.close()
        log.info("service stopped")

    def _run(self, pipeline: Pipeline, name: str) -> None:
        """Run one job; a store that fails (full, read-only, damaged) costs one log line.

        The job's own transaction was rolled back; the digest and outbox jobs
        are asked for again after :data:`STORE_RETRY_SECONDS` (the others
        have timers of their own).
        """
        try:
            self._run_job(pipeline, name)
        except sqlite3.Error as exc:
            log.error("%s: %s", name, store_error(exc, self.config.store.path))
            if name in (DIGEST, OUTBOX):
                self._request(name, delay=STORE_RETRY_SECONDS)

    def _run_job(self, pipeline: Pipeline, name: str) -> None:
        store = pipeline.store
        if name == START:
            self._start(pipeline)
        else:
            store.service.record_job_start(name, at=self.clock())
            try:
                ok, summary = self._jobs[name](pipeline)
            except DigestError as exc:
                log.error("%s: %s", name, exc)
                ok, summary = False, str(exc)
            except sqlite3.Error:
                raise  # one line, from _run
            except Exception as exc:  # recorded for digest status; the traceback goes to the log
                log.exception("job %s failed", name)
                ok, summary = False, f"{type(exc).__name__}: {exc}"
            store.service.record_job_end(name, ok=ok, result=summary, at=self.clock())
        if self._scheduler is not None:
            store.service.record_next_runs(next_runs(self._scheduler))

    def _start(self, pipeline: Pipeline) -> None:
        now = self.clock()
        missed = self._missed(pipeline, now)  # read before this start is recorded
        pipeline.store.service.record_service_start(pid=os.getpid(), watching=self.watching, at=now)
        for name in (FOLDERS, FEEDS, OUTBOX) if self.feeds else (FOLDERS, OUTBOX):
            self._request(name)
        if missed is not None:
            log.info("the digest due at %s (or later) was not sent: sending it now", missed)
            self._worker.request(DIGEST)
        log.info(
            "service started (pid %d); folders watched by %s; next digest at %s",
            os.getpid(),
            self.watching,
            self.trigger.get_next_fire_time(None, now),
        )

    def _missed(self, pipeline: Pipeline, now: datetime) -> datetime | None:
        """The scheduled digest missed while no service ran (within the misfire grace).

        Catch-up is for runs missed while the service was installed: on a
        store where no service ever started and no digest was ever sent, the
        first start waits for the next scheduled time instead of sending at
        once a digest "missed" before digest was even set up.
        """
        known: list[datetime] = []
        state = pipeline.store.service.service_state()
        if state:
            known.append(datetime.fromisoformat(state["started_at"]))
            for job in state["jobs"]:
                if job["name"] == DIGEST and job["last_success_at"]:
                    known.append(datetime.fromisoformat(job["last_success_at"]))
        sent = pipeline.store.outbox.digests(status="sent", limit=1)
        if sent and sent[0].sent_at:
            known.append(datetime.fromisoformat(sent[0].sent_at))
        if not known:
            return None
        grace = now - timedelta(seconds=self.config.schedule.misfire_grace_seconds)
        return missed_run(self.trigger, max(grace, *known), now)

    # -- the jobs: each returns (ok, one line for digest status) --------------------

    def _digest(self, pipeline: Pipeline) -> tuple[bool, str]:
        """Read the folders, then send: feeds come in by their own job, never waited for."""
        notes = []
        try:
            pipeline.ingest_folders()
        except Exception as exc:  # a missing folder or a locked store must not cost the digest
            if isinstance(exc, sqlite3.Error):
                exc = store_error(exc, self.config.store.path)
            if isinstance(exc, DigestError):
                log.error("reading the sources before the digest: %s", exc)
            else:
                log.exception("reading the sources before the digest failed")
            notes.append(f"reading the sources failed: {exc}")
        result = send_digest(pipeline, transport=self.transport, respect_backoff=True)
        summary = "; ".join([*notes, result.summary()]).strip("; ") or "nothing to do"
        ok = not (notes or result.failed)
        log.log(logging.INFO if ok else logging.WARNING, "digest: %s", summary)
        return ok, summary

    def _folders(self, pipeline: Pipeline) -> tuple[bool, str]:
        report = pipeline.ingest_folders()
        level = logging.INFO if report.new or report.updated else logging.DEBUG
        log.log(level, "folders: %s", report.summary())
        return True, report.summary()

    def _feeds(self, pipeline: Pipeline) -> tuple[bool, str]:
        report = pipeline.ingest_feeds()
        log.info("feeds: %s", report.summary())
        return True, report.summary()

    def _outbox(self, pipeline: Pipeline) -> tuple[bool, str]:
        result = retry_pending(
            pipeline.store, pipeline.config, pipeline.clock, transport=self.transport
        )
        summary = result.summary() or "nothing due"
        if result.failed or result.delivered:
            log.log(logging.WARNING if result.failed else logging.INFO, "outbox: %s", summary)
        return not result.failed, summary


def run_service(config: Config, *, clock: Clock = system_clock) -> None:
    """Run the service in the foreground until SIGTERM or SIGINT, then finish the job in hand.

    A second SIGINT (Ctrl-C) stops at once.
    """
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        # One line per timer firing would drown what the jobs themselves log.
        logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        log.info("%s: finishing the job in hand, then stopping", signal.Signals(signum).name)
        stop.set()
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        Service(config, clock=clock).run(stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
