"""Where a page names itself: the shapes of the places an outlet's name stands in.

A logo's alt text ("Logo de la diaria"), a photo credit ("(Matt Stone/Boston
Herald)"), a newsroom byline ("Redacción Los Andes"), a copyright notice, a
wire dateline ("SEOUL, March 12 (Reuters) -"), a name in capitals or with
digits inside a line of the chrome ("Jobs bei TAG24"). Each is read by its
shape, in any language; :mod:`digest.ingest.outlet` weighs what they give.
"""

from __future__ import annotations

import re

from digest.ingest.extract import Line
from digest.ingest.outletwords import UPPER_LATIN, is_control
from digest.ingest.sitename import split_title

# A candidate name has at most this many words and characters.
NAME_WORDS = 5
NAME_CHARS = 40

# Leading marks of list items and form controls in a text dump.
MARKS_RE = re.compile(r"^(?:[\s•□■☐☑☆★○●◦▪▫*·>»›+–—-]|\d{1,2}\.\s)+")
# A photo credit's tail: "(Matt Stone/Boston Herald)", "(Foto Prensa Libre: Esbin García)";
# not a wire's "(AP Photo/Matt Rourke)", whose tail is its photographer.
CREDIT_RE = re.compile(
    r"\((?![^()/\n]*\b(?:photo|foto)\s*/)[^()\n]{2,60}/\s*(?P<tail>[^()\n/]{2,40})\)"
    r"|\((?:foto|photo|fotografía|bild|imagen)\s+(?P<lead>[^():\n]{2,40}):[^()\n]{2,60}\)",
    re.I,
)
# A newsroom or staff byline: "Redacción Los Andes", "PhillyVoice Staff",
# "Oleh Redaksi Suara Pagi", "By the Daily Planet staff".
_NAME = r"[^\W\d_][\w.&'’-]*(?:\s+[^\W\d_][\w.&'’-]*){0,4}"
NEWSROOM_RE = re.compile(
    rf"^(?:(?:oleh|by|por|von|par|penulis)\s*:?\s+)?(?:the\s+)?"
    rf"(?:(?:tim\s+)?(?:redaksi|redacción|redaccion|redaktion|rédaction|redação|redazione|"
    rf"newsroom)\s+(?P<after>{_NAME})"
    rf"|(?P<before>{_NAME})\s+(?:staff|newsroom|editorial team|redaktion|redaksi|desk))$",
    re.I,
)
# A copyright notice's opening words, before the holder's name.
NOTICE_RE = re.compile(
    r"^(?:(?:copyright|©|\(c\)|(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?)\s*)+", re.I
)
# A byline glued to its name by a text dump ("ByAlex Bozarjian KTRK"): an author, not a site.
GLUED_BY_RE = re.compile(r"By[A-Z]")


_LETTER_RE = re.compile(r"[^\W\d_]")
_DIGIT_RE = re.compile(r"\d")
# An elided article before a name: "l'Opinion".
_ELIDED_RE = re.compile(r"^[lLdD]['’](?=\w)")
# A logo's alt text: "Logo de la diaria", "El Nuevo Herald Logo", "tagesschau.de-Logo".
_LOGO_WORD_RE = re.compile(r"(?<![\w.])-?(?:logo|logotipo|logotype)(?![\w-])", re.I)
_BRACKETS_RE = re.compile(r"\[[^\]]*\]?")
# An image's alt text as a text browser shows it: words with spaces, "[The Hindu logo]"
# (a file name, "[bbcl-logo]", has none).
_ALT_RE = re.compile(r"\[([^\]\s_/]{1,30}(?: [^\]\s_/]{1,30}){1,7})\]")
# Lines longer than this are no logo's (and the patterns need not scan them).
_LOGO_LINE_CHARS = 300
_LOGO_PLACE_RE = re.compile(r"\s+(?:nav|main|site|header|footer|top)$", re.I)
_LOGO_OF_RE = re.compile(r"^(?:de|del|of|von|du|da|do|di|der|des)\s+", re.I)
# Lines at the top of a page searched for the site's logo (the first one is the site's;
# later ones are its sister sites').
LOGO_LINES = 20


def logo_name(lines: list[Line]) -> tuple[int, str] | None:
    """The name the first logo near the top gives, with its line, or None."""
    for i, line in enumerate(lines[:LOGO_LINES]):
        if "ogo" not in line.text or line.bulleted or len(line.text) > _LOGO_LINE_CHARS:
            continue
        # "[bbcl-logo]": an image's file name, dropped; "[The Hindu logo]": its alt text, read.
        text = _BRACKETS_RE.sub(" ", _ALT_RE.sub(r" \1 ", line.text))
        m = _LOGO_WORD_RE.search(text)
        if m is None:
            continue
        before = MARKS_RE.sub("", text[: m.start()]).strip(" |-–—:")
        before = _LOGO_PLACE_RE.sub("", _LOGO_WORD_RE.split(before)[-1].strip())
        after = _LOGO_WORD_RE.split(text[m.end() :])[0].strip(" |-–—:")
        after = _LOGO_OF_RE.sub("", after)
        name = before if before and len(before.split()) <= NAME_WORDS else after
        name = split_title(name)[0] if name else ""
        words = name.split()
        half = len(words) // 2
        if words and len(words) % 2 == 0 and _fold(words[:half]) == _fold(words[half:]):
            name = " ".join(words[:half])  # "Observer Observer": the name once
        if name and len(name.split()) <= NAME_WORDS:
            return i, name
    return _bare_alt(lines)


# A text browser prints an image as its alt text in brackets; the first one on
# the page's first lines, shaped like a name, is the masthead's logo: "[The
# Independent]   Subscribe   Sign in". (An input's "[Email address]" and a
# video's "[Video: …]" are not name-shaped; "[Search]" is a control.)
_BARE_ALT_RE = re.compile(r"\[([^\[\]]{2,40})\]")
BARE_ALT_LINES = 5


def _bare_alt(lines: list[Line]) -> tuple[int, str] | None:
    for i, line in enumerate(lines[:BARE_ALT_LINES]):
        if len(line.text) > _LOGO_LINE_CHARS:
            continue
        m = _BARE_ALT_RE.search(line.text)
        if m is None:
            continue
        name = " ".join(m[1].split())
        if name_shaped(name) and not is_control(name) and not name.isupper():
            return i, name
        return None  # the first image is not the logo: neither are later ones
    return None


def _fold(words: list[str]) -> list[str]:
    return [w.casefold() for w in words]


# A name of capitals and digits, or of words in capitals, inside a line of the chrome:
# "Jobs bei TAG24", "Entra en EL PAÍS para participar". (Words glued in camel case are
# as often menu items run together by the dump: "BaySouth".)
MENTION_RE = re.compile(  # the lookahead turns most positions away before the lookbehind
    r"(?=[A-ZÀ-Ý])(?<![\w.@/-])(?:[A-Z]{2,}[a-z]*\d+|[A-Z]+\d+[A-Z]*"
    r"|[A-ZÀ-Ý]{2,}(?:[ \t]+[A-ZÀ-Ý]{2,}){1,2})(?![\w.@/-])"
)
# Chrome lines that must print a name before it is weighed as a mention.
MENTIONS = 2
NOTICE_SIGN_RE = re.compile(r"©|\(c\)|copyright", re.I)

# The site speaking of itself in its chrome, in the words of any language's
# site furniture, opening a line or a menu item: "Sign up for the CorkBeo
# newsletter", "Why you can trust SCMP", "• Sobre a Gazeta do Povo", "Entdecken Sie
# den Deutschlandfunk", "Alle Artikel auf ZEIT ONLINE". Inside a line the same words
# are a teaser's ("Everything to know about Elon Musk"), and "Subscribe to X" names
# the paid tier ("Independent Premium"), so neither counts.
_SELF_WORD = rf"[{UPPER_LATIN}0-9][\w.&'’-]*"
_SELF_NAME = (
    rf"(?P<name>{_SELF_WORD}(?:[ \t]+(?:(?:de|do|da|del|la|el|di|of|the|und|&)[ \t]+)?"
    rf"{_SELF_WORD}){{0,3}})"
)
SELF_RE = re.compile(
    r"^(?:[\s•□■▪*·>»›+–—-]|\d{1,2}\.\s)*"
    r"(?i:sign up for|about|contact|why you can trust|welcome to|über|entdecken sie|"
    r"(?:alle\s+)?artikel auf|jobs bei|sobre|acerca de|fale com|à propos d[eu]|tentang|hubungi)"
    r"(?:[ \t]+(?i:the|a|o|el|la|le|den|die|das|der|il|lo|l'))?[ \t]+" + _SELF_NAME
)


def domain_tokens_in(text: str, domains: tuple[str, ...]) -> list[str]:
    return [token for token in domains if token in text]


# A wire or site dateline: "SEOUL, March 12 (Reuters) -", "LOS ANGELES (Reuters) -",
# "WONSAN, North Korea, July 12 (Reuters) -", "PYONGYANG, June 17. /TASS/.".
_DATELINE_PAREN_RE = re.compile(
    r"^[A-ZÀ-Ý][\w'’./ -]{1,40}?(?:,\s*[\w .]{1,20}){0,2}\s*"
    r"\((?P<name>[^\W\d_][\w .&/-]{1,30})\)\s*[—–-]{1,2}(?:\s+\S|\s*$)"
)
# TASS's form, the place and the date before the slashes ("PYONGYANG, June 17. /TASS/."),
# unlike a breadcrumb ("Home/News/World") or a photo credit ("Parliament/AFP/Getty").
_DATELINE_SLASHED_RE = re.compile(
    r"^[A-ZÀ-ÝА-ЯЁ][\w'’. -]{1,40}?,\s*[\w .]{1,20}?\s*/(?P<name>[A-ZА-ЯЁ][\w-]{1,20})/\.?(?:\s|$)"
)
# RIA Novosti's form, the name after the dash and closed by a full stop: "ВОНСАН, 11 июл —
# РИА Новости. Министр …", "MOSCOW, July 11 — Interfax. The …" (the place in capitals, a
# date with a figure, each of the name's words capitalised, unlike a sentence after a dash).
_DATELINE_DASHED_RE = re.compile(
    r"^[A-ZÀ-ÝА-ЯЁ][A-ZÀ-ÝА-ЯЁ'’. -]{1,30},\s*(?=[^—–\n]{0,20}\d)[^—–\n]{1,20}?\s+[—–-]{1,2}\s+"
    r"(?P<name>[A-ZÀ-ÝА-ЯЁ][\w-]*(?:\s+[A-ZÀ-ÝА-ЯЁ][\w-]*){0,2})\.\s"
)


# A rights notice without the sign: "El Universal / Todos los derechos reservados 2022",
# "Kabar Dunia. Hak cipta dilindungi undang-undang."
RIGHTS_RE = re.compile(
    r"\b(?:all rights reserved|todos los derechos reservados|(?:todos os )?direitos reservados|"
    r"alle rechte vorbehalten|tous droits réservés|riproduzione riservata|"
    r"hak cipta dilindungi|wszelkie prawa zastrzeżone)",
    re.I,
)
# Footer lines searched for a rights notice.
RIGHTS_LINES = 60


def rights_holder(lines: list[Line], i: int) -> str | None:
    """The name a rights notice on line ``i`` gives: before it on the line, or the line above."""
    m = RIGHTS_RE.search(lines[i].text)
    if m is None:
        return None
    before = NOTICE_RE.sub("", lines[i].text[: m.start()].strip(" .,|-–—"))
    if before:
        return before
    if i > 0 and lines[i - 1].n <= NAME_WORDS and not lines[i - 1].ends_sentence:
        return lines[i - 1].text
    return None


# A site's dateline, its name in capitals or as a domain after the place:
# "JAKARTA, WARTAKINI -", "JAKARTA, KOMPAS.com -" (not "WASHINGTON, DC -": three letters).
_DATELINE_AFTER_RE = re.compile(
    r"^[A-ZÀ-Ý][A-Za-zÀ-ÿ'’. -]{1,30},\s*"
    r"(?P<name>[A-Z][A-Z0-9]{2,}(?:\.[A-Za-z]{2,3})*(?:\s+[A-Z][A-Z0-9]{2,}){0,2})"
    r"\s*[—–-]{1,2}\s+\S"
)


# The site's domain before the place: "TEMPO.CO, Jakarta -", "REPUBLIKA.CO.ID, MOSKOW --"
# (the place is then the word after the comma, not the site).
_DATELINE_DOMAIN_RE = re.compile(
    r"^(?P<name>[A-Za-z][A-Za-z0-9-]{1,30}(?:\.[A-Za-z]{2,6}){1,3}),\s*"
    r"[A-ZÀ-Ý][A-Za-zÀ-ÿ'’. -]{1,30}?\s*[—–-]{1,2}\s+\S"
)


def dateline_name(text: str) -> str | None:
    """The outlet a dateline opening ``text`` names, in parentheses or after the place."""
    head = text[:80]
    if "(" in head:
        m = _DATELINE_PAREN_RE.match(text)
        if m:
            return m["name"].strip()
    if "/" in head:  # "PYONGYANG, June 17. /TASS/."
        m = _DATELINE_SLASHED_RE.match(text)
        if m:
            return m["name"]
    if "," in head:
        m = (
            _DATELINE_DOMAIN_RE.match(text)
            or _DATELINE_AFTER_RE.match(text)
            or _DATELINE_DASHED_RE.match(text)
        )
        if m:
            return m["name"]
    return None


# One word in lower case with one capital inside: a brand ("detikNews", "iNews", "kumparanNEWS").
_LOWER_BRAND_RE = re.compile(r"[a-z]{1,12}[A-Z][A-Za-z0-9]*")


def name_shaped(name: str, *, lower_ok: bool = False) -> bool:
    """One to five words, capitalised like a name, not a date or a sentence.

    A logo's alt text may keep a name in lower case ("la diaria"): ``lower_ok``.
    """
    if not name or len(name) > NAME_CHARS:
        return False
    words = name.split()
    if len(words) > NAME_WORDS:
        return False
    elided = "'" in name or "’" in name  # "l'Opinion", "d'Italia"
    first = (_ELIDED_RE.sub("", name) if elided else name)[:1]
    capital = (
        first.isupper()
        or first.isdigit()
        or (first.isalpha() and "." in name)
        or bool(_LOWER_BRAND_RE.fullmatch(name))
    )
    if not capital and not (lower_ok and first.isalpha()):
        return False
    letters = len(_LETTER_RE.findall(name))
    if lower_ok:
        return letters >= 2
    if letters < 2 or len(_DIGIT_RE.findall(name)) > 4:
        return False
    if name.endswith(("?", "!", ":")) or "," in name or "©" in name or "[" in name:
        return False
    if "http" in name:
        return False
    # Long lower-case words are a phrase's, not a name's ("Alle Artikel auf …").
    if elided:
        words = [_ELIDED_RE.sub("", w) for w in words]
    lower = sum(
        1
        for w in words
        if len(w) > 3 and w[0].islower() and "." not in w and not _LOWER_BRAND_RE.fullmatch(w)
    )
    return lower == 0 or (lower == 1 and len(words) >= 4)
