"""The service's part of ``digest status``: is it running, what runs next, how jobs ended.

Read from the store, where the service (another process) records its state,
and from the service lock, which tells whether that process is still alive:
a service killed with SIGKILL records nothing on its way out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from digest.store.locks import running_service_pid

if TYPE_CHECKING:
    from digest.config import Config
    from digest.store import Store

NEVER_STARTED = "never started"


@dataclass(frozen=True)
class JobStatus:
    """How one scheduled job last ended, and when it runs next (local times)."""

    name: str
    next_run_at: str | None
    last_started_at: str | None
    last_finished_at: str | None
    last_ok: bool | None
    last_result: str | None
    last_success_at: str | None


@dataclass(frozen=True)
class ServiceStatus:
    """The service's part of ``digest status``: ``state`` is running, stopped or never started.

    Until a service records its start (every recorded state has ``started_at``)
    there is no start, stop or watching to show, and the JSON leaves those keys out.
    """

    state: str
    pid: int | None
    started_at: str | None = None
    stopped_at: str | None = None
    watching: str | None = None
    jobs: tuple[JobStatus, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.started_at is None:
            return {"state": self.state, "pid": self.pid, "jobs": data["jobs"]}
        return data


def _local(value: str | None, tz: ZoneInfo) -> str | None:
    if not value:
        return None
    return datetime.fromisoformat(value).astimezone(tz).isoformat(sep=" ", timespec="seconds")


def service_status(store: Store, config: Config) -> ServiceStatus:
    """The service's state, from the store and the service lock; times in ``[digest] timezone``."""
    tz = config.digest.tz
    pid = running_service_pid(store.path)
    state = store.service.service_state()
    if state is None:
        return ServiceStatus("running" if pid is not None else NEVER_STARTED, pid)
    jobs = tuple(
        JobStatus(
            name=job["name"],
            # nothing runs while no service does
            next_run_at=_local(job["next_run_at"], tz) if pid is not None else None,
            last_started_at=_local(job["last_started_at"], tz),
            last_finished_at=_local(job["last_finished_at"], tz),
            last_ok=job["last_ok"],
            last_result=job["last_result"],
            last_success_at=_local(job["last_success_at"], tz),
        )
        for job in state["jobs"]
    )
    return ServiceStatus(
        state="running" if pid is not None else "stopped",
        pid=pid if pid is not None else state["pid"],
        started_at=_local(state["started_at"], tz),
        stopped_at=_local(state["stopped_at"], tz),
        watching=state["watching"],
        jobs=jobs,
    )


def format_service(info: ServiceStatus) -> list[str]:
    """Lines for ``digest status``."""
    if info.state == NEVER_STARTED:
        return ["service: never started (digest run)"]
    if info.state == "running":
        lines = [f"service: running (pid {info.pid}) since {info.started_at or 'now'}"]
        if info.watching:
            lines[0] += f", folders watched by {info.watching}"
    elif info.stopped_at:
        lines = [f"service: stopped {info.stopped_at} (pid {info.pid})"]
    else:
        lines = [
            f"service: not running; pid {info.pid} started {info.started_at} "
            "and ended without stopping (killed?)"
        ]
    for job in info.jobs:
        parts = [f"next {job.next_run_at}"] if job.next_run_at else []
        if job.last_finished_at:
            outcome = "ok" if job.last_ok else "FAILED"
            parts.append(f"last {job.last_finished_at} {outcome}: {job.last_result}")
        elif job.last_started_at:
            parts.append(f"started {job.last_started_at}, not finished")
        if parts:
            lines.append(f"  {job.name}: " + "; ".join(parts))
    return lines
