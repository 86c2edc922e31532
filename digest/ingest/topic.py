"""Topic stage: keep Russia–North Korea coverage, record the rest as off-topic.

The decision needs *both* sides: Russia–Ukraine news that never involves North
Korea is off topic, and so is a North Korean missile test with no Russian
angle. A passing mention of one side is not enough either: the two sides must
meet in one sentence, or each be mentioned at least ``min_mentions`` times.
The terms live in ``config/topic.toml`` so that an editor can change them
without touching code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from digest.config import Config
from digest.errors import ConfigError
from digest.ingest.language import UNDETERMINED
from digest.models import Article, TopicDecision

OFF_TOPIC = "off-topic"
ON_TOPIC = "on-topic"
DEFAULT_LANGUAGES = ("id", "en")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


@dataclass(frozen=True)
class Terms:
    """The topic vocabulary, compiled once per run."""

    russia: tuple[str, ...]
    north_korea: tuple[str, ...]
    aliases: dict[str, str]
    min_mentions: int = 2
    event_ignore: frozenset[str] = frozenset()
    # The languages the terms are written in: an article in another language
    # that the terms do not find is excluded with that reason.
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    # From the lexicon (config/lexicon.toml): single words, compared after
    # stemming, mapped to their canonical English word (phrases join ``aliases``).
    lexicon: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_russia", _longest_first(self.russia))
        object.__setattr__(self, "_nk", _longest_first(self.north_korea))

    def count(self, text: str) -> tuple[int, int]:
        """How often each side is mentioned in ``text`` (case-insensitive, whole words)."""
        lower = text.lower()
        return (
            _count(lower, self._russia),  # type: ignore[attr-defined]
            _count(lower, self._nk),  # type: ignore[attr-defined]
        )


def _longest_first(terms: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({t.lower() for t in terms}, key=len, reverse=True))


def _count(lower: str, terms: tuple[str, ...]) -> int:
    """Whole-word, non-overlapping occurrences of ``terms`` in ``lower``, longest first.

    The same count as one regex alternation of the terms between word
    boundaries, found with ``str.find``: an article is checked against every
    term, and the regex (which cannot skip ahead in C) took 0.4 ms per article.
    """
    spans = []
    end_of_text = len(lower)
    for term in terms:
        if term not in lower:
            continue
        size = len(term)
        start = lower.find(term)
        while start != -1:
            end = start + size
            before = lower[start - 1] if start else " "
            after = lower[end] if end < end_of_text else " "
            if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
                spans.append((start, -size))
            start = lower.find(term, start + 1)
    spans.sort()
    count = taken = 0
    for start, negative_size in spans:
        if start >= taken:
            count += 1
            taken = start - negative_size
    return count


def load_terms(path: Path, *, config_path: str | None = None) -> Terms:
    """Read ``topic.toml``; a missing or malformed file is a ConfigError naming it."""
    where = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"topic terms file {path} does not exist", key="[topic] terms", path=config_path
        ) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read topic terms: {exc}", path=where) from None
    for table in ("russia", "north_korea", "aliases", "events"):
        if not isinstance(raw.get(table, {}), dict):
            raise ConfigError("must be a table", key=f"[{table}]", path=where)
    sides = {}
    for side in ("russia", "north_korea"):
        terms = raw.get(side, {}).get("terms")
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) for t in terms):
            raise ConfigError(
                "must be a non-empty list of strings", key=f"[{side}] terms", path=where
            )
        sides[side] = tuple(t.strip().lower() for t in terms if t.strip())
    aliases: dict[str, str] = {}
    for canonical, names in raw.get("aliases", {}).items():
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ConfigError("must be a list of strings", key=f"[aliases] {canonical}", path=where)
        # The canonical name is a phrase to match too: "South Korea" in an English
        # report must become the term "Korea Selatan" becomes.
        for name in (canonical, *names):
            aliases[name.strip().lower()] = canonical.lower()
    min_mentions = raw.get("min_mentions", 2)
    if isinstance(min_mentions, bool) or not isinstance(min_mentions, int) or min_mentions < 1:
        raise ConfigError("must be a whole number of at least 1", key="min_mentions", path=where)
    languages = raw.get("languages", list(DEFAULT_LANGUAGES))
    if (
        not isinstance(languages, list)
        or not languages
        or not all(isinstance(c, str) and c.strip() for c in languages)
    ):
        raise ConfigError(
            'must be a non-empty list of language codes, e.g. ["id", "en"]',
            key="languages",
            path=where,
        )
    ignore = raw.get("events", {}).get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(t, str) for t in ignore):
        raise ConfigError("must be a list of strings", key="[events] ignore", path=where)
    return Terms(
        sides["russia"],
        sides["north_korea"],
        aliases,
        min_mentions,
        frozenset(t.strip().lower() for t in ignore),
        tuple(c.strip().lower() for c in languages),
    )


def load_lexicon(path: Path, *, config_path: str | None = None) -> dict[str, str]:
    """Read ``lexicon.toml``: {word or phrase: canonical}; a word under two is an error.

    The words of its ``[not] words`` list map to ``""``: they are not to be read
    as the lexicon word their stem is ("temuan", a finding, is no "meet").
    """
    where = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"lexicon file {path} does not exist", key="[topic] lexicon", path=config_path
        ) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read the lexicon: {exc}", path=where) from None
    found: dict[str, str] = {}
    for table, entries in raw.items():
        if table == "not" and isinstance(entries, dict):
            # Words that keep their own meaning though a lexicon word shares their stem.
            entries = {"": entries.get("words", [])}
        if not isinstance(entries, dict):
            raise ConfigError("must be a table of word lists", key=f"[{table}]", path=where)
        for canonical, variants in entries.items():
            if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
                raise ConfigError(
                    "must be a list of strings", key=f"[{table}] {canonical}", path=where
                )
            target = canonical.strip().lower()
            for word in (target, *(v.strip().lower() for v in variants)):
                if found.get(word, target) != target:
                    raise ConfigError(
                        f"{word!r} is listed under both {found[word]!r} and {target!r}",
                        key=f"[{table}] {canonical}",
                        path=where,
                    )
                if word:
                    found[word] = target
    return found


# Territories whose names are no country's in news ("Pseudo-Accents", "Unknown
# Region", "Outlying Oceania", "Eurozone").
_NOT_COUNTRIES = frozenset({"XA", "XB", "ZZ", "QO", "EZ"})


@cache
def country_names() -> dict[str, str]:
    """Indonesian country names mapped to the English ones, from Unicode CLDR (via Babel).

    "Jepang" is "Japan", "Selandia Baru" "New Zealand": an English and an
    Indonesian report of one event share the countries they name, for every
    country, not only those topic.toml lists (whose aliases win). Names with
    "&", commas or brackets are CLDR's long forms, which reports do not write.
    """
    from babel import Locale  # its locale data loads on first use

    english, indonesian = Locale("en").territories, Locale("id").territories
    names: dict[str, str] = {}
    for code, name in english.items():
        other = indonesian.get(code)
        if len(code) != 2 or code in _NOT_COUNTRIES or other is None:
            continue
        if any(c in name + other for c in "&,()") or "SAR" in name:
            continue
        canonical = name.lower()
        names[canonical] = canonical
        names[other.lower()] = canonical
    return names


def load_vocabulary(config: Config) -> Terms:
    """The topic terms with the countries and the lexicon merged in.

    Every country's CLDR names are aliases under topic.toml's own
    (:func:`country_names`); the lexicon's phrases are aliases, its words kept apart.

    Phrases ("uji coba") are matched whole, like the aliases, before
    stemming; single words are compared after stemming (see
    :mod:`digest.ingest.features`). An alias of topic.toml wins over the lexicon.
    """
    config_path = str(config.path) if config.path else None
    terms = load_terms(config.topic.terms, config_path=config_path)
    terms = replace(terms, aliases={**country_names(), **terms.aliases})
    if config.topic.lexicon is None:
        return terms
    # A default name absent beside the config is already the bundled file (digest.config).
    lexicon = load_lexicon(config.topic.lexicon, config_path=config_path)
    phrases = {w: c for w, c in lexicon.items() if " " in w and w not in terms.aliases}
    words = {w: c for w, c in lexicon.items() if " " not in w}
    return replace(terms, aliases={**phrases, **terms.aliases}, lexicon=words)


def classify(article: Article, terms: Terms) -> TopicDecision:
    """Decide whether ``article`` is Russia–North Korea coverage, with the reason.

    Only the vocabulary decides, whatever the article's language: a German
    report naming Putin and Kim Jong Un in one sentence is on topic. An
    article the terms do not find is ``off-topic``, or, when it is written in
    a language the terms are not (``languages`` in topic.toml), excluded as
    ``language xx not covered by topic.toml``: its topic was never looked at.
    """
    body = f"{article.title}\n{article.text}"
    russia, north_korea = terms.count(body)
    score = float(min(russia, north_korea))
    if russia and north_korea:
        if min(russia, north_korea) >= terms.min_mentions:
            return TopicDecision(True, ON_TOPIC, score)
        for sentence in _SENTENCE_END.split(body):
            r, n = terms.count(sentence)
            if r and n:
                return TopicDecision(True, ON_TOPIC, score)
    return TopicDecision(False, excluded_reason(article, terms), score)


def excluded_reason(article: Article, terms: Terms) -> str:
    """Why an article the terms did not find is left out."""
    if article.language in terms.languages or article.language == UNDETERMINED:
        return OFF_TOPIC
    return f"language {article.language} not covered by topic.toml"


def describe(decision: TopicDecision, article: Article, terms: Terms) -> str:
    """A human explanation of a decision, for `digest status` and the preview inspector."""
    russia, north_korea = terms.count(f"{article.title}\n{article.text}")
    counts = f"Russia terms {russia}×, North Korea terms {north_korea}×"
    if decision.on_topic:
        return f"both sides present ({counts})"
    if article.language not in terms.languages:
        covered = ", ".join(terms.languages)
        return f"written in {article.language}, the terms are in {covered} ({counts})"
    if not russia:
        return f"no Russian angle ({counts})"
    if not north_korea:
        return f"does not involve North Korea ({counts})"
    return f"only passing mentions ({counts})"
