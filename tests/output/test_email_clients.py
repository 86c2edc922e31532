"""What mail clients can show: caniemail's support data, Gmail's size limits, images off.

The emailed HTML may use a feature that Gmail (web), Outlook (Windows) or
Apple Mail (macOS, iOS) does not support only when README's "What email
clients cannot show" section names it and says why the digest still reads
well without it. The section must not list features the HTML no longer uses.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import html as lxml_html

from digest.config import Config, load_config
from digest.jobs import open_pipeline
from tests.articles import write_articles
from tests.caniemail import Feature, features_used, load_features, unsupported
from tests.helpers import ROOT, fixed_clock, make_digest, rendered, shared_or_skip, write_config

#: Gmail clips a message whose HTML is larger than 102 KB; stay clearly below.
HTML_LIMIT = 100_000
#: Gmail ignores a <style> element larger than 16 KB (caniemail html-style, note 6).
STYLE_LIMIT = 16 * 1024
EXCEPTIONS_HEADING = "### What email clients cannot show"


@pytest.fixture(scope="module")
def features() -> dict[str, Feature]:
    return load_features(shared_or_skip("corpora", "caniemail-features", "_features"))


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """HTML that exercises every branch of the template: seeds, a hand-built digest, empty."""
    config = load_config(write_config(tmp_path_factory.mktemp("samples")))
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store:
        pipeline.ingest()
        seeds = pipeline.render(pipeline.build().digest).html
    return {
        "seeds": seeds,
        "all features (id)": rendered("id").html,
        "all features (en)": rendered("en").html,
        "empty": rendered(digest=replace(make_digest(), stories=())).html,
    }


def readme_exceptions() -> dict[str, str]:
    """{caniemail slug: the README row explaining it} from the exceptions section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert EXCEPTIONS_HEADING in readme, f"README needs a section {EXCEPTIONS_HEADING!r}"
    section = readme.split(EXCEPTIONS_HEADING, 1)[1]
    section = re.split(r"\n#{1,3} ", section, maxsplit=1)[0]
    rows = {}
    for line in section.splitlines():
        for slug in re.findall(r"`((?:css|html)-[a-z0-9-]+)`", line):
            rows[slug] = line
    return rows


def test_html_avoids_what_major_clients_cannot_show(features, samples) -> None:
    assert len(features) > 250, "the caniemail copy looks incomplete"
    used: dict[str, set[str]] = {}
    for html in samples.values():
        for slug, evidence in features_used(html, features).slugs.items():
            used.setdefault(slug, set()).update(evidence)
    assert {"html-table", "css-padding", "css-at-media"} <= set(used), "the mapping works"
    findings = {f.slug: f for f in unsupported(features, used)}
    documented = readme_exceptions()
    missing = [
        f"{f.slug} ({f.title}): not supported in {', '.join(f.clients)}; used as "
        f"{', '.join(sorted(f.evidence)[:3])}"
        for slug, f in findings.items()
        if slug not in documented
    ]
    assert not missing, "fix the template, or explain in README why it degrades:\n" + "\n".join(
        missing
    )
    stale = sorted(set(documented) - set(findings))
    assert not stale, f"README lists exceptions the HTML no longer needs: {stale}"
    for slug, row in documented.items():
        assert len(row.split("|")) >= 4 and len(row) > 60, f"say why {slug} degrades gracefully"


def test_style_blocks_fit_gmail_and_important_is_spaced(samples) -> None:
    for name, html in samples.items():
        for block in re.findall(r"<style\b[^>]*>(.*?)</style>", html, re.S):
            assert len(block.encode("utf-8")) < STYLE_LIMIT, name
            # Outlook and Yahoo drop a declaration whose !important has no space before it.
            assert not re.search(r"\S!important", block), name


def test_reads_with_images_off(samples) -> None:
    """The digest is text: no images, no background images, nothing to download first."""
    for name, html in samples.items():
        doc = lxml_html.document_fromstring(html)
        assert not doc.xpath("//img | //picture | //svg | //video | //@background"), name
        assert "url(" not in html and "background-image" not in html, name
        assert doc.xpath("//h1")[0].text_content().strip(), name


def test_thirty_stories_through_the_pipeline_stay_under_gmail_clipping(
    tmp_path: Path, config: Config
) -> None:
    folder = tmp_path / "many"
    headlines = write_articles(folder, 30)
    config = replace(config, sources=replace(config.sources, folders=(folder,)))
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store:
        report = pipeline.ingest()
        built = pipeline.build()
        email = pipeline.render(built.digest)
    assert (report.new, report.excluded, report.copies) == (30, 0, 0)
    assert len(built.digest.stories) == 30, "each article is its own story"
    assert sorted(s.headline for s in built.digest.stories) == sorted(headlines)
    size = len(email.html.encode("utf-8"))
    assert size < HTML_LIMIT, f"{size} bytes: Gmail clips messages over 102 KB"
    assert [h.text_content() for h in lxml_html.fromstring(email.html).iter("h2")] == [
        s.headline for s in built.digest.stories
    ]


@pytest.mark.parametrize("slug", ["css-border-radius", "css-at-media"])
def test_the_check_flags_what_outlook_cannot_show(features, slug: str) -> None:
    """The checker itself: features known to fail in Outlook for Windows are flagged."""
    html = (
        "<!DOCTYPE html><html><head><style>@media (max-width: 480px) { .a { color: red } }"
        '</style></head><body><p class="a" style="border-radius: 3px">x</p></body></html>'
    )
    used = features_used(html, features).slugs
    findings = {f.slug: f.clients for f in unsupported(features, used)}
    assert "Outlook (Windows)" in findings[slug]
    assert "css-selector-class" in used and "css-selector-class" not in findings
