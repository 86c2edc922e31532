"""The MIME message: structure, headers, and no header injection from data."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.models import Digest, RenderedEmail
from digest.output.message import build_message, make_message_id
from digest.output.render import render
from digest.text import one_line

TZ = ZoneInfo("Asia/Jakarta")
DATE = datetime(2025, 4, 28, 7, 0, tzinfo=TZ)
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def rendered(subject: str = "Rusia–Korea Utara: ringkasan berita · 28 April 2025") -> RenderedEmail:
    return RenderedEmail(
        subject=subject,
        html="<!DOCTYPE html><html lang='id'><body><p>Halo “dunia” – ringkasan</p></body></html>",
        text="Halo “dunia” – ringkasan\n",
        data={},
    )


def build(**overrides):
    arguments = {
        "sender": "Digest Berita <digest@example.org>",
        "to": ["pembaca@example.org", "Ani <ani@example.net>"],
        "date": DATE,
        "message_id": make_message_id("2025-04-28", "example.org"),
        "list_id": "ringkasan.example.org",
        "list_unsubscribe": "https://example.org/unsubscribe?u=1",
    }
    rendered_email = overrides.pop("rendered", None) or rendered()
    arguments.update(overrides)
    return build_message(rendered_email, **arguments)


def parse(message):
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


def content(part) -> str:
    """A part's text; SMTP line ends (CRLF) read back as they were written."""
    return part.get_content().replace("\r\n", "\n")


def test_message_parses_back_with_text_then_html() -> None:
    parsed = parse(build())
    assert parsed.get_content_type() == "multipart/alternative"
    parts = list(parsed.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    assert content(parts[0]) == "Halo “dunia” – ringkasan\n"
    assert "<p>Halo “dunia” – ringkasan</p>" in content(parts[1])


def test_headers() -> None:
    parsed = parse(build(reply_to="Redaksi <redaksi@example.org>"))
    assert parsed["Subject"] == "Rusia–Korea Utara: ringkasan berita · 28 April 2025"
    assert parsed["From"].addresses[0].addr_spec == "digest@example.org"
    assert parsed["From"].addresses[0].display_name == "Digest Berita"
    assert [a.addr_spec for a in parsed["To"].addresses] == [
        "pembaca@example.org",
        "ani@example.net",
    ]
    assert parsed["Reply-To"].addresses[0].addr_spec == "redaksi@example.org"
    assert parsed["Date"].datetime == DATE
    assert parsed["Message-ID"] == "<digest-2025-04-28@example.org>"
    assert parsed["List-Id"] == "<ringkasan.example.org>"
    assert parsed["List-Unsubscribe"] == "<https://example.org/unsubscribe?u=1>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["MIME-Version"] == "1.0"


def test_optional_headers_are_left_out_and_one_click_needs_https() -> None:
    parsed = parse(build(list_id="", list_unsubscribe=""))
    for name in ("List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "Reply-To"):
        assert name not in parsed
    parsed = parse(build(list_unsubscribe="mailto:leave@example.org?subject=unsubscribe"))
    assert parsed["List-Unsubscribe"] == "<mailto:leave@example.org?subject=unsubscribe>"
    assert "List-Unsubscribe-Post" not in parsed


def test_line_breaks_in_the_subject_cannot_inject_headers() -> None:
    evil = rendered("Ringkasan\r\nBcc: x@y\r\n\r\nbody?")
    raw = build(rendered=evil).as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert "Bcc" not in parsed
    assert parsed["Subject"] == "Ringkasan Bcc: x@y body?"
    assert b"\nBcc:" not in raw and b"\r\nBcc:" not in raw


@pytest.mark.parametrize(
    "field",
    [
        {"sender": "digest@example.org\r\nBcc: x@y"},
        {"to": ["pembaca@example.org\nBcc: x@y"]},
        {"reply_to": "a@example.org\rBcc: x@y"},
        {"list_id": "list.example.org\r\nBcc: x@y"},
        {"list_unsubscribe": "https://example.org/u\r\nBcc: x@y"},
        {"message_id": "<a@b>\r\nBcc: x@y"},
    ],
)
def test_line_breaks_in_addresses_and_ids_are_refused(field: dict) -> None:
    with pytest.raises(ValueError):
        build(**field)


@pytest.mark.parametrize(
    "field",
    [
        {"sender": "not an address"},
        {"to": []},
        {"to": ["a@example.org, b@example.org"]},
        {"date": datetime(2025, 4, 28, 7, 0)},
        {"message_id": "no-brackets@example.org"},
        {"list_unsubscribe": "javascript:alert(1)"},
    ],
)
def test_malformed_values_are_refused(field: dict) -> None:
    with pytest.raises(ValueError):
        build(**field)


def test_message_id_is_stable_and_well_formed() -> None:
    assert make_message_id("2025-04-28", "example.org") == "<digest-2025-04-28@example.org>"
    assert make_message_id("2025-04-28", "example.org") == make_message_id(
        "2025-04-28", "example.org"
    )
    odd = make_message_id("2025-04-28 07:00 <x>", "example.org")
    assert odd == make_message_id("2025-04-28 07:00 <x>", "example.org")
    assert odd != make_message_id("2025-04-28 07:00 (x)", "example.org")
    assert odd.startswith("<digest-2025-04-28-07-00-x-") and odd.endswith("@example.org>")
    assert " " not in odd and odd.count("<") == 1 and odd.count(">") == 1
    assert make_message_id("k", "bücher.example") == "<digest-k@xn--bcher-kva.example>"
    with pytest.raises(ValueError):
        make_message_id("k", "exa mple.org")
    with pytest.raises(ValueError):
        make_message_id("k", "example.org>\r\nBcc: x@y")


def test_one_line() -> None:
    assert one_line("  a\r\n b\tc\u2028d\x00e\u202ef ") == "a b c def"


def test_a_rendered_digest_survives_the_round_trip() -> None:
    digest = Digest(
        title="Rusia–Korea Utara\r\nBcc: x@y",
        language="id",
        generated_at=DATE,
        stories=(),
    )
    email_parts = render(digest, templates_dir=TEMPLATES, tz=TZ)
    parsed = parse(build(rendered=email_parts))
    assert "Bcc" not in parsed
    text, html = (content(part) for part in parsed.iter_parts())
    assert text == email_parts.text
    assert html == email_parts.html
    assert "Tidak ada berita baru sejak ringkasan terakhir." in text
