"""Transports: what hands one digest over to a Maildir, a file or an SMTP server.

A transport raises :class:`DeliveryError` when the hand-over may work later
(the server is down, a 4xx answer, a full disk),
:class:`PermanentDeliveryError` when the server refused for good (5xx), and
:class:`UncertainDeliveryError` when the whole message went out but the
answer to it never came (it may have been accepted), so that
:mod:`digest.delivery.outbox` can keep the digest in the outbox or record it as
failed. Once a transport returns, the message was accepted.
"""

from __future__ import annotations

import base64
import logging
import mailbox
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from digest.config import ENV_SMTP_PASSWORD, Config, DeliveryConfig
from digest.errors import (
    ConfigError,
    DeliveryError,
    PermanentDeliveryError,
    UncertainDeliveryError,
)
from digest.files import atomic_write

log = logging.getLogger(__name__)

# After the server accepted the message only QUIT is left; waiting long for
# its answer would only widen the window in which a crash causes a resend.
QUIT_TIMEOUT = 5.0


class Transport(Protocol):
    """Hands one message over; raises DeliveryError (retry) or PermanentDeliveryError."""

    def deliver(self, message: EmailMessage, *, html: str, stem: str) -> list[Path]: ...


@dataclass
class FileTransport:
    """Writes the digest as an HTML page and an .eml file a person can open."""

    out_dir: Path

    def deliver(self, message: EmailMessage, *, html: str, stem: str) -> list[Path]:
        html_path = self.out_dir / f"{stem}.html"
        eml_path = self.out_dir / f"{stem}.eml"
        try:
            atomic_write(html_path, html.encode("utf-8"))
            atomic_write(eml_path, message.as_bytes())
            atomic_write(self.out_dir / "latest.html", html.encode("utf-8"))
        except OSError as exc:
            raise DeliveryError(
                f"cannot write the digest to {self.out_dir}: {exc.strerror}",
                "check [delivery] out_dir",
            ) from None
        return [html_path, eml_path]


@dataclass
class MaildirTransport:
    """Delivers into a Maildir any mail client can open, and writes the HTML file too."""

    maildir: Path
    out_dir: Path

    def deliver(self, message: EmailMessage, *, html: str, stem: str) -> list[Path]:
        paths = FileTransport(self.out_dir).deliver(message, html=html, stem=stem)
        try:
            box = mailbox.Maildir(self.maildir, create=True)
            key = box.add(mailbox.MaildirMessage(message.as_bytes()))
        except OSError as exc:
            raise DeliveryError(
                f"cannot deliver into the Maildir {self.maildir}: {exc.strerror}",
                "check [delivery] maildir",
            ) from None
        return [*paths, self.maildir / "new" / key]


class _DataWait:
    """An SMTP client that waits ``data_timeout`` for the answer to the end of DATA.

    ``data_sent`` is True once the message's final "." went out: from then on
    a lost answer means the server may have the message.
    """

    data_timeout: float = 600.0
    data_sent = False
    _in_data = False

    def data(self, msg):  # type: ignore[no-untyped-def]
        self._in_data = True
        try:
            return super().data(msg)  # type: ignore[misc]
        finally:
            self._in_data = False

    def send(self, s):  # type: ignore[no-untyped-def]
        super().send(s)  # type: ignore[misc]
        if self._in_data and isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.data_sent = True
            if self.sock is not None:  # type: ignore[attr-defined]
                self.sock.settimeout(self.data_timeout)  # type: ignore[attr-defined]


class _SMTP(_DataWait, smtplib.SMTP):
    pass


class _SMTPSSL(_DataWait, smtplib.SMTP_SSL):
    pass


@dataclass
class SmtpTransport:
    """Sends by SMTP, with STARTTLS, implicit TLS or neither, and optional AUTH.

    ``ssl_context`` says whom to trust; the default is the system's CAs.
    """

    config: DeliveryConfig
    ssl_context: ssl.SSLContext | None = None

    def _context(self) -> ssl.SSLContext:
        if self.ssl_context is None:
            self.ssl_context = ssl.create_default_context()
        return self.ssl_context

    def _connect(self) -> _SMTP | _SMTPSSL:
        c = self.config
        client: _SMTP | _SMTPSSL
        if c.smtp_security == "ssl":
            client = _SMTPSSL(
                c.smtp_host, c.smtp_port, timeout=c.smtp_timeout, context=self._context()
            )
        else:
            client = _SMTP(c.smtp_host, c.smtp_port, timeout=c.smtp_timeout)
        client.data_timeout = c.smtp_data_timeout
        return client

    def _send(self, client: smtplib.SMTP, message: EmailMessage) -> dict[str, tuple[int, bytes]]:
        c = self.config
        client.ehlo()
        if c.smtp_security == "starttls":
            client.starttls(context=self._context())
            client.ehlo()
        if c.smtp_user:
            _login(client, c.smtp_user, c.smtp_password or "")
        return client.send_message(message)

    def deliver(self, message: EmailMessage, *, html: str, stem: str) -> list[Path]:
        c = self.config
        where = f"{c.smtp_host}:{c.smtp_port}"
        client: _SMTP | _SMTPSSL | None = None
        try:
            client = self._connect()
            try:
                refused = self._send(client, message)
            except BaseException:
                client.close()
                raise
        except smtplib.SMTPAuthenticationError as exc:
            raise _refusal(
                exc.smtp_code,
                f"the SMTP server {where} refused the login: {_text(exc.smtp_error)}",
                f"check [delivery] smtp_user and ${ENV_SMTP_PASSWORD}",
            ) from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise _refusal(
                min(codes), f"the SMTP server {where} refused every recipient: {exc.recipients}"
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise _refusal(
                exc.smtp_code,
                f"the SMTP server {where} answered {exc.smtp_code} {_text(exc.smtp_error)}",
            ) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryError(
                f"the SMTP server {where} cannot do what the config asks: {exc}",
                "check [delivery] smtp_security and smtp_user; the digest stays in the outbox",
            ) from None
        except ssl.SSLCertVerificationError as exc:
            raise DeliveryError(
                f"cannot verify the certificate of the SMTP server {where}: {exc.verify_message}",
                "set [delivery] smtp_ca_file to the certificate it uses, or fix smtp_host",
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            if client is not None and client.data_sent:
                raise UncertainDeliveryError(
                    f"the SMTP server {where} did not answer the digest within "
                    f"{c.smtp_data_timeout:g} s ({str(exc) or type(exc).__name__}): "
                    "it may have been accepted",
                    "it stays in the outbox and is sent again with the same Message-ID",
                ) from None
            raise DeliveryError(
                f"cannot reach the SMTP server {where}: {str(exc) or type(exc).__name__}",
                "check [delivery] smtp_host and smtp_port; the digest stays in the outbox",
            ) from None
        # Accepted. Nothing from here on may turn this into a failure, or the
        # digest would be sent again: a failed QUIT is only worth a line in the log.
        try:
            if client.sock is not None:
                client.sock.settimeout(min(QUIT_TIMEOUT, c.smtp_timeout))
            client.quit()
        except (smtplib.SMTPException, OSError) as exc:
            log.info("the SMTP server %s accepted the digest but not QUIT: %s", where, exc)
        finally:
            client.close()
        if refused:
            log.warning("the SMTP server %s refused some recipients: %s", where, refused)
        return []


def _login(client: smtplib.SMTP, user: str, password: str) -> None:
    """AUTH with smtplib's choice of mechanism; PLAIN in UTF-8 for non-ASCII credentials.

    smtplib encodes credentials as ASCII and would crash on "пароль";
    RFC 4616 defines PLAIN in UTF-8, which servers decode as such.
    """
    if (user + password).isascii():
        client.login(user, password)
        return
    if not client.has_extn("auth") or "PLAIN" not in client.esmtp_features["auth"].upper():
        raise smtplib.SMTPNotSupportedError("AUTH PLAIN, needed for a non-ASCII login")
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, reply = client.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _refusal(code: int, message: str, hint: str | None = None) -> DeliveryError:
    """5xx is for good (recorded as failed); anything else is worth another try."""
    if 500 <= code < 600:
        return PermanentDeliveryError(
            message, hint or "the digest is kept as failed; see digest status"
        )
    return DeliveryError(message, hint or "it stays in the outbox and will be retried")


def transport_for(config: Config) -> Transport:
    """The transport ``[delivery] method`` names; ConfigError if it cannot work at all."""
    d = config.delivery
    where = str(config.path) if config.path else None
    if d.method == "smtp":
        if d.smtp_user and not d.smtp_password:
            raise ConfigError(
                f"smtp_user is set but there is no password: set ${ENV_SMTP_PASSWORD} "
                "or smtp_password_file",
                key="[delivery] smtp_user",
                path=where,
            )
        if d.smtp_user and d.smtp_security == "none":
            log.warning("smtp_security = 'none': the SMTP password goes over the wire in clear")
        try:
            context = ssl.create_default_context(
                cafile=str(d.smtp_ca_file) if d.smtp_ca_file else None
            )
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(
                f"cannot load the CA file {d.smtp_ca_file}: {exc}",
                key="[delivery] smtp_ca_file",
                path=where,
            ) from None
        return SmtpTransport(d, ssl_context=context)
    if d.method == "maildir":
        return MaildirTransport(d.maildir, d.out_dir)
    return FileTransport(d.out_dir)
