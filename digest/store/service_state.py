"""The service's state: written by `digest run`, read by `digest status`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from digest.store.db import Database, iso


class ServiceState:
    """The ``service`` and ``service_jobs`` tables."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._db = database.conn

    def record_service_start(self, *, pid: int, watching: str, at: datetime) -> None:
        """A service started: forget the last one's schedule, keep its jobs' results."""
        with self._database.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO service (id, pid, started_at, stopped_at, watching) "
                "VALUES (1, ?, ?, NULL, ?)",
                (pid, iso(at), watching),
            )
            self._db.execute("UPDATE service_jobs SET next_run_at = NULL")

    def record_service_stop(self, *, at: datetime) -> None:
        with self._database.transaction():
            self._db.execute("UPDATE service SET stopped_at = ? WHERE id = 1", (iso(at),))
            self._db.execute("UPDATE service_jobs SET next_run_at = NULL")

    def record_job_start(self, name: str, *, at: datetime) -> None:
        self._db.execute(
            "INSERT INTO service_jobs (name, last_started_at) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET last_started_at = excluded.last_started_at",
            (name, iso(at)),
        )

    def record_job_end(self, name: str, *, ok: bool, result: str, at: datetime) -> None:
        when = iso(at)
        self._db.execute(
            "INSERT INTO service_jobs (name, last_finished_at, last_ok, last_result, "
            "last_success_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
            "last_finished_at = excluded.last_finished_at, last_ok = excluded.last_ok, "
            "last_result = excluded.last_result, "
            "last_success_at = COALESCE(excluded.last_success_at, last_success_at)",
            (name, when, int(ok), result, when if ok else None),
        )

    def record_next_runs(self, runs: dict[str, datetime | None]) -> None:
        with self._database.transaction():
            self._db.executemany(
                "INSERT INTO service_jobs (name, next_run_at) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET next_run_at = excluded.next_run_at",
                ((name, iso(when) if when else None) for name, when in runs.items()),
            )

    def service_state(self) -> dict[str, Any] | None:
        """The last service's pid, start, stop and jobs (ISO times in UTC); None if none ran."""
        row = self._db.execute(
            "SELECT pid, started_at, stopped_at, watching FROM service WHERE id = 1"
        ).fetchone()
        if row is None:
            return None
        names = ("name", "next_run_at", "last_started_at", "last_finished_at", "last_ok")
        jobs = [
            dict(zip((*names, "last_result", "last_success_at"), r, strict=True))
            for r in self._db.execute(
                "SELECT name, next_run_at, last_started_at, last_finished_at, last_ok, "
                "last_result, last_success_at FROM service_jobs ORDER BY name"
            )
        ]
        for job in jobs:
            job["last_ok"] = None if job["last_ok"] is None else bool(job["last_ok"])
        return dict(zip(("pid", "started_at", "stopped_at", "watching"), row, strict=True)) | {
            "jobs": jobs
        }
