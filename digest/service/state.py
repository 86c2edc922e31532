"""The service's part of ``digest status``: is it running, what runs next, how jobs ended.

Read from the store, where the service (another process) records its state,
and from the service lock, which tells whether that process is still alive:
a service killed with SIGKILL records nothing on its way out.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from digest.store.locks import running_service_pid

if TYPE_CHECKING:
    from digest.config import Config
    from digest.store import Store

_TIMES = ("next_run_at", "last_started_at", "last_finished_at", "last_success_at")


def _local(value: str | None, tz: ZoneInfo) -> str | None:
    if not value:
        return None
    return datetime.fromisoformat(value).astimezone(tz).isoformat(sep=" ", timespec="seconds")


def service_status(store: Store, config: Config) -> dict[str, Any]:
    """Plain data for ``digest status --json``; times in ``[digest] timezone``."""
    tz = config.digest.tz
    pid = running_service_pid(store.path)
    state = store.service.service_state()
    if state is None:
        return {"state": "running" if pid is not None else "never started", "pid": pid, "jobs": []}
    jobs = []
    for job in state["jobs"]:
        job = {**job, **{k: _local(job[k], tz) for k in _TIMES}}
        if pid is None:
            job["next_run_at"] = None  # nothing runs while no service does
        jobs.append(job)
    return {
        "state": "running" if pid is not None else "stopped",
        "pid": pid if pid is not None else state["pid"],
        "started_at": _local(state["started_at"], tz),
        "stopped_at": _local(state["stopped_at"], tz),
        "watching": state["watching"],
        "jobs": jobs,
    }


def format_service(info: dict[str, Any]) -> list[str]:
    """Lines for ``digest status``."""
    if info["state"] == "never started":
        return ["service: never started (digest run)"]
    if info["state"] == "running":
        lines = [f"service: running (pid {info['pid']}) since {info.get('started_at') or 'now'}"]
        if info.get("watching"):
            lines[0] += f", folders watched by {info['watching']}"
    elif info["stopped_at"]:
        lines = [f"service: stopped {info['stopped_at']} (pid {info['pid']})"]
    else:
        lines = [
            f"service: not running; pid {info['pid']} started {info['started_at']} "
            "and ended without stopping (killed?)"
        ]
    for job in info["jobs"]:
        parts = [f"next {job['next_run_at']}"] if job["next_run_at"] else []
        if job["last_finished_at"]:
            outcome = "ok" if job["last_ok"] else "FAILED"
            parts.append(f"last {job['last_finished_at']} {outcome}: {job['last_result']}")
        elif job["last_started_at"]:
            parts.append(f"started {job['last_started_at']}, not finished")
        if parts:
            lines.append(f"  {job['name']}: " + "; ".join(parts))
    return lines
