"""Site names out of feed titles and page titles: without section or tagline.

The feed measure reads the 32 real feeds of ``../shared/corpora/news-feeds``
with the real feed parser and prints how many come out as the site's name.
The expected names below are this test's labels, written by reading each
feed's title and its MANIFEST.json description (alternatives where a site
goes by two names); they are never consulted by the code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digest.ingest.sitename import name_key, same_site, site_name, split_title, tidy_name
from digest.ingest.sources.feedparse import parse_feed
from digest.ingest.sources.feeds import FeedSpec, feed_outlet

FEEDS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "news-feeds"
EXPECTED = {
    "AtomTheVerge.xml": ["The Verge"],
    "Rss10Minutos20.xml": ["20minutos.es"],
    "Rss10OrfAt.xml": ["news.ORF.at", "ORF.at"],
    "Rss20BreakingNews.xml": ["BreakingNews.ie"],
    "Rss20CTVNews.xml": ["CTVNews.ca", "CTV News"],
    "Rss20CityDog.xml": ["citydog.by"],
    "Rss20DaStandardAt.xml": ["daStandard.at", "derStandard.at"],
    "Rss20FazNet.xml": ["FAZ.NET"],
    "Rss20IndianExpress.xml": ["The Indian Express"],
    "Rss20JapanTimes.xml": ["The Japan Times"],
    "Rss20JapanToday.xml": ["Japan Today"],
    "Rss20LeMonde.xml": ["Le Monde"],
    "Rss20MoscowTimes.xml": ["The Moscow Times"],
    "Rss20NYTimes.xml": ["The New York Times", "NYT"],
    "Rss20Reuters.xml": ["Reuters"],
    "Rss20RomaToday.xml": ["RomaToday"],
    "Rss20Spiegel.xml": ["SPIEGEL ONLINE"],
    "Rss20TheMirror.xml": ["Mirror", "Daily Mirror"],
    "Rss20YandexRussia.xml": ["Яндекс.Новости"],
    "encoding.rss": ["Jornal de Notícias"],
    "guardian.rss": ["The Guardian"],
    "heise.atom": ["heise developer", "heise"],
    "uolNoticias.rss": ["UOL Noticias", "UOL"],
    "iconv.xml": ["oren.ru"],
    "tpm.atom": ["Talking Points Memo", "TPM"],
    "wapowellness.xml": ["The Washington Post"],
    "TechCrunch.xml": ["TechCrunch"],
    "feed-test-ru.xml": ["Аргументы и Факты"],
    "golem-de.xml": ["Golem.de"],
    "rss_lemonde.xml": ["Le Monde"],
    "rss_theguardian.xml": ["The Guardian"],
    "rss_ukrnet.xml": ["Suspilne", "suspilne.news"],
}
MIN_SHARE = 0.85


def _same(got: str, names: list[str]) -> bool:
    def key(name: str) -> str:
        k = name_key(name)
        return k.removeprefix("the") or k

    return any(key(got) == key(n) for n in names)


def test_feed_outlets_are_site_names_without_tagline() -> None:
    if not (FEEDS / "MANIFEST.json").exists():
        pytest.skip(f"shared corpora not found at {FEEDS}")
    manifest = json.loads((FEEDS / "MANIFEST.json").read_text(encoding="utf-8"))
    assert {Path(m["file"]).name for m in manifest} == set(EXPECTED)
    right, lines = 0, []
    for m in manifest:
        path = FEEDS / m["file"]
        parsed = parse_feed(path.read_bytes(), url=path.as_uri())
        outlet = feed_outlet(FeedSpec(path.as_uri(), str(path)), parsed)
        ok = _same(outlet, EXPECTED[path.name])
        right += ok
        lines.append(f"  {'ok  ' if ok else 'MISS'} {parsed.title!r} -> {outlet!r}")
    print(f"\nnews-feeds: {right}/{len(manifest)} feed outlets are the site's name")
    print("\n".join(lines))
    assert right / len(manifest) >= MIN_SHARE


def test_the_opml_title_overrides_the_feeds_own() -> None:
    parsed = parse_feed(
        b"<rss version='2.0'><channel><title>The Moscow Times - News, Business, Culture"
        b" &amp; Multimedia from Russia</title><link>https://www.themoscowtimes.com/</link>"
        b"<item><title>A</title><link>https://www.themoscowtimes.com/a</link></item>"
        b"</channel></rss>",
        url="https://www.themoscowtimes.com/rss/news",
    )
    plain = FeedSpec("https://www.themoscowtimes.com/rss/news", "x")
    assert feed_outlet(plain, parsed) == "The Moscow Times"
    named = FeedSpec("https://www.themoscowtimes.com/rss/news", "x", title="MT (English)")
    assert feed_outlet(named, parsed) == "MT (English)"


@pytest.mark.parametrize(
    ("title", "url", "expected"),
    [
        ("World – The Indian Express", "http://indianexpress.com", "The Indian Express"),
        ("Aktuell - FAZ.NET", "http://www.faz.net/aktuell/", "FAZ.NET"),
        ("Japan Times latest articles", "http://www.japantimes.co.jp", "Japan Times"),
        ("ABC13 Houston", "https://abc13.com", "ABC13 Houston"),
        ("Kabar Timur - Berita Terkini, Tajam dan Terpercaya", None, "Kabar Timur"),
        ("Berita Terkini, Tajam dan Terpercaya | Kabar Timur", None, "Kabar Timur"),
        ("KabarDunia.id", None, "KabarDunia.id"),
        ("", None, None),
    ],
)
def test_site_name(title: str, url: str | None, expected: str | None) -> None:
    assert site_name(title, url=url) == expected


def test_names_compare_in_any_spelling() -> None:
    assert name_key("https://www.TheGuardian.com/") == name_key("The Guardian") == "theguardian"
    assert name_key("La Prensa Gráfica") == "laprensagrafica"
    assert same_site("wien.ORF.at", {"orfat", "wienorf"})
    assert not same_site("Korea", {"kompas"})
    assert tidy_name("Ediciones EL PAÍS S.L.") == "Ediciones EL PAÍS"
    # One list of legal forms: several in a row go; a broadcaster's "Corporation" stays.
    assert tidy_name("Harbour Media Sdn. Bhd.") == "Harbour Media"
    assert tidy_name("DER HAFEN GmbH & Co. KG") == "DER HAFEN"
    assert tidy_name("Harbour Broadcasting Corporation") == "Harbour Broadcasting Corporation"
    assert tidy_name("Radio Sa Harbour") == "Radio Sa Harbour"
    assert split_title("Headline | Site - Tagline") == ["Headline", "Site", "Tagline"]
