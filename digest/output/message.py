"""The MIME message: a rendered digest as one multipart/alternative email.

Header values are built from data (a digest title, configured addresses), so
nothing here trusts them to be one line: text headers are collapsed to one
line, and addresses and URLs that contain line breaks are refused, because a
CR/LF in a header value is how a header gets injected.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import getaddresses

from digest.models import RenderedEmail
from digest.text import one_line

_KEY_SAFE = re.compile(r"[A-Za-z0-9._-]+")
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
_MESSAGE_ID = re.compile(r"<[^<>@\s]+@[^<>@\s]+>")


def build_message(
    rendered: RenderedEmail,
    *,
    sender: str,
    to: Sequence[str],
    date: datetime,
    message_id: str,
    reply_to: str = "",
    list_id: str = "",
    list_unsubscribe: str = "",
) -> EmailMessage:
    """Build the email: text part first, then HTML (clients show the last they can).

    Raises ValueError for an address, Message-ID or unsubscribe URL that is
    not one well-formed line, or for a naive ``date``.
    """
    if date.tzinfo is None:
        raise ValueError("the message date must be timezone-aware")
    if not to:
        raise ValueError("a message needs at least one recipient")
    if not _MESSAGE_ID.fullmatch(message_id):
        raise ValueError(f"not a Message-ID: {message_id!r}")
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = one_line(rendered.subject)
    msg["From"] = _address(sender)
    msg["To"] = [_address(addr) for addr in to]
    if reply_to:
        msg["Reply-To"] = _address(reply_to)
    msg["Date"] = date
    msg["Message-ID"] = message_id
    if list_id:
        msg["List-Id"] = _list_id(list_id)
    if list_unsubscribe:
        url = _single_line(list_unsubscribe.strip(), "List-Unsubscribe URL")
        scheme = url.split(":", 1)[0].lower()
        if scheme not in ("mailto", "https", "http") or " " in url:
            raise ValueError(f"List-Unsubscribe must be a mailto: or https: URL, not {url!r}")
        msg["List-Unsubscribe"] = f"<{url}>"
        if scheme == "https":
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(rendered.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return msg


def make_message_id(digest_key: str, domain: str) -> str:
    """``<digest-KEY@domain>``, the same for the same key, so a resend is one thread.

    A key with characters not allowed in a Message-ID is spelled safely and a
    short hash of the original keeps distinct keys distinct. A non-ASCII
    domain is written in its IDNA (xn--) form.
    """
    domain = domain.strip()
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(f"not a domain for a Message-ID: {domain!r}") from None
    if not _DOMAIN.fullmatch(domain):
        raise ValueError(f"not a domain for a Message-ID: {domain!r}")
    key = digest_key
    if not _KEY_SAFE.fullmatch(key):
        digest = hashlib.sha256(digest_key.encode("utf-8")).hexdigest()[:12]
        readable = "-".join(_KEY_SAFE.findall(digest_key))[:40]
        key = f"{readable}-{digest}" if readable else digest
    return f"<digest-{key}@{domain}>"


def _single_line(value: str, what: str) -> str:
    if any(c in value for c in "\r\n") or any(unicodedata.category(c) == "Cc" for c in value):
        raise ValueError(f"{what} must be one line without control characters: {value!r}")
    return value


def _address(value: str) -> Address:
    """One mailbox ("Name <a@b>" or "a@b") as a structured Address, or ValueError."""
    value = _single_line(value.strip(), "an email address")
    parsed = getaddresses([value])
    if len(parsed) != 1 or not parsed[0][1] or "@" not in parsed[0][1]:
        raise ValueError(f"not one email address: {value!r}")
    name, addr = parsed[0]
    username, _, domain = addr.rpartition("@")
    return Address(display_name=one_line(name), username=username, domain=domain)


def _list_id(value: str) -> str:
    """RFC 2919 List-Id: an optional phrase and a <list-label.domain>."""
    value = _single_line(value.strip(), "List-Id")
    if "<" in value:
        if not re.fullmatch(r"[^<>]*<[A-Za-z0-9.-]+>", value):
            raise ValueError(f"not a List-Id: {value!r}")
        return value
    if not _DOMAIN.fullmatch(value):
        raise ValueError(f"not a List-Id: {value!r}")
    return f"<{value}>"
