"""What deduplication needs of one article, computed without the store.

Everything here is a pure function of the article and the configuration, so
the ingest pool can run it in worker processes and hand the main process only
the small result (:class:`Features`); matching and storing stay in the main
process with the one SQLite connection (see :mod:`digest.stories.dedup`).

It is also the CPU-heavy part of ingesting, so it was written against a
profile (see README, "Performance"): each regex starts with a character class
rather than a look-behind, so that ``re`` can skip ahead in C; dates are only
looked for around four-digit years; band and term keys are CRC-32s (C, a few
hundred nanoseconds) rather than cryptographic hashes.
"""

from __future__ import annotations

import math
import re
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, tzinfo
from functools import lru_cache
from operator import eq
from typing import Any

import justext
from rensa import RMinHash

from digest.config import DedupConfig
from digest.ingest.eventwords import (
    CALENDAR_WORDS,
    mentioned_days,
    nasal_forms,
    stemmer_for,
    written_in_lower_case,
)
from digest.ingest.figures import body_figures, normalise_numbers
from digest.ingest.topic import Terms
from digest.models import Article, day_number

# Bump when features change meaning: a stored index of another version is rebuilt.
# 3: shingles of \w+ tokens, 16-bit signature values, CRC-32 band and term keys.
# 4: lexicon of actions and objects, fact keys (figures, dates) marked by their
#    lowest bit, story centroids.
# 5: stored vectors weighted by IDF to the first power, not squared
#    (digest.stories.dedup.IDF_POWER), names ×2, not ×3: vectors of both
#    kinds must not mix.
# 6: the names of the paragraphs after the lede are terms too.
# 7: the names of a report in another language than English are stemmed as
#    English (NAMES_STEMMED_AS), not cut by its language's stemmer.
#    Lexicon roots starting with k or t also map their meN-/peN- forms
#    ("mengirim" was "irim", no lexicon word).
# 8: the bundled lexicon drops words whose Indonesian stem another word
#    shares ("pertahanan" read as "arrest"), lists words that keep their own
#    meaning ([not]: "temuan" is no "meet"), and maps reporting verbs, pakta,
#    aliansi and kemitraan.
# 9: a figure with its scale word is written out ("700 ribu", "1,5 juta", "9 billion"),
#    and the figures of the paragraphs after the lede are terms, weighted as names.
# 10: a hyphenated compound's parts go through the aliases ("Moskow-Pyongyang" is
#    "moscow-pyongyang", as the English report writes the route).
# 11: a range before a scale word is scaled at both ends ("10-15 ribu"), and a
#    grouped figure takes its scale too ("1.500 juta").
FEATURE_VERSION = 12
SEED = 1_000_003
# Names are no language's words; they are stemmed as the wires' language.
NAMES_STEMMED_AS = "en"
EVENT_TERMS_KEPT = 40  # weighted terms stored per item for verification
TITLE_WEIGHT = 2
LEDE_PARAGRAPHS = 2
# The names (capitalised words) of this many paragraphs after the lede count
# as terms too, each mention once, without the name weight. Reports of one
# event name its people and places throughout, while two events of one kind
# share the words of their kind in every lede (on ECB+, two players put on
# injured reserve by one team, two quakes in one country). Chosen on the
# ECB+ tune topics over 20 arrival orders (4, 8 or all paragraphs: mean
# B-cubed F1 0.857, 0.866, 0.863 on sameday), then checked on the others
# (README, "How deduplication decides").
BODY_NAME_PARAGRAPHS = 8
# Capitalised names (people, places, bodies) tell events of one kind apart.
# ×3 was chosen with IDF squared; with plain IDF (digest.stories.dedup) the
# ECB+ ablation (README, "Stories") kept ×2: all four halves up or level.
NAME_WEIGHT = 2.0
# Signature values are stored as their low 16 bits (b-bit MinHash): two
# different values agree by chance with p = 2⁻¹⁶, which moves an estimated
# Jaccard by less than 0.0001 and halves the signature (128 × 2 bytes).
SIGNATURE_TYPE = "H"
_KEY_OFFSET = 1 << 31  # CRC-32 values shifted into SQLite's 4-byte integer range

_TOKEN = re.compile(r"\w+")
_WORD = re.compile(r"\w+(?:[-']\w+)*", re.UNICODE)
# A capitalised word that does not open the text or a sentence.
_NAME = re.compile(r"([A-Z](?<!\w[A-Z])(?<![.!?]\s[A-Z])(?<!^[A-Z])[a-z]+(?:[-'][A-Za-z]+)?)")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    """Frequent words of both languages (justext's stoplists, shipped with trafilatura)."""
    words = justext.get_stoplist("Indonesian") | justext.get_stoplist("English")
    return frozenset(w.lower() for w in words)


@dataclass(frozen=True)
class Features:
    """What deduplication needs of one article, computable without the store.

    ``term_keys[i]`` is the key of the i-th term of ``terms`` (in its order).
    """

    signature: bytes
    lsh_keys: tuple[int, ...]
    terms: dict[str, float]
    term_keys: tuple[int, ...]
    day: int
    # False when the publication date is a fallback (unknown): the item is
    # then matched without a time window (see digest.stories.events).
    dated: bool = True

    def estimated_jaccard(self, other: bytes) -> float:
        return signature_similarity(self.signature, other)


def words(text: str) -> list[str]:
    return _WORD.findall(normalise_numbers(text).lower())


def shingle_words(text: str) -> list[str]:
    """The tokens copy detection shingles: runs of word characters, lower-cased."""
    return _TOKEN.findall(text.lower())


def shingles(tokens: list[str], size: int) -> list[str]:
    if len(tokens) <= size:
        return [" ".join(tokens)] if tokens else []
    return list(map(" ".join, zip(*(tokens[i:] for i in range(size)), strict=False)))


def signature_similarity(a: bytes, b: bytes) -> float:
    """Jaccard similarity estimated from two MinHash signatures of equal length."""
    left, right = array(SIGNATURE_TYPE, a), array(SIGNATURE_TYPE, b)
    if len(left) != len(right) or not left:
        return 0.0
    same: int = sum(map(eq, left, right))
    return same / len(left)


def band_keys(signature: bytes, bands: int) -> tuple[int, ...]:
    """One key per band: a CRC-32 of the band's values seeded with its number.

    32 bits are plenty: a chance match with another item's band only adds a
    candidate, which verification then rejects, and 4-byte keys keep the
    index small (SQLite stores an integer in as few bytes as it needs).
    """
    width = len(signature) // bands
    view = memoryview(signature)
    return tuple(
        zlib.crc32(view[start : start + width], band) - _KEY_OFFSET
        for band, start in enumerate(range(0, width * bands, width))
    )


def is_fact(term: str) -> bool:
    """A figure ("11000", "2013") or a date the text mentions ("d:2025-04-28")."""
    return term[:1].isdigit() or term.startswith("d:")


def term_key(term: str) -> int:
    """A stable 32-bit key for an event term (SQLite integers are signed).

    The lowest bit says whether the term is a fact (:func:`is_fact`), so that
    a stored vector's figures and dates can be told apart from its words
    without keeping the words: :func:`fact_key` reads it back.
    """
    crc = (zlib.crc32(term.encode("utf-8")) & ~1) | is_fact(term)
    return crc - _KEY_OFFSET


def fact_key(key: int) -> bool:
    return bool(key & 1)


def phrase_pattern(phrases: Iterable[str]) -> str:
    """One pattern matching any of ``phrases`` as whole words, the longest first.

    The phrases share a trie of their letters, so each position of a text
    tries one branch per letter however many phrases there are (hundreds:
    every country's name in two languages); each checks the word boundary
    after its first letter, so the scan can skip to the letters that start one.
    """
    trie: dict[str, dict[str, Any]] = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict[str, Any]) -> str:
        alternatives = [re.escape(c) + branch(child) for c, child in sorted(node.items()) if c]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"
        return f"(?:{body})?" if "" in node else body  # greedy: a longer phrase wins

    starts = (
        re.escape(c) + rf"(?<!\w{re.escape(c)})" + branch(child)
        for c, child in sorted(trie.items())
    )
    return "(?:" + "|".join(starts) + r")(?!\w)"


class FeatureExtractor:
    """Computes :class:`Features`; holds the compiled alias table (cheap to share)."""

    def __init__(self, config: DedupConfig, terms: Terms, tz: tzinfo = UTC) -> None:
        self.config = config
        # Publication days are taken in the digest's time zone, however stored.
        self.tz = tz
        self._aliases = terms.aliases
        self._joined = {name: c.replace(" ", "_") for name, c in terms.aliases.items()}
        phrases = [a for a in terms.aliases if " " in a]
        self._phrase_re = re.compile(phrase_pattern(phrases)) if phrases else None
        ignore = {terms.aliases.get(t, t) for t in terms.event_ignore}
        ignored = frozenset(t.replace(" ", "_") for t in ignore) | CALENDAR_WORDS
        self._dropped = ignored | _stopwords()
        # Alias targets are already one spelling for both languages: not stemmed.
        self._canonical = frozenset(c.replace(" ", "_") for c in terms.aliases.values())
        # Lexicon words meet after stemming, in either language's stemmer:
        # "mengirimkan" and "sending" both become "send".
        self._lexicon: dict[str, str] = {}
        # Words whose stem is a lexicon word's but whose meaning is not ([not] words).
        self._unmapped = frozenset(w for w, c in terms.lexicon.items() if not c)
        for word, canonical in terms.lexicon.items():
            if not canonical:
                continue
            for language in ("en", "id"):
                self._lexicon.setdefault(stemmer_for(language).stemWord(word), canonical)
            for form in nasal_forms(word):
                self._lexicon.setdefault(stemmer_for("id").stemWord(form), canonical)
            self._lexicon[word] = canonical
        # Lexicon targets are actions and objects, never names (_body_names).
        self._actions = frozenset(self._lexicon.values())
        self._phrase_words = frozenset(w for p in phrases for w in p.split())

    @property
    def params(self) -> str:
        """The index parameters, stored with the index so a change triggers a rebuild."""
        c = self.config
        return (
            f"v{FEATURE_VERSION}:perm={c.num_perm}:bands={c.bands}:"
            f"shingle={c.shingle_size}:seed={SEED}"
        )

    def signature(self, tokens: list[str]) -> bytes:
        """The MinHash signature of the tokens' shingles, 16 bits per value."""
        minhash = RMinHash(num_perm=self.config.num_perm, seed=SEED)
        minhash.update(shingles(tokens, self.config.shingle_size))
        return array(SIGNATURE_TYPE, [v & 0xFFFF for v in minhash.digest()]).tobytes()

    def features(self, article: Article) -> Features:
        """Pure: depends only on the article and the configuration (runs in workers)."""
        signature = self.signature(shingle_words(article.text) or shingle_words(article.title))
        terms = self.event_terms(article)
        return Features(
            signature=signature,
            lsh_keys=band_keys(signature, self.config.bands),
            terms=terms,
            term_keys=tuple(map(term_key, terms)),
            day=day_number(article.published),
            dated=not article.date_is_fallback,
        )

    def _canonical_tokens(
        self, text: str, language: str, keep: frozenset[str] = frozenset()
    ) -> list[str]:
        """Content words with aliases mapped to one name, stemmed, stop words dropped.

        Words in ``keep`` (the text's names, :meth:`_names_of`) are stemmed as
        English words, whatever the text's language.
        """
        lowered = normalise_numbers(text).lower()
        if self._phrase_re is not None:
            lowered = self._phrase_re.sub(lambda m: f" {self._joined[m.group(0)]} ", lowered)
        tokens = _WORD.findall(lowered)
        dropped, canonical = self._dropped, self._canonical
        names, plain, foreign = [], [], []
        joined: Callable[[str, str], str] = self._joined.get
        for token in map(joined, tokens, tokens):
            if "-" in token:  # "Moskow-Pyongyang" is the "Moscow-Pyongyang" route
                token = "-".join(joined(part, part) for part in token.split("-"))
            if len(token) < 3 or token in dropped:
                continue
            if token in canonical or token.isdigit():
                names.append(token)
            elif token in keep:
                foreign.append(token)
            else:
                plain.append(token)
        stems: list[str] = stemmer_for(language).stemWords(plain)
        if foreign:
            names += stemmer_for(NAMES_STEMMED_AS).stemWords(foreign)
        if self._lexicon:
            if self._unmapped.isdisjoint(plain):
                stems = list(map(self._lexicon.get, stems, stems))
            else:
                keep_own = self._unmapped
                get = self._lexicon.get
                stems = [
                    s if w in keep_own else get(s, s) for w, s in zip(plain, stems, strict=True)
                ]
        return names + stems

    def _body_names(
        self, body: str, found_names: list[str], language: str, keep: frozenset[str]
    ) -> Counter[str]:
        """The names of the paragraphs after the lede, as the lede's terms are made.

        A term the body writes capitalised within a sentence (a name, after
        aliases, stemmed like any word) counts at each of its mentions there;
        the body's other words are background that reports of other events
        share, and are left out. A capitalised action or object ("Pasukan"
        opening a clause) is no name, nor is a word of an alias phrase
        ("Korea" of "Korea Utara") outside it. Only the body's words spelt as
        a name (or its stem) are mapped and stemmed: the body is several
        times the lede. ``found_names`` are the body's matches of ``_NAME``.
        """
        names = {n.lower() for n in found_names} - self._phrase_words
        if not names:
            return Counter()
        found = {self._aliases.get(n, n).replace(" ", "_") for n in names}
        stemmer = stemmer_for(language)
        found |= set(stemmer.stemWords(sorted(found - keep)))
        found |= set(stemmer_for(NAMES_STEMMED_AS).stemWords(sorted(found & keep)))
        found -= self._actions
        counts = Counter(_WORD.findall(body.lower()))  # names hold no figures
        dropped, canonical, joined = self._dropped, self._canonical, self._joined
        lexicon = self._lexicon.get
        mentions: Counter[str] = Counter()
        # Only the words spelt as a name or its stem are looked at (set
        # intersection, in C): most of the body is never mapped or stemmed.
        for word in sorted(counts.keys() & (found | names)):
            token = joined.get(word, word)
            if len(token) < 3 or token in dropped:
                continue
            if token in keep:
                token = stemmer_for(NAMES_STEMMED_AS).stemWord(token)
            elif not (token in canonical or token.isdigit()):
                token = stemmer.stemWord(token)
                token = lexicon(token, token)
            if token in found:
                mentions[token] += counts[word]
        return mentions

    def _names_of(self, article: Article, lede: str, body: str, found: list[str]) -> frozenset[str]:
        """The words the article writes capitalised within its sentences and never in
        lower case (lower-cased, without a possessive 's): its names.

        A stemmer cuts a name as if it were a word of its language: the
        Indonesian one reads "Medvedev" as the prefix me- and "dvedev". A name
        is no language's word, and is stemmed as English, the language of the
        wires (``NAMES_STEMMED_AS``): then it is spelt alike in the reports of
        every language ("Dmitry", "Beijing": "dmitri", "beij"). The headline's capitals say
        nothing (many sites write headlines in Title Case), and a word of the
        lexicon ("Buruh" of "Partai Buruh") keeps its mapping.
        """
        names = {n.lower().removesuffix("'s") for n in (*_NAME.findall(lede), *found)}
        if not names:
            return frozenset()
        text = f"{article.title}\n{lede}\n{body}"
        names = {n for n in names if not written_in_lower_case(n, text)}
        stems = stemmer_for(article.language).stemWords(sorted(names))
        lexicon = self._lexicon
        return frozenset(
            n
            for n, stem in zip(sorted(names), stems, strict=True)
            if n not in lexicon and stem not in lexicon
        )

    def event_terms(self, article: Article) -> dict[str, float]:
        """Sublinear weights of the headline's and the lede's terms, names counting more.

        News puts the event in the headline and the first paragraphs; the
        rest is background that reports of other events share, so its words
        are left out (measured on the seeds: with the body, the two reports of
        one event were less alike than two reports of different events), but
        not its names (:meth:`_body_names`) and figures (:func:`body_figures`).
        Full dates the lede mentions, and the publication date, are terms too
        (``d:2025-04-28``).
        """
        lede = "\n".join(_lede(article.text))
        language = article.language
        body = "\n".join(_body(article.text))
        in_body = _NAME.findall(body)
        keep = (
            self._names_of(article, lede, body, in_body)
            if language != NAMES_STEMMED_AS
            else frozenset()
        )
        counts = Counter(self._canonical_tokens(lede, language, keep))
        counts.update(self._body_names(body, in_body, language, keep))
        figures = body_figures(body)
        counts.update(figures)
        title = self._canonical_tokens(article.title, language, keep)
        for _ in range(TITLE_WEIGHT):
            counts.update(title)  # Counter.update counts in C
        head = f"{article.title}\n{lede}"
        days = {f"d:{day}" for day in mentioned_days(head)}
        if not article.date_is_fallback:
            days.add(f"d:{article.published.astimezone(self.tz).date().isoformat()}")
        for day in days:
            counts[day] += TITLE_WEIGHT
        names = (
            set(figures)
            | days
            | {
                self._aliases.get(n.lower(), n.lower()).replace(" ", "_")
                for n in _NAME.findall(head)
            }
        )
        names |= set(stemmer_for(language).stemWords(sorted(names - keep)))
        names |= set(stemmer_for(NAMES_STEMMED_AS).stemWords(sorted(names & keep)))
        weights = {
            term: (1.0 + math.log(count)) * (NAME_WEIGHT if term in names else 1.0)
            for term, count in counts.items()
        }
        strongest = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:EVENT_TERMS_KEPT]
        return {term: round(weight, 4) for term, weight in strongest}


def _body(text: str) -> list[str]:
    """The ``BODY_NAME_PARAGRAPHS`` non-blank paragraphs after the lede."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return paragraphs[LEDE_PARAGRAPHS : LEDE_PARAGRAPHS + BODY_NAME_PARAGRAPHS]


def _lede(text: str) -> list[str]:
    """The first ``LEDE_PARAGRAPHS`` non-blank paragraphs, without splitting the whole text."""
    lede = [p for p in text.split("\n\n", LEDE_PARAGRAPHS + 2)[:-1] if p.strip()]
    if len(lede) < LEDE_PARAGRAPHS:
        lede = [p for p in text.split("\n\n") if p.strip()]
    return lede[:LEDE_PARAGRAPHS]
