"""Story decisions on hand-written reports: across languages, across weeks, any beat.

The reports in tests/data/stories are written for these tests (modelled on
real coverage of June 2025): an Indonesian and an English report of North
Korea sending 6,000 deminers and builders to Kursk, a second Indonesian
report a day later, an English follow-up a week later, and a like event
(5,000 more troops to Russia) five months later.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from digest.config import load_config
from digest.errors import ConfigError
from digest.ingest.topic import load_lexicon
from digest.jobs import open_pipeline
from digest.stories.events import Scored, decide
from tests.helpers import DATA, ROOT, fixed_clock, write_config

REPORTS = DATA / "stories"


def _ingest(
    tmp_path: Path, names: list[str], body: str = "", *, topic: str = "[topic]\n"
) -> dict[str, int]:
    folder = tmp_path / "articles"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(REPORTS / name, folder / name)
    config = write_config(tmp_path, body, seeds=False)
    config.write_text(config.read_text(encoding="utf-8").replace("[topic]\n", topic), "utf-8")
    pipeline = open_pipeline(load_config(config), clock=fixed_clock)
    with pipeline.store:
        pipeline.ingest_folders()
        rows = pipeline.store.items.all_items()
    return {Path(r.source).stem: r.story_id for r in rows if r.story_id is not None}


def test_english_and_indonesian_reports_join_and_a_like_event_months_later_does_not(
    tmp_path: Path,
) -> None:
    stories = _ingest(
        tmp_path, ["a1_antara.txt", "a2_reuters.txt", "a3_kompas.txt", "b1_later.txt"]
    )
    assert stories["a1_antara"] == stories["a2_reuters"] == stories["a3_kompas"]
    assert stories["b1_later"] != stories["a1_antara"]


def test_a_follow_up_a_week_later_joins_the_thread(tmp_path: Path) -> None:
    first = _ingest(tmp_path, ["a1_antara.txt", "a2_reuters.txt", "a3_kompas.txt"])
    later = _ingest(tmp_path, ["a4_followup.txt"])
    assert later["a4_followup"] == first["a1_antara"]


def test_a_sent_story_returns_as_an_update_when_a_follow_up_joins(tmp_path: Path) -> None:
    from digest.jobs import send_digest

    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("a1_antara.txt", "a2_reuters.txt"):
        shutil.copy(REPORTS / name, folder / name)
    config = load_config(write_config(tmp_path, seeds=False))
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store:
        assert send_digest(pipeline, ingest=True).delivered
        shutil.copy(REPORTS / "a4_followup.txt", folder / "a4_followup.txt")
        pipeline.ingest_folders()
        stories = pipeline.build().digest.stories
    assert len(stories) == 1 and stories[0].update
    assert {i.source: i.new for i in stories[0].items}["a4_followup.txt"] is True


def test_a_report_that_stays_apart_records_how_close_the_nearest_story_came(
    tmp_path: Path,
) -> None:
    from digest.preview.inspector import inspect

    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("a1_antara.txt", "b1_later.txt"):
        shutil.copy(REPORTS / name, folder / name)
    config = load_config(write_config(tmp_path, "[dedup]\nevent_window_days = 365\n", seeds=False))
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store:
        pipeline.ingest_folders()
        items = {
            Path(i.source).stem: i
            for i in inspect(pipeline.store, pipeline.config, pipeline.terms).items
        }
    first, later = items["a1_antara"], items["b1_later"]
    assert later.story_id != first.story_id and not later.story_joined
    assert later.story_near == first.id and later.story_near_story == first.story_id
    threshold = config.dedup.event_threshold
    assert later.story_below and float(later.story_similarity or "nan") < threshold


def test_with_a_window_shorter_than_the_gap_the_follow_up_is_a_new_story(tmp_path: Path) -> None:
    stories = _ingest(
        tmp_path,
        ["a1_antara.txt", "a2_reuters.txt", "a4_followup.txt"],
        "[dedup]\nevent_window_days = 2\n",
    )
    assert stories["a1_antara"] == stories["a2_reuters"] != stories["a4_followup"]


@pytest.mark.parametrize("enabled", [True, False])
def test_with_the_topic_filter_off_every_article_is_kept(tmp_path: Path, enabled: bool) -> None:
    weather = tmp_path / "articles" / "weather.txt"
    weather.parent.mkdir()
    weather.write_text(
        "Heavy rain floods Jakarta streets\n\nPublished: June 18, 2025\n\n"
        "Heavy rain flooded streets across Jakarta on June 18, 2025, officials said.\n",
        encoding="utf-8",
    )
    stories = _ingest(tmp_path, [], topic=f"[topic]\nenabled = {str(enabled).lower()}\n")
    assert list(stories) == ([] if enabled else ["weather"])


def test_ambiguity_between_two_stories_leaves_the_report_apart() -> None:
    def scored(story: int, score: float) -> Scored:
        return Scored(story, score, score, "", (1, 2), 2)

    assert decide([scored(1, 0.40), scored(2, 0.20)], threshold=0.14, ambiguity=0.05).story_id == 1
    tied = decide([scored(1, 0.40), scored(2, 0.38)], threshold=0.14, ambiguity=0.05)
    assert tied.story_id is None and "ambiguous" in tied.reason
    low = decide([scored(1, 0.10)], threshold=0.14, ambiguity=0.05)
    assert low.story_id is None and low.best is not None


def test_the_shipped_lexicon_maps_both_languages_to_one_word() -> None:
    lexicon = load_lexicon(ROOT / "config" / "lexicon.toml")
    assert lexicon["kirim"] == lexicon["sent"] == "send"
    assert lexicon["pasukan"] == "troops" and lexicon["rudal"] == "missile"


def test_a_word_under_two_meanings_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text('[actions]\nsend = ["kirim"]\ndeliver = ["kirim"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="kirim"):
        load_lexicon(path)


def test_a_reaction_that_restates_the_events_figures_later_on_joins_its_story(
    tmp_path: Path,
) -> None:
    # The Indonesian piece leads with the Kremlin's reaction and gives the shipment's
    # figures ("1.400 kontainer", "700 ribu peluru") only in its fourth paragraph.
    stories = _ingest(tmp_path, ["c1_wire.txt", "c2_reaksi.txt", "b1_later.txt"])
    assert stories["c1_wire"] == stories["c2_reaksi"]
    assert stories["b1_later"] != stories["c1_wire"]
