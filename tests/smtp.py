"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, an ephemeral port, optional TLS.

Shared by the delivery tests (in-process) and the service tests (a
subprocess sends to it). Nothing here mocks smtplib: messages really travel
over a socket and are parsed back with the ``email`` package.
"""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.helpers import ROOT, article_folder

TOPIC = ROOT / "config" / "topic.toml"
USER, PASSWORD = "digest", "s3cret-пароль"


@dataclass(frozen=True)
class Received:
    """One message the server accepted, with what the session looked like."""

    message: EmailMessage
    mail_from: str
    rcpt_tos: list[str]
    tls: bool
    authenticated: bool


class Sink:
    """aiosmtpd handler that keeps what it accepts; can refuse DATA or QUIT on demand."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refuse: str | None = None  # e.g. "550 5.7.1 no"
        self.quit_reply = "221 Bye"
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.received.append(
                Received(
                    message,  # type: ignore[arg-type]
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    tls=server.transport.get_extra_info("ssl_object") is not None,
                    authenticated=bool(session.authenticated),
                )
            )
        return "250 OK"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        return self.quit_reply

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [r.message for r in self.received]

    def wait_for(self, count: int, timeout: float = 60.0) -> list[EmailMessage]:
        """Poll until at least ``count`` messages arrived; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                pytest.fail(f"expected {count} message(s), got {len(self.messages)}")
            time.sleep(0.05)
        return self.messages


class LoopbackController(Controller):
    """aiosmtpd's Controller on 127.0.0.1; port 0 picks a free port (then kept)."""

    def __init__(self, handler: Sink, port: int = 0, **kwargs: Any) -> None:
        super().__init__(handler, hostname="127.0.0.1", port=port, ready_timeout=30, **kwargs)

    def _trigger_server(self) -> None:
        if self.port == 0 and self.server is not None:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def authenticator(users: dict[str, str]) -> Callable[..., AuthResult]:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and users.get(data.login.decode()) == (
            data.password.decode()
        )
        return AuthResult(success=ok, handled=False)

    return check


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


class ReservedPort:
    """A port bound but not listening: connecting is refused, as when a server is down.

    Keeping it bound stops anything else from taking it until :meth:`free`.
    """

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]

    def free(self) -> int:
        self._socket.close()
        return self.port


def smtp_config(
    tmp_path: Path,
    port: int,
    *,
    security: str = "none",
    delivery: str = "",
    extra: str = "",
    seeds: bool = True,
) -> Path:
    """A config delivering by SMTP to 127.0.0.1:port; store, folders and outputs in tmp_path."""
    article_folder(tmp_path, seeds=seeds)
    path = tmp_path / "digest.toml"
    path.write_text(
        f"""
[sources]
folders = ["articles"]
[store]
path = "state/digest.sqlite"
[topic]
terms = "{TOPIC}"
[delivery]
method = "smtp"
smtp_host = "127.0.0.1"
smtp_port = {port}
smtp_security = "{security}"
smtp_timeout = 20.0
from = "Ringkasan <digest@example.org>"
to = ["pembaca@example.org", "Ani <ani@example.net>"]
list_id = "ringkasan.example.org"
list_unsubscribe = "mailto:unsubscribe@example.org"
out_dir = "out"
{delivery}
{extra}
""",
        encoding="utf-8",
    )
    return path


NEW_ARTICLE = """Korea Utara dan Rusia Resmikan Jembatan Jalan Tumen

Pyongyang, 20 November 2026 - Korea Utara dan Rusia meresmikan jembatan jalan
pertama di atas Sungai Tumen pada Kamis, menurut kantor berita KCNA dan TASS.
Jembatan sepanjang satu kilometer itu menghubungkan Rason dengan Khasan.

Perdana Menteri Rusia Mikhail Mishustin mengirim ucapan selamat, sementara
pejabat Korea Utara menyebut jembatan itu simbol persahabatan kedua negara.
Lalu lintas truk barang akan dibuka mulai bulan depan, kata para pejabat.
"""

SECOND_ARTICLE = """Rusia Kirim Gandum ke Korea Utara Lewat Pelabuhan Rajin

Vladivostok, 21 November 2026 - Rusia mengirim 50.000 ton gandum ke Korea Utara
melalui pelabuhan Rajin pada Jumat, kata kementerian pertanian Rusia.
Pengiriman itu bagian dari perjanjian pangan yang diteken Moskow dan Pyongyang.

Para analis di Seoul menyebut pengiriman gandum dari Rusia membantu Korea Utara
menghadapi musim dingin setelah panen yang buruk tahun ini.
"""

# Another report of the seeds' Kursk story (000 and 004): it joins that story.
JOINING_ARTICLE = """Putin Terima Kasih kepada Korea Utara atas Bantuan Merebut Kursk

Moskow, 28 April 2025 - Presiden Rusia Vladimir Putin berterima kasih kepada Korea Utara
dan Kim Jong Un karena prajurit Korea Utara membantu pasukan Rusia merebut kembali Kursk
dari Ukraina.
Kremlin menyatakan Rusia tidak akan melupakan pengorbanan tentara Korea Utara di Kursk.
Kepala Staf Umum Valery Gerasimov sebelumnya mengonfirmasi keterlibatan pasukan Korea Utara
dalam operasi itu.
"""
