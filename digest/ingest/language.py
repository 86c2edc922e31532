"""Which language an article is written in, for any language.

Most of what this digest reads is Indonesian or English, and those two are
told apart cheaply by the share of their commonest function words (as
jusText classifies text by stop-word density); only a text that neither
clearly is goes to py3langid, a trained n-gram classifier of 97 languages,
which costs a few seconds to load once per process and a fraction of a
millisecond per text after that. The answer is an ISO 639-1 code ("de",
"ru", "ja"); "und" when there is no text to judge.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# Frequent function words; their share of the first words decides quickly.
ID_STOPWORDS = frozenset(
    "yang dan di ke dari ini itu dengan untuk dalam tidak akan pada juga adalah oleh "
    "karena telah sebagai bahwa atau mereka kami kita sudah bisa ada lebih para saat "
    "setelah tersebut secara antara kepada masih hanya serta namun".split()
)
EN_STOPWORDS = frozenset(
    "the and of to in is that for on with as was by it at from are be has have this "
    "which were will an not their its been but said would after who they".split()
)
# Text read to decide.
LANGUAGE_SAMPLE_CHARS = 2500
# Share of one language's stop words above which the text is that language
# without asking the classifier. Indonesian and English news run at 0.2–0.35;
# German or Dutch text shares a few English words ("in", "was", "will") but
# stays well below.
LANGUAGE_SURE_SHARE = 0.15
# Malay and Indonesian are one written language to this digest's topic terms.
_SAME = {"ms": "id"}
UNDETERMINED = "und"


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language ``text`` is written in ("und" for no text)."""
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    words = sample.lower().split()
    if not words:
        return UNDETERMINED
    id_hits = sum(map(ID_STOPWORDS.__contains__, words))
    en_hits = sum(map(EN_STOPWORDS.__contains__, words))
    best, hits = ("id", id_hits) if id_hits >= en_hits else ("en", en_hits)
    if hits >= LANGUAGE_SURE_SHARE * len(words):
        return best
    code = str(_classify(sample))
    return _SAME.get(code, code)


def _classify(sample: str) -> Any:
    """py3langid's answer; its model loads on first use (a few seconds) and is kept."""
    import py3langid  # imported here: most runs never need it

    return py3langid.classify(sample)[0]


# --- Stop words of any language ------------------------------------------------------
# The stop-word density of a line is the strongest sign that it is prose rather
# than site chrome, in any language (jusText's insight). justext ships a list
# for about a hundred languages, named in English; Babel gives their ISO codes.

# justext names a few lists differently from Babel's English language names.
_NAME_FIXES = {
    "Norwegian_Bokmal": "nb", "Norwegian_Nynorsk": "nn", "Serbo_Croatian": "sh",
    "West_Frisian": "fy", "Bengali": "bn", "Haitian": "ht",
}  # fmt: skip


@lru_cache(maxsize=1)
def _stoplist_names() -> dict[str, str]:
    """ISO 639-1 code → justext stop-list name, for the lists that have a code."""
    import justext
    from babel import Locale

    by_name = {name: code for code, name in Locale("en").languages.items() if len(code) == 2}
    found: dict[str, str] = {}
    for name in justext.get_stoplists():
        code = _NAME_FIXES.get(name) or by_name.get(name.replace("_", " "))
        if code and name != "Simple_English":
            found.setdefault(code, name)
    return found


@lru_cache(maxsize=128)
def stop_words(language: str) -> frozenset[str]:
    """The stop words of ``language`` (an ISO code); empty when none are known."""
    import justext

    name = _stoplist_names().get(_SAME.get(language, language))
    if language == "id":
        name = "Indonesian"
    return frozenset(justext.get_stoplist(name)) if name else frozenset()
