"""The outlet of a text page, weighed from every place it names one (digest/ingest/outlet.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digest.ingest.clean import clean
from digest.ingest.extract import split_lines
from digest.ingest.outlet import candidates, find_outlet
from digest.ingest.outletplaces import CREDIT_RE
from digest.ingest.places import is_place
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


def test_a_domain_of_any_country_is_a_domain() -> None:
    # Countries the first list of endings left out: Malaysia's "com.my", Portugal's "pt".
    hosts, domains = host_counts("Hubungi wartanusa.com.my\nLeia em jornalnorte.pt\n", None)
    assert domains == ("wartanusa.com.my", "jornalnorte.pt")
    assert hosts["wartanusa"] == 1 and hosts["jornalnorte"] == 1


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


@pytest.mark.parametrize(
    ("dateline", "outlet"),
    [
        ("SEOUL, June 19 (Corkwire) --", "Corkwire"),  # on a line of its own
        ("MOSCOW/SEOUL, April 28 (Corkwire) -", "Corkwire"),
        ("WONSAN, North Korea, July 12 (Corkwire) -", "Corkwire"),
        ("PYONGYANG, June 17. /CORKWIRE/.", "CORKWIRE"),
        ("ПХЕНЬЯН, 17 июня. /КОРКВАЙР/.", "КОРКВАЙР"),  # in Cyrillic
    ],
)
def test_a_wire_dateline_between_headline_and_article_names_the_outlet(
    dateline: str, outlet: str
) -> None:
    body = f"Ferry strike ends after pay deal\n{dateline}\n\n" + PROSE
    assert _outlet(body) == outlet


def test_a_dateline_opening_the_article_is_read_whatever_the_headline() -> None:
    """With no headline found, or one among the article's first lines, the dateline in
    the article's first line still names the outlet."""
    text = (
        "Corkwire\n\nWorld | Business | Markets\n\nFerry strike ends after pay deal\n\n"
        "PORTSMOUTH, March 12 (Corkwire) - " + PROSE
    )
    lines = split_lines(text)
    start = next(i for i, line in enumerate(lines) if line.text.startswith("PORTSMOUTH"))
    for head in (None, start):
        assert find_outlet(lines, text, start=start, head=head) == "Corkwire"


@pytest.mark.parametrize("crumbs", ["Home/News/World", "UK Parliament/AFP/Getty", "Dunia/Asia/"])
def test_a_breadcrumb_or_credit_with_slashes_is_no_dateline(crumbs: str) -> None:
    body = f"Ferry strike ends after pay deal\n{crumbs}\n\n" + PROSE
    assert _outlet(body) == ""


def test_a_domain_before_the_place_is_the_outlet_not_the_place() -> None:
    body = (
        "WARTAKITA.CO.ID\nFerry strike ends after pay deal\nKamis 03 Jul 2025 08:15 WIB\n\n"
        "WARTAKITA.CO.ID, MOSKOW -- " + PROSE
    )
    assert _outlet(body) == "WARTAKITA.CO.ID"


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


def test_buttons_and_sharing_lines_are_never_the_outlet() -> None:
    """Controls repeat like a masthead ("Cerrar", "Antworten Melden"): they name no site."""
    body = (
        "Cerrar\nSuscribite\n\nFerry strike ends after pay deal\n\n"
        + PROSE
        + "Antworten Melden\nAntworten Melden\nWhatsApp\nWhatsApp\nCerrar\nSuscribite\n"
    )
    assert _outlet(body) == ""


def test_a_logo_names_the_site_in_its_own_spelling() -> None:
    body = "Saltar a contenido\nLogo de la gaceta\n\nFerry strike ends after pay deal\n\n" + PROSE
    assert _outlet(body) == "la gaceta"


def test_the_masthead_beats_the_company_that_owns_it() -> None:
    """A copyright notice of the owner ("Coastal Media Group") yields to the masthead, and
    a company's name made of the masthead's ("Tidewater Media Group") gives the masthead."""
    owned = (
        "Skip to content\nThe Harbour Gazette\n\nFerry strike ends after pay deal\n\n"
        + PROSE
        + "The Harbour Gazette\nCopyright © 2024 Coastal Media Group\n"
    )
    assert _outlet(owned) == "The Harbour Gazette"
    named = (
        "• News\n• Sport\n\nFerry strike ends after pay deal\n\n"
        + PROSE
        + "More from the Tidewater\nThe Tidewater podcast\nSign up to Tidewater newsletters\n"
        "© Tidewater Media Group Limited 2024\n"
    )
    assert _outlet(named) == "Tidewater"


def test_a_byline_line_is_its_authors_not_the_outlet() -> None:
    page = (
        "The Harbour Gazette\nSearch\n\nFerry strike ends after pay deal\nBy Ji Da-gyum\n"
        "Published : Oct. 27, 2025 - 15:12\n\n" + PROSE + "By Ji Da-gyum (jdg@example.com)\n"
    )
    lines = split_lines(page)
    found = candidates(lines, page, start=6, end=len(lines) - 1)
    assert not [c for c in found.values() if "Ji Da-gyum" in c.name]
    assert "the harbour gazette" in found


@pytest.mark.parametrize(
    ("credit", "name"),
    [
        ("(Matt Stone/Boston Herald)", "Boston Herald"),
        ("(AP Photo/Matt Rourke)", None),  # a wire's photographer, not a site
    ],
)
def test_a_photo_credit_names_the_site_after_its_photographer(
    credit: str, name: str | None
) -> None:
    m = CREDIT_RE.search(f"The mayor speaks to reporters. {credit}")
    assert (m["tail"] or m["lead"] if m else None) == name


def test_an_indonesian_company_notice_is_the_owner_not_the_outlet() -> None:
    """ "© 2025 PT Warta Kabar Nusantara" names the company (PT, Perseroan Terbatas)
    that owns the site; the masthead is the outlet."""
    page = (
        "Kabar Nusa\nBeranda | Nasional | Internasional | Ekonomi\n\n"
        "Ferry strike ends after pay deal\n\n"
        + PROSE
        + "Tentang Kami | Redaksi | Pedoman Media Siber\n"
        "Copyright © 2025 PT Warta Kabar Nusantara. All rights reserved.\n"
    )
    assert _outlet(page) == "Kabar Nusa"


def test_a_place_the_article_is_about_is_not_the_outlet() -> None:
    body = (
        "Portsmouth\nWeather\n\nFerry strike ends in Portsmouth after pay deal\n\n"
        "Portsmouth's harbour authority said the crews would return to work in Portsmouth "
        "next week after the operators agreed to a new contract with higher pay.\n\n"
        + PROSE
        + "Portsmouth\n"
    )
    assert _outlet(body) == ""


def test_names_in_the_chrome_a_copyright_domain_and_a_spelled_out_acronym() -> None:
    mentioned = (
        "Jobs bei HGZ24\n\nFerry strike ends after pay deal\n\n"
        + PROSE
        + "HGZ24 BREAKING NEWS\nDu hast den HGZ24 Push-Service abonniert.\n"
    )
    assert _outlet(mentioned) == "HGZ24"
    notice = "কপিরাইট © 2010-2021 harbourgazette.com\n"  # "copyright" in Bengali
    domain = "Ferry strike ends after pay deal\n\n" + PROSE + notice
    assert _outlet(domain) == "harbourgazette.com"
    acronym = (
        "HG\nHG\n\nFerry strike ends after pay deal\n\n"
        + PROSE
        + "Über HG\nHG Abo\nCopyright © Harbour Gazette AG\n"
    )
    assert _outlet(acronym) == "Harbour Gazette"


@pytest.mark.parametrize(
    ("dateline", "outlet"),
    [
        ("JAKARTA, WARTAKINI - ", "WARTAKINI"),
        ("JAKARTA, KABARKITA.com - ", "KABARKITA.com"),
        ("kabarkita.id - ", "kabarkita.id"),  # the domain in lower case, alone
        ("KABARKITA.ID—", "KABARKITA.ID"),  # an em dash glued to both words
        ("WASHINGTON, DC - ", ""),  # a state's code, not a site
        ("ПОРТСМУТ, 11 июл — Корк Новости. ", "Корк Новости"),  # the name after the dash
        ("PORTSMOUTH, July 11 — The Harbour said. ", ""),  # a sentence after the dash
    ],
)
def test_a_site_dateline_names_the_outlet(dateline: str, outlet: str) -> None:
    body = "Beranda\nNasional\n\nFerry strike ends after pay deal\n\n" + dateline + PROSE
    assert _outlet(body) == outlet


def test_a_city_opening_the_article_is_no_site_however_often_the_page_prints_it() -> None:
    # Malay papers open with the place alone ("HAT YAI - "); the page's tags repeat it.
    body = (
        "Beranda\nDunia\n\nFerry strike ends after pay deal\n\nPORTSMOUTH - "
        + PROSE
        + "Tags\nPortsmouth\nFerry\n"
    )
    assert _outlet(body) == ""


def test_a_teaser_about_someone_is_not_the_site_speaking_of_itself() -> None:
    teaser = "Everything you need to know about Harold Finch"  # "about" inside a teaser
    body = (
        f"Menu\n{teaser}\n\nFerry strike ends after pay deal\n\n" + PROSE + f"{teaser}\nPrivacy\n"
    )
    assert _outlet(body) != "Harold Finch"


@pytest.mark.parametrize("badge", ["[Google News logo]", "[App Store logo] [Google Play logo]"])
def test_a_platforms_badge_is_not_the_sites_logo(badge: str) -> None:
    body = f"[logo]\n{badge} Get the app\n\nFerry strike ends after pay deal\n\n" + PROSE
    assert _outlet(body) == ""


def test_a_logos_alt_text_in_brackets_names_the_site() -> None:
    # A text browser prints an image's alt text in brackets; a file name has no spaces.
    body = (
        "[Harbour Times logo]   Menu   Search\n[hdr-logo_2x]\n\n"
        "Ferry strike ends after pay deal\n\n" + PROSE
    )
    assert _outlet(body) == "Harbour Times"


@pytest.mark.parametrize(
    ("top", "outlet"),
    [
        ("[The Harbour Times]   Subscribe   Sign in", "The Harbour Times"),
        ("[Search]   [The Harbour Times]", ""),  # the first image is a control
        ("[Email address]   SIGN UP", ""),  # a form's field
        ("[IMG]   [The Harbour Times]", ""),  # an image without alt text first
    ],
)
def test_the_first_image_in_brackets_is_the_mastheads_logo(top: str, outlet: str) -> None:
    # A text browser prints an image's alt text in brackets, without the word "logo".
    body = f"Skip to main content\n\n{top}\n\nFerry strike ends after pay deal\n\n" + PROSE
    assert _outlet(body) == outlet


def test_a_rights_notice_without_the_sign_names_the_holder() -> None:
    """The line above "Todos los derechos reservados" is the site's, not the web vendor's."""
    body = (
        "Menú\n\nFerry strike ends after pay deal\n\n"
        + PROSE
        + "Webvendor - Gestión de Contenido\nwww.webvendor.com\n\n"
        "Harbour Gazette\nTodos los derechos reservados 2022\n"
    )
    assert _outlet(body) == "Harbour Gazette"


def test_a_readers_own_area_is_not_the_outlet() -> None:
    body = "Minha Gazeta\nOtros\n\nFerry strike ends after pay deal\n\n" + PROSE + "Minha Gazeta\n"
    assert _outlet(body) == ""


def test_the_sites_byline_and_dateline_in_the_article_do_not_make_it_the_story() -> None:
    """A site that signs its report under the headline is still the site, not its subject."""
    body = (
        "Harbour Gazette\nInternasional\n\nFerry strike ends after pay deal\n\nHarbour Gazette\n"
        "Portsmouth, Harbour Gazette --\n" + PROSE
    )
    assert _outlet(body) == "Harbour Gazette"


def test_a_section_among_a_menus_items_gives_way_to_the_masthead() -> None:
    body = (
        "Tidewater\nSearch\nHome | News | Economy | Sports\nNews\n\n"
        "Ferry strike ends after pay deal\n\nTim Tidewater, Jurnalis\n"
        + PROSE
        + "Follow Tidewater on News\n"
    )
    assert _outlet(body) == "Tidewater"


def test_a_brand_in_lower_case_with_a_capital_inside() -> None:
    body = "harbourNews\nMasuk\n\nFerry strike ends after pay deal\n\n" + PROSE + "harbourNews\n"
    assert _outlet(body) == "harbourNews"


def test_a_city_the_chrome_repeats_gives_way_to_the_sites_own_name() -> None:
    # A local site heads its sections and teasers with its city; its own name is a
    # brand printed inside other chrome lines. The city is a populated place (GeoNames).
    teasers = "".join(
        f"{t} Bremen Top\n"
        for t in ("Polizei sucht Zeugen nach Unfall", "Werder gewinnt in Bremen",
                  "Wetter in Bremen: Regen bis Sonntag", "Neuer Markt in Bremen eröffnet")
    )  # fmt: skip
    body = (
        "Bremen\n• Bremen\n• Sport\n• Kultur\nJobs bei WESER24\n\n"
        "Ferry strike ends after pay deal\n\n"
        + PROSE
        + "Bremen\n"
        + teasers
        + "WESER24 BREAKING NEWS\nDu hast den WESER24 Push-Service abonniert.\nBremen\n"
    )
    assert _outlet(body) == "WESER24"


@pytest.mark.parametrize(
    ("name", "place"),
    [("Köln", True), ("Cologne", True), ("St. Paul", True), ("JAKARTA", True),
     ("Indonesia", True), ("Reuters", False), ("Antara", False), ("Los Andes", False)],
)  # fmt: skip
def test_places_are_cities_countries_and_states_of_geonames(name: str, place: bool) -> None:
    assert is_place(name) is place


@pytest.mark.parametrize(
    "notice",
    [
        "Copyright © 2026 Harbour Media Limited. Co. Regn. No. 202120748H. All rights reserved.",
        "© 2026 HARBOUR DIGITAL LLC",
        "Copyright © 1995-2025 Harbour Media Group Berhad [197101000523 (10894-D)]",
    ],
)
def test_the_company_a_notice_names_gives_way_to_the_masthead(notice: str) -> None:
    body = (
        "The Harbour Times\nNews | World | Business\n\nFerry strike ends after pay deal\n\n"
        + PROSE
        + "The Harbour Times\nSubscribe\n"
        + notice
        + "\n"
    )
    assert _outlet(body) == "The Harbour Times"


@pytest.mark.parametrize("name", ["KBS", "NBC", "ZDF", "ORF"])
def test_a_broadcasters_acronym_is_no_place(name: str) -> None:
    # GeoNames files airport codes beside a city's names ("KBS" for Bo, "ORF" for
    # Norfolk): only spellings count as places.
    assert not is_place(name)
    body = f"Ferry strike ends after pay deal\nSEOUL, June 19 ({name}) --\n\n" + PROSE
    assert _outlet(body) == name


@pytest.mark.parametrize(
    ("masthead", "footer", "outlet"),
    [
        # The masthead's one word, which the article also names, is not enough alone.
        ("Podcasts\nKontakt\n\nNordwelle\n",
         "The minister told Nordwelle in an interview on Sunday evening that the deal would hold "
         "through the winter months.\n\n"
         "Entdecken Sie den Nordwelle\nImpressum\n", "Nordwelle"),
        ("Menu\nSearch\n", "Why you can trust HARBOUR GAZETTE\nFollow HARBOUR GAZETTE\n",
         "HARBOUR GAZETTE"),
        ("Menu\n• Gazeta do Vale\n• Política\n",
         "• Sobre a Gazeta do Vale\n• Assine a Gazeta do Vale\nAnuncie\n", "Gazeta do Vale"),
    ],
)  # fmt: skip
def test_the_site_speaking_of_itself_in_its_chrome_names_it(
    masthead: str, footer: str, outlet: str
) -> None:
    # No notice, logo or dateline: only the site's furniture names it ("About …",
    # "Why you can trust …", "Entdecken Sie den …"), in any language.
    body = masthead + "\nFerry strike ends after pay deal\n\n" + PROSE + footer
    assert _outlet(body) == outlet


def test_a_company_form_before_the_name_gives_the_paper() -> None:
    # "C.A." (Compañía Anónima) opens the holder's name; the paper is the name after it.
    body = (
        "Inicio | Mundo | Deportes\n\nFerry strike ends after pay deal\n\n"
        + PROSE
        + "Escríbanos a la redacción de Últimas Novedades por WhatsApp\n"
        + "© 2022 C.A. Últimas Novedades RIF J-00037398-1\n"
    )
    assert _outlet(body) == "Últimas Novedades"
