"""Deduplication units on a real SQLite store: shingles, band keys, copies, events, cost."""

from __future__ import annotations

import random
import re
from array import array
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.config import DedupConfig, load_config
from digest.ingest.clean import clean
from digest.ingest.features import (
    FeatureExtractor,
    Features,
    band_keys,
    phrase_pattern,
    shingle_words,
    shingles,
    signature_similarity,
    term_key,
)
from digest.ingest.sources.folder import scan_folders
from digest.ingest.topic import load_lexicon, load_terms, load_vocabulary
from digest.models import Article, TopicDecision, day_number
from digest.store import Store
from digest.store.index import KEY_TYPE, WEIGHT_TYPE, BulkEntry
from digest.stories.dedup import COPY_CANDIDATES_VERIFIED, Deduplicator
from tests.helpers import NOW, ROOT, SEEDS

TZ = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def extractor() -> FeatureExtractor:
    return FeatureExtractor(DedupConfig(), load_terms(ROOT / "config" / "topic.toml"), TZ)


@pytest.fixture(scope="module")
def seeds() -> list[Article]:
    items = scan_folders([SEEDS], known=lambda source: None, max_bytes=10_000_000)
    return [clean(item, now=NOW, tz=TZ) for item in items]


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "digest.sqlite") as opened:
        yield opened


def _save(store: Store, article: Article) -> int:
    with store.transaction():
        item_id, _ = store.items.save_item(article, TopicDecision(True, "on-topic"))
    return item_id


def _place(store: Store, extractor: FeatureExtractor, article: Article) -> tuple[int, object]:
    item_id = _save(store, article)
    with store.transaction():
        placement = Deduplicator(store, extractor).place(
            item_id,
            extractor.features(article),
            published=None if article.date_is_fallback else article.published,
        )
    return item_id, placement


def _edited(article: Article, rate: float, seed: int, source: str) -> Article:
    """A re-post: ``rate`` of the words changed in runs of 1–3, as a re-writer edits phrases."""
    rng = random.Random(seed)
    words = article.text.split(" ")
    edits = round(len(words) * rate)
    while edits > 0:
        run = min(edits, rng.randint(1, 3))
        at = rng.randrange(len(words) - run)
        words[at : at + run] = [rng.choice(("baru", "juga", "kemarin", "resmi"))] * run
        edits -= run
    return replace(
        article,
        source=source,
        title="Tajuk lain untuk artikel yang sama",
        text=" ".join(words),
        published=article.published + timedelta(hours=5),
    )


# -- units ---------------------------------------------------------------------------


def test_shingles_are_runs_of_lowercased_words() -> None:
    tokens = shingle_words("Korea Utara, kirim pasukan ke Rusia!")
    assert tokens == ["korea", "utara", "kirim", "pasukan", "ke", "rusia"]
    assert shingles(tokens, 5) == ["korea utara kirim pasukan ke", "utara kirim pasukan ke rusia"]
    assert shingles(tokens[:3], 5) == ["korea utara kirim"]
    assert shingles([], 5) == []


def test_band_keys_one_per_band_in_four_bytes() -> None:
    signature = array("H", range(128)).tobytes()
    keys = band_keys(signature, 64)
    assert len(keys) == 64 == len(set(keys))
    assert all(-(2**31) <= k < 2**31 for k in keys)
    assert band_keys(signature, 64) == keys  # stable across calls and processes
    # The same values in another band give another key: bands never collide by position.
    same = array("H", [7, 9] * 64).tobytes()
    assert len(set(band_keys(same, 64))) == 64


def test_signature_similarity_estimates_jaccard(extractor: FeatureExtractor) -> None:
    words = [f"w{i}" for i in range(600)]
    # Two documents sharing 400 of their 5-shingles out of 800 distinct: Jaccard 0.5.
    a = extractor.signature(words[:500])
    b = extractor.signature(words[100:600])
    true = len(set(shingles(words[:500], 5)) & set(shingles(words[100:600], 5))) / len(
        set(shingles(words[:500], 5)) | set(shingles(words[100:600], 5))
    )
    assert signature_similarity(a, a) == 1.0
    assert abs(signature_similarity(a, b) - true) < 0.12
    unrelated = extractor.signature([f"x{i}" for i in range(500)])
    assert signature_similarity(a, unrelated) < 0.05


# -- copies ----------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [0.05, 0.10, 0.15])
def test_lightly_edited_copy_of_a_seed_is_folded(store, extractor, seeds, rate) -> None:
    original = seeds[0]
    original_id, first = _place(store, extractor, original)
    assert first.copy_of is None
    copy_id, placement = _place(store, extractor, _edited(original, rate, 1, "repost.txt"))
    assert placement.copy_of == original_id
    assert placement.story_id == first.story_id
    assert placement.copy_similarity >= DedupConfig().copy_threshold
    assert store.items.placement(copy_id) == (original_id, first.story_id)


def test_distinct_seeds_are_not_copies(store, extractor, seeds) -> None:
    placements = [_place(store, extractor, article)[1] for article in seeds]
    assert all(p.copy_of is None for p in placements)


def test_an_older_original_arriving_after_its_copy_takes_over(store, extractor, seeds) -> None:
    original = seeds[4]  # dated 2025-04-30 08:42
    copy = _edited(original, 0.08, 2, "repost.txt")  # five hours later
    copy_id, first = _place(store, extractor, copy)
    original_id, placement = _place(store, extractor, original)
    assert placement.copy_of is None and placement.matched_item == copy_id
    assert placement.story_id == first.story_id
    assert store.items.placement(copy_id) == (original_id, first.story_id)
    assert store.items.placement(original_id) == (None, first.story_id)


# -- events ----------------------------------------------------------------------------


def _report(source: str, language: str, title: str, text: str, published: datetime) -> Article:
    return Article(
        source=source,
        kind="file",
        title=title,
        outlet=source.split(".")[0],
        published=published,
        date_is_fallback=False,
        text=text,
        language=language,
        fingerprint=source,
    )


WHEN = datetime(2025, 4, 28, 9, 0, tzinfo=UTC)
INDONESIAN = _report(
    "antara.txt",
    "id",
    "Putin Berterima Kasih atas 11.000 Pasukan Korea Utara di Kursk",
    "Presiden Rusia Vladimir Putin berterima kasih kepada Korea Utara atas pengiriman "
    "11.000 pasukan yang membantu merebut kembali wilayah Kursk pada 28 April 2025.\n\n"
    "Kepala Staf Umum Valery Gerasimov mengatakan pasukan Korea Utara bertempur "
    "bersama tentara Rusia di Kursk.",
    WHEN,
)
ENGLISH = _report(
    "reuters.txt",
    "en",
    "Putin thanks North Korea for 11,000 troops in Kursk",
    "Russian President Vladimir Putin thanked North Korea on April 28, 2025 for sending "
    "11,000 troops who helped retake the Kursk region.\n\n"
    "Chief of the General Staff Valery Gerasimov said the North Korean soldiers fought "
    "alongside Russian forces in Kursk.",
    WHEN + timedelta(hours=6),
)
OTHER_EVENT = _report(
    "tass.txt",
    "en",
    "Lavrov and Choe Son Hui sign a new treaty on energy in Wonsan",
    "Foreign ministers Sergei Lavrov and Choe Son Hui signed an energy treaty in Wonsan "
    "on April 27, 2025, covering a pipeline and a power line.\n\n"
    "The agreement follows talks on railway links between Khasan and Tumangang.",
    WHEN - timedelta(hours=20),
)


def test_an_english_and_an_indonesian_report_of_one_event_join_one_story(store, extractor) -> None:
    _, other = _place(store, extractor, OTHER_EVENT)
    indonesian_id, first = _place(store, extractor, INDONESIAN)
    _, second = _place(store, extractor, ENGLISH)
    assert first.story_id != other.story_id
    assert second.copy_of is None
    assert second.story_id == first.story_id
    assert second.matched_item == indonesian_id
    assert second.story_similarity >= DedupConfig().event_threshold


def test_reports_further_apart_than_the_window_stay_apart(store, extractor) -> None:
    _, first = _place(store, extractor, INDONESIAN)
    later = replace(ENGLISH, published=WHEN + timedelta(days=DedupConfig().event_window_days + 2))
    _, second = _place(store, extractor, later)
    assert second.story_id != first.story_id


def test_the_body_gives_its_names_and_not_its_other_words() -> None:
    lede = "The team placed its running back on injured reserve.\n\nHe hurt a knee on Sunday."
    body = (
        "\n\nCoach Sean Payton said Reggie Bush would return next season.\n\n"
        "Bush was the second pick of the draft, and the Saints signed a rookie from "
        "the practice squad after a Missile Defense briefing."
    )
    # the lexicon's actions and objects, even capitalised, are no names
    terms_file = ROOT / "config" / "topic.toml"
    lexicon = {"missile": "missile", "rudal": "missile"}
    with_lexicon = FeatureExtractor(DedupConfig(), replace(load_terms(terms_file), lexicon=lexicon))
    article = replace(ENGLISH, title="Saints end a season", text=lede + body)
    terms = with_lexicon.event_terms(article)
    lede_only = with_lexicon.event_terms(replace(article, text=lede))
    assert {"bush", "reggi", "payton", "sean", "defens"} <= terms.keys()
    assert not {"bush", "payton"} & lede_only.keys()
    assert not {"draft", "rooki", "squad", "pick", "missile"} & terms.keys()
    # each mention counts: Bush twice, Payton once; names of the head still count more
    assert terms["bush"] > terms["payton"]
    assert terms["saint"] > terms["bush"]


def test_names_of_an_indonesian_report_are_spelt_as_in_an_english_one(extractor) -> None:
    """The Indonesian stemmer would read "Medvedev" as me- + "dvedev" and "Beijing" as
    be- + "ijing"; names are stemmed as English, so both reports spell them alike."""
    indonesian = _report(
        "okezone.txt",
        "id",
        "Korea Utara Pamerkan Rudal Baru di Parade",
        "Korea Utara memamerkan rudal baru dalam parade yang dihadiri Dmitry Medvedev dari "
        "Rusia dan utusan dari Beijing.\n\nMedvedev duduk di samping Kim Jong Un.",
        WHEN,
    )
    english = _report(
        "france24.txt",
        "en",
        "Medvedev attends North Korea military parade",
        "Dmitry Medvedev and an envoy from Beijing watched new missiles roll through "
        "Pyongyang.\n\nMedvedev sat beside Kim Jong Un.",
        WHEN,
    )
    names = {"medvedev", "dmitri", "beij"}
    assert names <= extractor.event_terms(indonesian).keys()
    assert names <= extractor.event_terms(english).keys()
    # a word the report also writes in lower case is a word, stemmed as Indonesian
    assert "pamer" in extractor.event_terms(indonesian)


def test_a_compound_name_is_spelt_alike_in_both_languages(extractor) -> None:
    indonesian = _report(
        "detik.txt",
        "id",
        "Tiket Kereta Moskow-Pyongyang Ludes",
        "Tiket kereta langsung Moskow-Pyongyang habis terjual dalam dua hari.",
        WHEN,
    )
    english = _report(
        "tass.txt",
        "en",
        "Moscow-Pyongyang train tickets sold out",
        "Tickets for the direct Moscow-Pyongyang train sold out within two days.",
        WHEN,
    )
    assert "moscow-pyongyang" in extractor.event_terms(indonesian)
    assert "moscow-pyongyang" in extractor.event_terms(english)


@pytest.mark.parametrize(
    ("indonesian", "english"),
    [
        ("Korea Utara mengirim pasukan", "North Korea sends troops"),
        ("Pengiriman pasukan Korea Utara", "North Korea sending troops"),
        ("Kedua negara menandatangani perjanjian", "The two countries sign a treaty"),
        ("Polisi menangkap tersangka", "Police capture a suspect"),
    ],
)
def test_a_lexicon_root_meets_its_nasal_forms(indonesian: str, english: str) -> None:
    """meN-/peN- drop a root's k or t ("kirim": mengirim, pengiriman; "tandatangan":
    menandatangani), which the Snowball stemmer leaves cut ("irim"): the lexicon
    maps those forms to its word too."""
    terms = load_terms(ROOT / "config" / "topic.toml")
    lexicon = load_lexicon(ROOT / "config" / "lexicon.toml")
    extractor = FeatureExtractor(DedupConfig(), replace(terms, lexicon=lexicon), TZ)
    id_terms = extractor.event_terms(_report("a.txt", "id", indonesian, "", WHEN)).keys()
    en_terms = extractor.event_terms(_report("b.txt", "en", english, "", WHEN)).keys()
    actions = {"send", "sign", "capture"}
    assert id_terms & actions == en_terms & actions != set()


@pytest.mark.parametrize(
    ("indonesian", "english", "shared"),
    [
        # A canonical name is matched in English text too, not only its aliases.
        ("Korea Selatan memprotes", "South Korea protested", "south_korea"),
        # Every country, in CLDR's names (no alias of topic.toml names New Zealand).
        ("Selandia Baru memprotes", "New Zealand protested", "new_zealand"),
        ("Dewan Keamanan PBB menolak", "The Security Council rejected it", "security_council"),
        ("Putin dan Kim bicara lewat telepon", "Putin and Kim spoke by telephone", "call"),
    ],
)
def test_a_country_body_or_action_is_one_term_in_both_languages(
    indonesian: str, english: str, shared: str
) -> None:
    extractor = FeatureExtractor(
        DedupConfig(), load_vocabulary(load_config(ROOT / "config" / "digest.toml")), TZ
    )
    id_terms = extractor.event_terms(_report("a.txt", "id", indonesian, "", WHEN))
    en_terms = extractor.event_terms(_report("b.txt", "en", english, "", WHEN))
    assert shared in id_terms
    assert shared in en_terms


def test_the_phrase_pattern_matches_whole_phrases_the_longest_first() -> None:
    pattern = re.compile(phrase_pattern(["south korea", "south korean", "uji coba", "new zealand"]))
    found = {
        text: [m.group(0) for m in pattern.finditer(text)]
        for text in (
            "the south korean army",
            "south korea said",
            "south koreans",
            "xsouth korea",
            "new zealander",
            "uji coba rudal",
        )
    }
    assert found == {
        "the south korean army": ["south korean"],
        "south korea said": ["south korea"],
        "south koreans": [],
        "xsouth korea": [],
        "new zealander": [],
        "uji coba rudal": ["uji coba"],
    }


def test_the_shipped_lexicon_has_no_false_friend_among_indonesian_stems() -> None:
    """The Indonesian stemmer reads "pertahanan" (defence) and "ditahan" (detained) as
    one stem, and "peringatan" (commemoration) as "diperingatkan" (warned): a
    defence minister's report must not share "arrest" with every arrest. Reporting
    verbs are one word in both languages, and "pakta" is a treaty."""
    terms = load_terms(ROOT / "config" / "topic.toml")
    lexicon = load_lexicon(ROOT / "config" / "lexicon.toml")
    extractor = FeatureExtractor(DedupConfig(), replace(terms, lexicon=lexicon), TZ)

    def of(language: str, text: str) -> set[str]:
        return set(extractor.event_terms(_report("a.txt", language, text, "", WHEN)))

    defence = of(
        "id", "Menteri pertahanan Korea Utara menghadiri peringatan pakta itu, sebut pejabat"
    )
    assert not defence & {"arrest", "prisoner", "warn"}
    assert {"treaty", "say"} <= defence
    assert {"treaty", "say"} <= of(
        "en", "The defence minister attended the pact's ceremony, officials told"
    )
    # Words listed under [not] keep their own stems: a finding is no meeting.
    assert not of("id", "Investor tertarik pada temuan pelatih itu") & {"meet", "withdraw"}
    assert "meet" in of("id", "Lavrov menemui Kim di Wonsan")


# -- cost does not grow with history (no timing: statements and rows) ------------------


VOCABULARY = [f"common{i}" for i in range(20)]


def _vector(rng: random.Random, unique: str) -> tuple[list[int], list[float]]:
    terms = rng.sample(VOCABULARY, 3) + [f"{unique}-{j}" for j in range(9)]
    return [term_key(t) for t in terms], [1 / 12**0.5] * 12


def _history(store: Store, size: int, day: int) -> None:
    """``size`` indexed items on the days around ``day``, through the bulk loader."""
    rng = random.Random(size)
    entries = []
    for k in range(size):
        signature = rng.randbytes(256)
        keys, weights = _vector(rng, f"item{k}")
        entries.append(
            BulkEntry(
                source=f"history/{k}",
                title=f"item {k}",
                outlet="history",
                published=NOW.isoformat(),
                day=day - k % 5,
                language="en",
                signature=signature,
                lsh_keys=band_keys(signature, 64),
                terms=array(KEY_TYPE, keys).tobytes(),
                weights=array(WEIGHT_TYPE, weights).tobytes(),
                indexed=12,
            )
        )
    with store.transaction():
        store.index.bulk_load(entries)


def _probes(store: Store, day: int) -> list[Features]:
    """A copy of stored item 7, a report of item 11's event, and an unrelated item."""
    signature = bytearray(store.index.signatures([7])[7])
    signature[:40] = bytes(40)  # 20 of 128 values differ: Jaccard about 0.84
    vectors = store.db.conn.execute("SELECT terms FROM event_vectors WHERE item_id = 11").fetchone()
    event_keys = array(KEY_TYPE, vectors[0]).tolist()
    fresh = random.Random(1).randbytes(256)

    def features(sig: bytes, keys: list[int], tag: str) -> Features:
        terms = {f"{tag}{i}": 1.0 for i in range(len(keys))}
        return Features(bytes(sig), band_keys(bytes(sig), 64), terms, tuple(keys), day)

    return [
        features(signature, [term_key(f"copy{i}") for i in range(12)], "c"),
        features(fresh, event_keys, "e"),
        features(random.Random(2).randbytes(256), [term_key(f"new{i}") for i in range(12)], "n"),
    ]


def test_matching_one_item_costs_the_same_against_50_and_2000_stored(tmp_path, extractor) -> None:
    day = day_number(NOW)
    statements, rows, placements = [], [], []
    for size in (50, 2000):
        with Store(tmp_path / f"{size}.sqlite") as store:
            _history(store, size, day)
            probes = _probes(store, day)
            dedup = Deduplicator(store, extractor)
            ids = [_save(store, replace(INDONESIAN, source=f"probe{i}")) for i in range(3)]
            before = store.index.signature_rows
            with store.counting_queries(), store.transaction():
                found = [
                    dedup.place(i, f, published=None) for i, f in zip(ids, probes, strict=True)
                ]
            statements.append(store.queries)
            rows.append(store.index.signature_rows - before)
            placements.append([(p.copy_of, p.matched_item) for p in found])
    assert placements[0] == placements[1] == [(7, 7), (None, 11), (None, None)]
    assert statements[0] == statements[1]
    assert rows[0] == rows[1] <= COPY_CANDIDATES_VERIFIED * 3


def test_a_report_without_a_date_is_matched_on_any_day(store, extractor) -> None:
    """An undated report (fallback date: when it was read) still finds its story, both ways."""
    undated = replace(ENGLISH, published=NOW, date_is_fallback=True)
    _, first = _place(store, extractor, INDONESIAN)
    _, second = _place(store, extractor, undated)
    assert second.story_id == first.story_id
    with Store(store.path.parent / "other.sqlite") as other:
        _, first = _place(other, extractor, undated)
        _, second = _place(other, extractor, INDONESIAN)
        assert second.story_id == first.story_id
