"""Rendering: goldens for both languages, and the properties a reader relies on.

Set DIGEST_UPDATE_GOLDEN=1 to rewrite the files in tests/data/golden/ after
an intended change, then review the diff before committing.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import html as lxml_html

from digest.models import Copy, Digest, Story, StoryItem
from digest.output.compose import compose
from digest.output.render import digest_to_json, render
from digest.text import safe_href
from tests.helpers import EVIL_HEADLINE, GENERATED, TEMPLATES, TZ, make_digest, rendered

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("DIGEST_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run the tests with DIGEST_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.mark.parametrize("language", ["id", "en"])
def test_output_matches_golden_files(language: str) -> None:
    email = rendered(language)
    check_golden(f"digest_{language}.html", email.html)
    check_golden(f"digest_{language}.txt", email.text)
    check_golden(f"digest_{language}.subject.txt", email.subject + "\n")
    data = json.dumps(email.data, indent=2, ensure_ascii=False, sort_keys=True)
    check_golden(f"digest_{language}.json", data + "\n")


def test_every_headline_is_in_both_parts_in_order() -> None:
    digest = make_digest()
    email = rendered(digest=digest)
    doc = lxml_html.fromstring(email.html)
    html_headlines = [h.text_content() for h in doc.iter("h2")]
    assert html_headlines == [story.headline for story in digest.stories]
    positions = [email.text.index(story.headline) for story in digest.stories]
    assert positions == sorted(positions)


def test_order_is_outlets_then_recency() -> None:
    assert [len(s.outlets) for s in make_digest().stories] == [3, 2, 2]
    assert [s.id for s in make_digest().stories] == [2, 1, 3]


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        (
            "id",
            ["diberitakan oleh 3 media", "diberitakan oleh 2 media", "diberitakan oleh 1 media"],
        ),
        ("en", ["reported by 3 outlets", "reported by 2 outlets", "reported by 1 outlet"]),
    ],
)
def test_outlet_counts_in_both_parts(language: str, phrases: list[str]) -> None:
    digest = make_digest(language)
    lone = digest.stories[2]
    lone = replace(lone, items=(replace(lone.items[0], copies=()),))
    email = rendered(digest=replace(digest, stories=(*digest.stories[:2], lone)))
    for phrase in phrases:
        assert email.html.count(phrase) == 1
        assert email.text.count(phrase) == 1


@pytest.mark.parametrize(
    ("language", "badge", "new", "whats_new", "copies"),
    [
        ("id", "Pembaruan", "baru", "Laporan baru dari Tempo", "juga dimuat ulang oleh"),
        ("en", "Update", "new", "New reports from Tempo", "also re-posted by"),
    ],
)
def test_update_badge_new_items_and_copies(
    language: str, badge: str, new: str, whats_new: str, copies: str
) -> None:
    email = rendered(language)
    doc = lxml_html.fromstring(email.html)
    badges = [e.text_content() for e in doc.find_class("badge")]
    assert badges == [badge], "only the update story has a badge"
    assert [e.text_content() for e in doc.find_class("new")] == [new]
    assert whats_new in email.html and whats_new in email.text
    assert f"[{badge.upper()}]" in email.text and f"[{new}]" in email.text
    assert f"{copies} Tribun" in doc.text_content()
    assert f"{copies} Tribun: https://tribun.example/kim" in email.text


def test_html_is_escaped_and_carries_no_script() -> None:
    email = rendered()
    assert "<script" not in email.html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Rusia &amp; Korea Utara" in email.html
    assert "&lt;b&gt;tag&lt;/b&gt; &amp;" in email.html
    doc = lxml_html.fromstring(email.html)
    assert not doc.xpath("//script | //img | //iframe | //object | //@onerror")
    assert EVIL_HEADLINE in [h.text_content() for h in doc.iter("h2")]
    assert EVIL_HEADLINE in email.text, "the text part shows the headline as written"


def test_only_http_links_become_hrefs() -> None:
    email = rendered()
    doc = lxml_html.fromstring(email.html)
    hrefs = doc.xpath("//@href")
    assert hrefs
    assert all(h.startswith(("https://", "http://")) for h in hrefs)
    assert "javascript" not in email.html.lower()
    assert "javascript" not in email.text.lower()
    # A report without a link shows its title; never its file's name.
    assert "seeds/003_kim.txt" not in email.text
    assert "seeds/003_kim.txt" not in email.html
    assert 'href="https://kompas.example/putin-kursk?a=1&amp;b=2"' in email.html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\nscript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "//evil.example/x",
        "/relative/path",
        "https:///no-host",
        "https://exa mple.com/",
        "ftp://files.example/x",
        "",
        None,
    ],
)
def test_unsafe_urls_are_refused(url: str | None) -> None:
    assert safe_href(url) is None


def test_safe_urls_are_kept() -> None:
    assert safe_href("https://example.com/a?b=1&c=2") == "https://example.com/a?b=1&c=2"
    assert safe_href("HTTP://example.com/") == "HTTP://example.com/"


def test_subject_is_one_line_even_with_line_breaks_in_the_title() -> None:
    digest = replace(make_digest(), title="Ringkasan\r\nBcc: x@y\n\u2028berita")
    email = rendered(digest=digest)
    assert email.subject == "Ringkasan Bcc: x@y berita · 28 April 2025 · 3 berita"
    assert "\r" not in email.subject and "\n" not in email.subject


def test_subject_and_dates_per_language() -> None:
    assert (
        rendered("id").subject == "Rusia–Korea Utara: ringkasan berita · 28 April 2025 · 3 berita"
    )
    assert rendered("en").subject == (
        "Rusia–Korea Utara: ringkasan berita · April 28, 2025 · 3 stories"
    )
    assert "Senin, 28 April 2025" in rendered("id").html
    assert "Monday, April 28, 2025" in rendered("en").html


def test_indonesian_month_names() -> None:
    months = (
        "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
    )
    for number, name in enumerate(months.split(), start=1):
        digest = replace(make_digest(), generated_at=datetime(2025, number, 3, 9, tzinfo=TZ))
        assert f"3 {name} 2025" in rendered(digest=digest).subject


def test_dates_follow_the_time_zone() -> None:
    late = datetime(2025, 4, 27, 20, 0, tzinfo=ZoneInfo("UTC"))
    digest = replace(make_digest(), generated_at=late)
    assert "28 April 2025" in rendered(digest=digest).subject
    assert digest_to_json(digest, TZ)["generated_at"] == "2025-04-28T03:00:00+07:00"


def test_a_file_time_is_never_shown_as_a_date() -> None:
    # The hostile story's one report has only its file's time (26 April).
    email = rendered()
    for part in (lxml_html.fromstring(email.html).text_content(), email.text):
        assert "tanggal tidak diketahui · diberitakan oleh 2 media" in part
        assert "26 April 2025" not in part
    assert "date unknown · reported by 2 outlets" in rendered("en").text


@pytest.mark.parametrize(
    ("language", "line", "subject_end"),
    [
        ("id", "Tidak ada berita baru sejak ringkasan terakhir.", "0 berita"),
        ("en", "Nothing new since the last digest.", "0 stories"),
    ],
)
def test_empty_digest(language: str, line: str, subject_end: str) -> None:
    digest = replace(make_digest(language), stories=())
    email = rendered(digest=digest)
    assert line in email.html and line in email.text
    assert email.preheader == line
    assert email.subject.endswith(subject_end)
    assert email.data["stories"] == []


def test_email_safe_structure() -> None:
    email = rendered()
    doc = lxml_html.fromstring(email.html)
    assert email.html.startswith("<!DOCTYPE html>")
    assert doc.get("lang") == "id"
    head_styles = " ".join(s.text for s in doc.xpath("/html/head/style"))
    assert "@media (prefers-color-scheme: dark)" in head_styles
    assert "@media (max-width: 480px)" in head_styles
    assert not doc.xpath("//body//style"), "styles stay in the head"
    cards = doc.find_class("card")
    assert len(cards) == 1
    assert cards[0].get("width") == "100%" and "max-width:640px" in cards[0].get("style")
    styles = " ".join(doc.xpath("//@style")) + head_styles
    for banned in ("flex", "grid", "position:", "var(--", "background-image", "@import", "url("):
        assert banned not in styles, banned
    assert doc.xpath("//body//td[@style]"), "CSS was inlined"
    preheader = doc.xpath("//body/div[1]")[0]
    assert "display:none" in preheader.get("style")
    assert preheader.text_content().startswith("3 berita: Kim Jong Un Tegaskan Dukungan")
    assert email.preheader.startswith("3 berita: Kim Jong Un Tegaskan Dukungan")
    assert len(email.preheader) <= 140


def test_json_has_exactly_the_documented_shape() -> None:
    data = rendered().data
    assert {"generated_at", "stories", "excluded"} <= set(data)
    assert data["generated_at"] == "2025-04-28T07:00:00+07:00"
    assert data["excluded"] == [{"source": "seeds/olahraga.txt", "reason": "off-topic"}]
    story = data["stories"][0]
    assert {"id", "headline", "summary", "published", "outlets", "update", "items"} <= set(story)
    assert story["outlets"] == ["Antara", "Tempo", "Tribun"]
    assert story["update"] is True
    item = story["items"][1]
    assert {"id", "source", "title", "outlet", "published", "url", "copies"} <= set(item)
    assert item["published"] == "2025-04-28T02:30:00+07:00"
    assert item["copies"] == [
        {
            "source": "https://tribun.example/kim",
            "outlet": "Tribun",
            "url": "https://tribun.example/kim",
        }
    ]
    json.dumps(data)


def test_unknown_language_is_refused() -> None:
    digest = replace(make_digest(), language="fr")
    with pytest.raises(ValueError, match="fr"):
        rendered(digest=digest)


def big_digest(count: int = 30) -> Digest:
    """A heavy but realistic digest: 3 reports per story, one with two copies, long URLs."""
    base = datetime(2025, 4, 28, 6, 0, tzinfo=TZ)
    summary = " ".join(
        ["Presiden Rusia Vladimir Putin berterima kasih kepada Korea Utara atas bantuan pasukan."]
        * 5
    )[:450]
    stories = []
    for n in range(count):
        items = tuple(
            StoryItem(
                id=n * 10 + k,
                source=f"https://www.outlet{k}.example.co.id/internasional/2025/04/28/{n}"
                "/korea-utara-kirim-pasukan-ke-rusia-putin-ucapkan-terima-kasih",
                title="Korea Utara Kirim Pasukan ke Rusia, Putin Ucapkan Terima Kasih kepada Kim",
                outlet=f"Media Nusantara {k}",
                published=base - timedelta(hours=n + k),
                date_is_fallback=False,
                url=f"https://www.outlet{k}.example.co.id/internasional/2025/04/28/{n}"
                "/korea-utara-kirim-pasukan-ke-rusia-putin-ucapkan-terima-kasih?utm_source=rss",
                copies=tuple(
                    Copy(
                        source=f"https://mirror{c}.example.com/{n}/{k}",
                        outlet=f"Cermin {c}",
                        url=f"https://mirror{c}.example.com/berita/{n}/{k}/korea-utara-rusia",
                    )
                    for c in range(2 if k == 0 else 0)
                ),
                new=k == 2,
            )
            for k in range(3)
        )
        stories.append(
            Story(
                id=n,
                headline=f"Korea Utara dan Rusia Perkuat Kerja Sama Militer, Laporan {n}",
                summary=summary,
                published=base - timedelta(hours=n),
                items=items,
                update=n % 3 == 0,
            )
        )
    return compose(stories, title="Rusia–Korea Utara", language="id", generated_at=GENERATED)


def test_thirty_stories_stay_well_below_gmail_clipping() -> None:
    email = rendered(digest=big_digest())
    size = len(email.html.encode("utf-8"))
    assert size < 90_000, f"{size} bytes: Gmail clips at 102 KB"


@pytest.mark.browser
def test_layout_in_a_browser(browser, tmp_path: Path) -> None:
    """No horizontal scroll at phone widths, even with an unbreakable word; dark mode applies."""
    digest = make_digest()
    long_word = "Pyongyang" * 12
    story = replace(digest.stories[0], headline=f"{long_word} {digest.stories[0].headline}")
    page_file = tmp_path / "digest.html"
    page_file.write_text(
        rendered(digest=replace(digest, stories=(story, *digest.stories[1:]))).html
    )
    for width in (320, 375, 640, 1280):
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(page_file.as_uri())
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        page.close()
        assert scroll <= client, f"horizontal scroll at {width}px"
    page = browser.new_page(viewport={"width": 375, "height": 800}, color_scheme="dark")
    page.goto(page_file.as_uri())
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.close()
    assert background == "rgb(13, 17, 23)"


def test_templates_hold_no_interface_words() -> None:
    """Words a reader sees live in strings.toml, not in the templates."""
    for name in ("digest.html.j2", "digest.txt.j2", "subject.txt.j2"):
        source = (TEMPLATES / name).read_text(encoding="utf-8")
        visible = re.sub(r"<style.*?</style>|{[{%#].*?[}%#]}|<[^>]+>", " ", source, flags=re.S)
        for word in ("berita", "media", "Pembaruan", "outlets", "Update", "baru"):
            assert word not in visible, f"{word!r} spelled out in {name}"


def reader_digest(language: str) -> Digest:
    """A dated story with a link, and a wider-reported one known only by file times."""
    base = datetime(2025, 6, 17, 9, 0, tzinfo=TZ)
    dated = Story(
        id=1,
        headline="Putin terima Kim di Kremlin",
        summary="Presiden Rusia menerima pemimpin Korea Utara.",
        published=base - timedelta(days=3),
        items=(
            StoryItem(
                id=11,
                source="scraped/kabar/2025-06-14.html",
                title="Putin terima Kim di Kremlin",
                outlet="Kabar Timur",
                published=base - timedelta(days=3),
                date_is_fallback=False,
                url="https://kabartimur.example/2025/06/14/putin-kim",
            ),
        ),
    )
    undated = Story(
        id=2,
        headline="Korea Utara kirim pasukan tambahan ke Rusia",
        summary="Pasukan tambahan dikirim, kata sumber.",
        published=base,  # the newest file time: it must not put the story first
        items=(
            StoryItem(
                id=21,
                source="scraped/108_465e1b.txt",
                title="Korea Utara kirim pasukan tambahan ke Rusia",
                outlet="",
                published=base,
                date_is_fallback=True,
                url=None,
            ),
            StoryItem(
                id=22,
                source="scraped/109_77aa.txt",
                title="Pasukan tambahan Korea Utara tiba",
                outlet="Warta Kita",
                published=base,
                date_is_fallback=True,
                url=None,
            ),
        ),
    )
    return compose([undated, dated], title="Ringkasan", language=language, generated_at=GENERATED)


@pytest.mark.parametrize(
    ("language", "unknown_date", "unknown_outlet"),
    [
        ("id", "tanggal tidak diketahui", "media tidak diketahui"),
        ("en", "date unknown", "unknown outlet"),
    ],
)
def test_what_readers_see_of_undated_and_unnamed_reports(
    language: str, unknown_date: str, unknown_outlet: str
) -> None:
    digest = reader_digest(language)
    # Undated comes after dated, though it has more outlets and a newer file time.
    assert [s.id for s in digest.stories] == [1, 2]
    email = render(digest, templates_dir=TEMPLATES, tz=TZ)
    doc = lxml_html.fromstring(email.html)
    page = doc.text_content()
    for part in (page, email.text):
        assert unknown_date in part
        assert unknown_outlet in part
        assert part.index("Putin terima Kim") < part.index("pasukan tambahan")
        # The reader never sees where the files were kept.
        assert "scraped/" not in part and "108_465e1b" not in part and ".txt" not in part
    assert "scraped/" not in email.html
    assert doc.xpath("//a/@href") == ["https://kabartimur.example/2025/06/14/putin-kim"]
    assert "https://kabartimur.example/2025/06/14/putin-kim" in email.text
    # The structured record (preview, inspect) keeps the sources.
    sources = [i["source"] for s in email.data["stories"] for i in s["items"]]
    assert "scraped/108_465e1b.txt" in sources


def test_unknown_outlets_count_once_per_report() -> None:
    base = datetime(2025, 6, 17, tzinfo=TZ)
    items = tuple(
        StoryItem(
            id=n,
            source=f"f{n}.txt",
            title="T",
            outlet=outlet,
            published=base,
            date_is_fallback=False,
            url=None,
            copies=(Copy(source="c.txt", outlet="", url=None),) if n == 4 else (),
        )
        for n, outlet in enumerate(["", "Kabar Timur", "", "Kabar Timur", "Warta Kita"])
    )
    story = Story(id=1, headline="H", summary="", published=base, items=items)
    assert story.outlets == ["Kabar Timur", "Warta Kita", "", "", ""]
