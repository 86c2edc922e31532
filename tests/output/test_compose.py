"""Compose: extractive summaries of Indonesian and English news, and story order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.models import Copy, Excluded, Story, StoryItem
from digest.output.compose import MAX_SUMMARY_CHARS, compose, split_sentences, summarize

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

ARTICLE = "\n\n".join(
    [
        "Kim Jong Un Tegaskan Dukungan Penuh Rusia",
        "Pemimpin Korea Utara Kim Jong Un kembali menegaskan dukungan tanpa syarat kepada Rusia "
        "dalam perang melawan Ukraina. Kim menyatakan hal itu saat bertemu Menteri Luar Negeri "
        "Rusia Sergei Lavrov di Pyongyang.",
        "11.000 Tentara Dikirim",
        "Menurut pejabat Barat, Korea Utara telah mengirim sekitar 11.000 tentara ke Rusia "
        "selama setahun terakhir. Pasukan Korea Utara itu membantu Rusia merebut kembali "
        "wilayah Kursk dari Ukraina.",
        "“Kami akan selalu bersama Rusia. Persahabatan kami tidak tergoyahkan,” kata Kim.",
        "Sementara itu, Presiden AS. Donald Trump menyatakan akan mengirim sistem pertahanan "
        "udara Patriot ke Ukraina melalui NATO.",
        "Cuaca di Pyongyang cerah sepanjang pekan dan banyak warga berlibur ke pantai.",
    ]
)


def test_summary_starts_with_the_lede_and_keeps_document_order() -> None:
    summary = summarize(ARTICLE)
    assert summary.startswith("Pemimpin Korea Utara Kim Jong Un kembali menegaskan")
    parts = split_sentences(summary)
    assert len(parts) == 3
    positions = [ARTICLE.index(part) for part in parts]
    assert positions == sorted(positions)


@pytest.mark.parametrize("count", [1, 2, 3])
def test_summary_respects_the_sentence_count(count: int) -> None:
    parts = split_sentences(summarize(ARTICLE, sentences=count))
    assert len(parts) == count
    assert parts[0].startswith("Pemimpin Korea Utara")


def test_summary_leaves_out_headings_and_quotes() -> None:
    summary = summarize(ARTICLE, sentences=5)
    assert "Tentara Dikirim" not in summary
    assert "Tegaskan Dukungan Penuh" not in summary
    assert "“" not in summary


def test_summary_is_short_and_cut_between_sentences() -> None:
    long_text = " ".join(
        f"Kalimat nomor {n} membahas hubungan militer Rusia dan Korea Utara secara panjang lebar."
        for n in range(40)
    )
    summary = summarize(long_text, sentences=10)
    assert len(summary) <= MAX_SUMMARY_CHARS
    assert summary.endswith(".")
    assert summary.startswith("Kalimat nomor 0 ")


def test_one_very_long_sentence_is_shortened_at_a_word() -> None:
    text = "Rusia dan Korea Utara " + " ".join(["memperkuat kerja sama militer"] * 40) + "."
    summary = summarize(text)
    assert len(summary) <= MAX_SUMMARY_CHARS
    assert summary.endswith("…")
    assert summary[:-1].split()[-1] in {"memperkuat", "kerja", "sama", "militer"}


def test_nothing_to_summarize() -> None:
    assert summarize("") == ""
    assert summarize("   \n\n  ") == ""
    assert summarize("Judul Saja\n\nBaca juga") == ""
    assert summarize(ARTICLE, sentences=0) == ""


def test_numbers_with_thousands_dots_are_not_split() -> None:
    parts = split_sentences(
        "Korea Utara mengirim sekitar 11.000 tentara ke Rusia. Sekitar 600 tewas pada 2024. "
        "Selain itu, 3.000 pekerja dikirim."
    )
    assert parts == [
        "Korea Utara mengirim sekitar 11.000 tentara ke Rusia.",
        "Sekitar 600 tewas pada 2024.",
        "Selain itu, 3.000 pekerja dikirim.",
    ]


def test_abbreviations_and_initials_are_not_split() -> None:
    parts = split_sentences(
        "Presiden AS. Donald Trump bertemu Dr. Kim di Jl. Sudirman. "
        "The U.S. Department of State and Mr. Smith agreed. Kim J. Un setuju."
    )
    assert parts == [
        "Presiden AS. Donald Trump bertemu Dr. Kim di Jl. Sudirman.",
        "The U.S. Department of State and Mr. Smith agreed.",
        "Kim J. Un setuju.",
    ]


def test_quotations_stay_whole() -> None:
    parts = split_sentences(
        "“Persahabatan sejati ditunjukkan di medan tempur. Saya berterima kasih,” ujar Putin. "
        "Ia berbicara di Kremlin!"
    )
    assert parts == [
        "“Persahabatan sejati ditunjukkan di medan tempur. Saya berterima kasih,” ujar Putin.",
        "Ia berbicara di Kremlin!",
    ]


def test_english_wire_copy_with_dateline() -> None:
    text = (
        "SEOUL (Reuters) - North Korean leader Kim Jong Un pledged full support for Russia "
        "on Saturday, state media said. He met Russian Foreign Minister Sergei Lavrov in "
        "Wonsan. The U.S. State Department did not comment."
    )
    summary = summarize(text, sentences=2)
    assert summary.startswith("North Korean leader Kim Jong Un pledged full support")
    assert len(split_sentences(summary)) == 2


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_seed_articles_get_a_readable_summary(path: Path) -> None:
    summary = summarize(path.read_text(encoding="utf-8"))
    assert 80 < len(summary) <= MAX_SUMMARY_CHARS
    assert summary[-1] in '.!?”"'
    assert 1 <= len(split_sentences(summary)) <= 3
    for noise in ("Tinggalkan Balasan", "Baca juga", "Homepage", "Sumber foto", "JOIN CHANNEL"):
        assert noise not in summary


NOW = datetime(2025, 4, 28, 7, 0, tzinfo=UTC)


def story(story_id: int, outlets: list[str], hours_ago: int, copies: tuple[str, ...] = ()) -> Story:
    published = NOW - timedelta(hours=hours_ago)
    items = tuple(
        StoryItem(
            id=story_id * 100 + n,
            source=f"{story_id}-{n}.txt",
            title=f"Laporan {n}",
            outlet=outlet,
            published=published,
            date_is_fallback=False,
            url=None,
            copies=tuple(Copy(source=c, outlet=c, url=None) for c in copies) if n == 0 else (),
        )
        for n, outlet in enumerate(outlets)
    )
    return Story(
        id=story_id, headline=f"Berita {story_id}", summary="", published=published, items=items
    )


def test_compose_orders_by_outlets_then_recency_then_id() -> None:
    stories = [
        story(1, ["A"], 1),
        story(2, ["A", "B"], 10),
        story(3, ["A"], 1, copies=("C",)),
        story(4, ["A"], 0),
        story(5, ["A", "A"], 0),
    ]
    digest = compose(stories, title="T", language="id", generated_at=NOW)
    assert [s.id for s in digest.stories] == [3, 2, 4, 5, 1]


def test_compose_keeps_max_stories_and_the_rest_of_the_digest() -> None:
    stories = [story(n, ["A"] * (n % 3 + 1), n) for n in range(10)]
    excluded = [Excluded(source="x.txt", reason="off-topic")]
    digest = compose(
        iter(stories),
        title="Ringkasan",
        language="en",
        generated_at=NOW,
        excluded=iter(excluded),
        max_stories=4,
    )
    assert len(digest.stories) == 4
    assert digest.title == "Ringkasan" and digest.language == "en"
    assert digest.generated_at == NOW
    assert digest.excluded == tuple(excluded)
    assert not digest.is_empty
    assert compose([], title="T", language="id", generated_at=NOW).is_empty


def test_compose_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError):
        compose([], title="T", language="fr", generated_at=NOW)
    with pytest.raises(ValueError):
        compose([], title="T", language="id", generated_at=NOW.replace(tzinfo=None))
    with pytest.raises(ValueError):
        compose([], title="T", language="id", generated_at=NOW, max_stories=0)
