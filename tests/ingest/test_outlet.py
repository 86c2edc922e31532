"""The outlet of a text page, weighed from every place it names one (digest/ingest/outlet.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digest.ingest.clean import clean
from digest.ingest.sitehosts import host_counts, spelled_in, spells
from digest.models import SourceItem

NOW = datetime(2026, 11, 30, tzinfo=UTC)
PROSE = (
    "The harbour authority said on Tuesday that the ferry crews would return to work next week "
    "after the operators agreed to a new contract with higher pay and shorter shifts.\n\n"
    "Passengers were told to check the operators' websites before setting off, and several "
    "sailings were cancelled at short notice while the talks went on through the night.\n\n"
    "The unions said the agreement would be put to a vote of their members within a month, "
    "and that the strike could resume if the members rejected it.\n\n"
)


def _item(body: str) -> SourceItem:
    return SourceItem(
        source="page.txt",
        kind="file",
        body=body,
        is_html=False,
        fingerprint="fp",
        modified=NOW,
        path="/data/corkwood/page.txt",
    )


def _outlet(body: str) -> str:
    return clean(_item(body), now=NOW, tz=UTC).outlet


@pytest.mark.parametrize(
    ("name", "host", "spelled"),
    [
        ("Harbour Gazette", "harbourgazette", True),
        ("The Harbour Evening Times", "hetimes", True),  # initials and a whole word
        ("Nord Welle", "nw", True),
        ("GAZETTE ONLINE", "gazette", True),  # a word the host leaves out
        ("Süddorf Bote", "sueddorfbote", True),
        ("Local News", "harbourgazette", False),
    ],
)
def test_a_host_spells_a_name(name: str, host: str, spelled: bool) -> None:
    assert (spells(name, host) > 0) is spelled


def test_hosts_counted_from_links_addresses_and_domains_not_sharing_sites() -> None:
    text = (
        "Write to desk@harbourgazette.com\nhttps://www.harbourgazette.com/news/1\n"
        "Share on https://facebook.com/x\nHarbourGazette.com\n"
    )
    hosts, domains = host_counts(text, None)
    assert hosts["harbourgazette"] == 3 and "facebook" not in hosts
    assert domains == ("HarbourGazette.com",)
    assert spelled_in("Home\nHarbour Gazette\nharbourgazette.com", "harbourgazette") == (
        "Harbour Gazette"
    )


def test_masthead_confirmed_by_its_host_beats_a_corporate_copyright() -> None:
    body = (
        "Skip to content\nHarbour Gazette\n• News\n• Sport\n\n"
        "Ferry strike ends after pay deal\n\nBy Jane Doe\n\n" + PROSE + "Ferry crews at the quay. "
        "(Ann Lee/Harbour Gazette)\n\nContact: newsdesk@harbourgazette.com\n"
        "Harbour Gazette\n□ Harbour Gazette Store\nCopyright © 2024 Coastal Media Group\n"
    )
    assert _outlet(body) == "Harbour Gazette"


def test_wire_dateline_names_the_outlet() -> None:
    body = (
        "Corkwire\n\nWorld | Business | Markets\n\nFerry strike ends after pay deal\n\n"
        "March 12, 20253:15 PM GMT+7\n\n"
        "PORTSMOUTH, March 12 (Corkwire) - " + PROSE
    )
    article = clean(_item(body), now=NOW, tz=UTC)
    assert article.outlet == "Corkwire"
    # A scraper glued the year to the time: the year is read, not guessed.
    assert article.published.date().isoformat() == "2025-03-12"


def test_menu_and_section_lines_alone_name_no_outlet() -> None:
    body = "Home\nNews\nSport\nWeather\n\nFerry strike ends after pay deal\n\n" + PROSE + "News\n"
    assert _outlet(body) == ""


def test_an_author_is_not_an_outlet() -> None:
    body = (
        "Ferry strike ends after pay deal\n\nBy Jane Doe\n\n"
        + PROSE
        + "Jane Doe\nJane Doe\nMore from Jane Doe\n"
    )
    assert _outlet(body) == ""
