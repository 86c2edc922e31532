"""The background service: `digest run` as a real subprocess, a real SMTP server, real signals.

Waiting is always polling for a condition with a generous bound, never a
sleep that hopes the service was fast enough.
"""

from __future__ import annotations

import configparser
import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.config import ENV_SMTP_PASSWORD
from digest.service.scheduler import Worker
from tests.helpers import ROOT, run, write_config
from tests.live import (
    WAIT,
    ServiceProcess,
    in_process,
    job_finished,
    query,
    sent_digests,
    service,
    service_pid,
    wait_until,
)
from tests.smtp import (
    NEW_ARTICLE,
    PASSWORD,
    SECOND_ARTICLE,
    USER,
    LoopbackController,
    Sink,
    authenticator,
    make_certificate,
    server_context,
    smtp_config,
)

pytestmark = pytest.mark.network
JAKARTA = ZoneInfo("Asia/Jakarta")


def running_as(db: Path, proc: ServiceProcess) -> Callable[[], bool]:
    """True once the service has started (its start job recorded its pid)."""
    return lambda: service_pid(db) == proc.pid or proc.process.poll() is not None


def test_new_articles_arrive_by_email_and_a_killed_service_loses_and_repeats_nothing(
    tmp_path: Path,
) -> None:
    cert, key = make_certificate(tmp_path)
    sink = Sink()
    controller = LoopbackController(
        sink,
        tls_context=server_context(cert, key),
        require_starttls=True,
        auth_required=True,
        authenticator=authenticator({USER: PASSWORD}),
    )
    controller.start()
    try:
        config = smtp_config(
            tmp_path,
            controller.port,
            security="starttls",
            delivery=f'smtp_user = "{USER}"\nsmtp_ca_file = "{cert}"\nretry_minutes = 0.02',
            extra='[schedule]\ndigest = "*/2 * * * * *"\nfolder_scan_seconds = 1\n',
        )
        db = tmp_path / "state" / "digest.sqlite"
        env = {ENV_SMTP_PASSWORD: PASSWORD}
        articles = tmp_path / "articles"
        with service(config, tmp_path, env) as first:
            # A fresh store has missed today's digest: the seeds go out at once.
            [seeds] = sink.wait_for(1)
            assert seeds["Subject"].endswith("4 berita")
            wait_until(lambda: sent_digests(db) == 1, "the first digest to be recorded as sent")
            (articles / "bridge.txt").write_text(NEW_ARTICLE, encoding="utf-8")
            bridge = sink.wait_for(2)[1]
            assert bridge["Subject"].endswith("1 berita")
            assert "Jembatan Jalan Tumen" in bridge.get_body(("plain",)).get_content()
            wait_until(lambda: sent_digests(db) == 2, "the second digest to be recorded as sent")
            # Nothing is new now, so no send is in flight: kill it between runs.
            assert first.stop(signal.SIGKILL) == -signal.SIGKILL
        status = run("status", "--config", str(config), cwd=tmp_path)
        assert f"pid {first.pid} started" in status.stdout and "(killed?)" in status.stdout
        with service(config, tmp_path, env) as second:
            wait_until(running_as(db, second), "the restarted service to start")
            assert second.process.poll() is None, second.output()
            (articles / "wheat.txt").write_text(SECOND_ARTICLE, encoding="utf-8")
            wheat = sink.wait_for(3)[2]
            assert wheat["Subject"].endswith("1 berita")
            assert "Gandum" in wheat.get_body(("plain",)).get_content()
            wait_until(lambda: sent_digests(db) == 3, "the third digest to be recorded as sent")
            assert second.stop(signal.SIGTERM, timeout=10) == 0
            assert "SIGTERM: finishing the job in hand" in second.output()
    finally:
        controller.stop()
    messages = sink.messages
    assert len(messages) == 3
    assert len({m["Message-ID"] for m in messages}) == 3
    assert all(r.tls and r.authenticated for r in sink.received)
    bodies = [m.get_body(("plain",)).get_content() for m in messages]
    for marker in ("Jembatan Jalan Tumen", "Gandum", "Kim Jong Un Kirim Pesan Tahun Baru"):
        assert sum(marker in body for body in bodies) == 1, marker


def test_a_second_service_on_the_same_store_exits_2_and_status_shows_the_service(
    config_path: Path, tmp_path: Path
) -> None:
    db = tmp_path / "state" / "digest.sqlite"
    with service(config_path, tmp_path) as first:
        wait_until(running_as(db, first), "the service to start")
        wait_until(lambda: job_finished(db, "folders"), "the first folder scan")
        second = run("run", "--config", str(config_path), cwd=tmp_path)
        assert second.returncode == 2
        assert f"already running against {db} (pid {first.pid})" in second.stderr
        assert second.stderr.count("\n") == 1 and "Traceback" not in second.stderr
        status = run("status", "--config", str(config_path), cwd=tmp_path)
        assert f"service: running (pid {first.pid})" in status.stdout
        assert "folders watched by file events" in status.stdout
        assert "  digest: next " in status.stdout
        assert "  folders: next " in status.stdout and "ok: new 5" in status.stdout
        assert first.stop(signal.SIGINT, timeout=10) == 0  # Ctrl-C, as SIGTERM
    status = run("status", "--config", str(config_path), cwd=tmp_path)
    assert "service: stopped " in status.stdout and "  digest: next" not in status.stdout
    log = first.output()
    assert (
        " INFO digest.service.scheduler: service started" in log
    )  # levels and timestamps, on stderr


def test_the_worker_runs_one_job_at_a_time_and_never_queues_one_twice() -> None:
    gate = threading.Event()
    ran: list[str] = []
    busy = threading.Lock()

    def job(_: object, name: str) -> None:
        assert busy.acquire(blocking=False), "two jobs at once"
        try:
            ran.append(name)
            if name == "slow":
                gate.wait(WAIT)
        finally:
            busy.release()

    worker = Worker(lambda: object(), job, lambda _: None)  # type: ignore[arg-type,return-value]
    worker.start()
    worker.request("slow")
    wait_until(lambda: ran == ["slow"], "the slow job to start")
    for name in ("scan", "scan", "slow", "scan"):
        worker.request(name)
    gate.set()
    wait_until(lambda: len(ran) == 3, "the waiting jobs")
    worker.stop()
    assert ran == ["slow", "scan", "slow"]


def test_a_restarted_service_sends_the_digest_it_missed_once(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.INFO, logger="digest.service")
    # Leap days only, so the real scheduler cannot fire while the test runs.
    config = write_config(tmp_path, '[schedule]\ndigest = "0 7 29 2 *"\n')
    missed = "was not sent: sending it now"

    def digest_runs(db: Path) -> int:
        rows = query(db, "SELECT COUNT(*) FROM digests")
        return rows[0][0] if rows else 0

    # Installed before the 07:00 run, then stopped: the 07:00 run is missed while installed.
    with in_process(config, datetime(2028, 2, 29, 6, 50, tzinfo=JAKARTA)) as db:
        wait_until(lambda: job_finished(db, "folders"), "the first scan")
    assert sent_digests(db) == 0 and missed not in caplog.text
    with in_process(config, datetime(2028, 2, 29, 7, 30, tzinfo=JAKARTA)) as db:
        wait_until(lambda: sent_digests(db) == 1, "the missed digest to go out")
    assert caplog.text.count(missed) == 1
    with in_process(config, datetime(2028, 2, 29, 7, 45, tzinfo=JAKARTA)):
        pass  # the 07:00 digest went out at 07:30
    assert caplog.text.count(missed) == 1
    # Asleep through the leap days of 2032, 2036 and 2040: one catch-up, at start.
    with in_process(config, datetime(2040, 2, 29, 9, 0, tzinfo=JAKARTA)) as db:
        wait_until(lambda: job_finished(db, "digest", "2040-02-29"), "the catch-up run")
    assert caplog.text.count(missed) == 2
    assert digest_runs(db) == 1  # nothing new: the catch-up sent nothing


def test_the_first_start_waits_for_the_next_scheduled_time(tmp_path: Path, caplog) -> None:
    """A store that never sent: 07:00 is past at 07:30, but it was not missed by a service."""
    caplog.set_level(logging.INFO, logger="digest.service")
    config = write_config(tmp_path, '[schedule]\ndigest = "0 7 29 2 *"\n')
    with in_process(config, datetime(2028, 2, 29, 7, 30, tzinfo=JAKARTA)) as db:
        wait_until(lambda: job_finished(db, "folders"), "the first scan")
        wait_until(lambda: job_finished(db, "outbox"), "the outbox check")
    assert sent_digests(db) == 0
    ran = "SELECT 1 FROM service_jobs WHERE name = 'digest' AND last_started_at IS NOT NULL"
    assert not query(db, ran)
    assert "not sent: sending it now" not in caplog.text
    assert "next digest at 2032-02-29 07:00:00+07:00" in caplog.text
    # The next scheduled time comes (the machine was off at 07:00 sharp): it goes out.
    with in_process(config, datetime(2032, 2, 29, 7, 5, tzinfo=JAKARTA)) as db:
        wait_until(lambda: sent_digests(db) == 1, "the digest at its next time")


def test_the_systemd_unit_runs_the_service_and_stops_it_with_sigterm() -> None:
    unit = configparser.ConfigParser(interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(ROOT / "config" / "digest.service", encoding="utf-8")
    section = unit["Service"]
    assert section["ExecStart"].split()[1:3] == ["run", "--config"]
    assert section["Type"] == "simple" and section["KillSignal"] == "SIGTERM"
    assert section["RestartPreventExitStatus"] == "2"
    assert "config/digest.service" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_watched_folder_gone_missing_does_not_cost_the_digest(tmp_path: Path) -> None:
    (tmp_path / "extra").mkdir()
    body = 'send_empty = true\n[schedule]\ndigest = "*/1 * * * * *"\n'
    config = write_config(tmp_path, body)
    text = config.read_text().replace('folders = ["articles"]', 'folders = ["articles", "extra"]')
    config.write_text(text)
    with in_process(config, datetime(2026, 11, 23, 7, 30, tzinfo=JAKARTA)) as db:
        wait_until(lambda: sent_digests(db) >= 1, "the first digest")
        (tmp_path / "extra").rmdir()
        sql = (
            "SELECT 1 FROM service_jobs WHERE name = 'digest' AND last_ok = 0 "
            "AND last_result LIKE 'reading the sources failed: watched folder % does not exist%' "
            "AND last_result LIKE '%delivered digest #%'"
        )
        wait_until(lambda: query(db, sql), "a digest sent although a folder is gone")
