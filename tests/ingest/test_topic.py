"""Topic stage: both sides must be involved; the terms come from config/topic.toml."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest.errors import ConfigError
from digest.ingest.topic import classify, load_terms
from digest.models import Article

ROOT = Path(__file__).resolve().parents[2]
TERMS = load_terms(ROOT / "config" / "topic.toml")


def article(text: str, title: str = "Berita", language: str = "id") -> Article:
    return Article(
        source="x.txt",
        kind="file",
        title=title,
        outlet="Test",
        published=datetime(2025, 4, 28, tzinfo=UTC),
        date_is_fallback=False,
        text=text,
        language=language,
        fingerprint="f",
    )


@pytest.mark.parametrize("seed", sorted((ROOT / "seeds").glob("*.txt")), ids=lambda p: p.name[:3])
def test_every_seed_is_on_topic(seed: Path) -> None:
    text = seed.read_text(encoding="utf-8")
    assert classify(article(text), TERMS).on_topic


def test_russia_ukraine_without_north_korea_is_off_topic() -> None:
    text = (
        "Russian forces launched a drone attack on Kyiv overnight, Ukraine's air force said. "
        "Vladimir Putin said Moscow would continue its offensive in the Donbas. "
        "Ukraine's president Volodymyr Zelensky called for more air defence."
    )
    decision = classify(article(text, "Russia strikes Kyiv", "en"), TERMS)
    assert not decision.on_topic
    assert decision.reason == "off-topic"


def test_north_korean_missile_test_without_russian_angle_is_off_topic() -> None:
    text = (
        "Korea Utara kembali meluncurkan rudal balistik ke Laut Jepang pada Rabu pagi. "
        "Kepala Staf Gabungan Korea Selatan menyebut rudal itu terbang sejauh 800 km. "
        "Pyongyang belum memberikan pernyataan resmi."
    )
    assert not classify(article(text, "Korut Luncurkan Rudal"), TERMS).on_topic


def test_a_passing_mention_is_not_an_angle() -> None:
    text = (
        "North Korea fired a ballistic missile on Wednesday, Seoul said. "
        "Pyongyang has launched more than twenty missiles this year. "
        "Japan protested the launch. Analysts note that Russia has vetoed new UN sanctions before."
    )
    assert not classify(article(text, "North Korea fires missile", "en"), TERMS).on_topic


def test_both_sides_in_one_sentence_is_enough() -> None:
    text = "Kim Jong Un met Sergei Lavrov in Wonsan on Saturday. The talks lasted two hours."
    assert classify(article(text, "Talks", "en"), TERMS).on_topic


def test_a_language_the_terms_do_not_cover_is_the_reason_given() -> None:
    text = "Северная Корея и Россия подписали договор. Путин и Ким Чен Ын встретились."
    decision = classify(article(text, language="ru"), TERMS)
    assert not decision.on_topic
    assert decision.reason == "language ru not covered by topic.toml"
    english = classify(article("The weather was fine.", language="en"), TERMS)
    assert english.reason == "off-topic"


def test_only_the_vocabulary_decides_whatever_the_language() -> None:
    text = "Putin empfing Kim Jong Un am Dienstag in Moskau, wie der Kreml mitteilte."
    assert classify(article(text, "Gipfel", language="de"), TERMS).on_topic
    other = "Der Bundestag beriet am Dienstag über den Haushalt."
    assert classify(article(other, language="de"), TERMS).reason == (
        "language de not covered by topic.toml"
    )


def test_covered_languages_come_from_topic_toml(tmp_path: Path) -> None:
    path = tmp_path / "topic.toml"
    path.write_text(
        'languages = ["de"]\n[russia]\nterms = ["russland"]\n[north_korea]\nterms = ["nordkorea"]\n'
    )
    terms = load_terms(path)
    assert terms.languages == ("de",)
    assert classify(article("Das Wetter war gut.", language="de"), terms).reason == "off-topic"
    assert "not covered" in classify(article("Cuaca cerah.", language="id"), terms).reason
    path.write_text('languages = "de"\n[russia]\nterms = ["a"]\n[north_korea]\nterms = ["b"]\n')
    with pytest.raises(ConfigError) as info:
        load_terms(path)
    assert info.value.key == "languages"


def test_terms_file_errors_name_the_key(tmp_path: Path) -> None:
    path = tmp_path / "topic.toml"
    path.write_text('[russia]\nterms = []\n[north_korea]\nterms = ["korut"]\n')
    with pytest.raises(ConfigError) as info:
        load_terms(path)
    assert info.value.key == "[russia] terms"


def test_terms_are_editable_without_code(tmp_path: Path) -> None:
    path = tmp_path / "topic.toml"
    path.write_text('[russia]\nterms = ["rusia"]\n[north_korea]\nterms = ["korut"]\n')
    terms = load_terms(path)
    assert classify(article("Rusia dan Korut bertemu."), terms).on_topic
    assert not classify(article("Rusia dan Korea Utara bertemu."), terms).on_topic


def test_a_side_that_is_not_a_table_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "topic.toml"
    path.write_text('russia = "x"\n[north_korea]\nterms = ["korut"]\n')
    with pytest.raises(ConfigError) as info:
        load_terms(path)
    assert info.value.key == "[russia]"
