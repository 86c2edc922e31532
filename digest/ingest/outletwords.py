"""Words that tell a page's controls and owners from its name (lower case).

A text dump keeps a site's buttons and links as short lines of their own
("Cerrar", "S'inscrire", "Antworten Melden", "Subscribe Now"), shaped like a
masthead. Web controls are a small closed class in every language, the way
stop words are, so a short line made only of them is a control, never a
site's name. The list covers the languages the clean stage meets most
(English, Indonesian, Spanish, Portuguese, French, German, Italian, Polish,
Dutch); a control in another language is left to the other features.

A copyright notice often names the company that owns the site ("MediaNews
Group", "Postmedia Network", "Heise Medien"), not the masthead a reader knows;
its name ends with a word of a company's kind.
"""

from __future__ import annotations

import re

# Words of buttons, links and notices (whole words, lower case, accents kept).
CONTROL_WORDS = frozenset(
    # English
    "subscribe subscribed subscription sign log login logout register close search menu share "
    "tweet reply report comment comments advertisement advertising ad ads sponsored newsletter "
    "newsletters read skip content navigation home homepage back next previous follow print "
    "email e-mail submit cancel accept ok donate watch listen download app apps recommend like "
    "save edit open contact privacy policy terms cookies cookie settings account profile "
    "sections section topics trending popular photos gallery more continue link copied logo "
    "delete edit page página seite halaman this facebook twitter whatsapp instagram youtube "
    "linkedin telegram pinterest tiktok reddit flipboard messenger x others other "
    # Indonesian
    "masuk daftar keluar langganan berlangganan cari tutup bagikan iklan komentar balas laporkan "
    "beranda kembali baca selengkapnya ikuti kirim terima batal lanjutkan lainnya "
    # Spanish
    "suscríbete suscribite suscribirse suscripción suscripciones iniciar sesión cerrar buscar "
    "búsqueda compartir menú inicio portada registrarse regístrate ingresar ingresa entrar salir "
    "publicidad anuncio comentario comentarios comentar responder denunciar más ver leer seguir "
    "síguenos siguenos otros otras contenido saltar pasar volver enviar aceptar cancelar contacto "
    "contáctenos privacidad "
    # Portuguese
    "assine assinar assinatura sair cadastre cadastrar pesquisar fechar compartilhar publicidade "
    "continua depois comentários denunciar leia mais siga aceitar outros "
    # French
    "s'inscrire inscrire inscription s'abonner abonner abonnez-vous abonnement connecter "
    "connexion déconnexion rechercher recherche fermer partager publicité commentaires commenter "
    "répondre signaler accueil suivre lire envoyer annuler tweeter commentaire soumettre valider "
    "autres "
    # German
    "anmelden abmelden registrieren abonnieren abo abonnement einloggen suche suchen schließen "
    "teilen menü werbung anzeige kommentare kommentieren antworten melden empfehlen startseite "
    "zurück weiter lesen mehr folgen drucken senden akzeptieren abbrechen inhalt springen "
    "anzeigen kommentar andere "
    # Italian
    "abbonati abbonamento accedi registrati esci cerca chiudi condividi pubblicità commenti "
    "rispondi segnala leggi altro altri segui invia accetta commento "
    # Polish and Dutch
    "zaloguj wyloguj zarejestruj subskrybuj prenumerata szukaj zamknij udostępnij reklama "
    "komentarze odpowiedz zgłoś więcej czytaj inloggen aanmelden abonneren zoeken sluiten delen "
    "reclame reacties reageren".split()
)
# Short words that join the words of a control ("Sign in", "Pasar al contenido").
_JOINERS = frozenset(
    "in up to us on now the a an of for de del la el al a da do em se zum zur und und le les "
    "du des et il di e y o i".split()
)
# Possessives of a site's own links ("Le nostre homepage", "Our newsletters").
_POSSESSIVES = frozenset(
    "our my your nuestra nuestro nuestras nuestros notre nos nostre nostro nostra nostri unsere "
    "unser unseren meine mein kami kita nossa nosso nossas nossos".split()
)
# A reader's own area opens with "my": "Minha Gazeta", "Mein Konto", "My Account".
_MY = frozenset("my mein meine minha meu mi mis mon ma mes mio mia mój moja moje".split())
# Last words of a company's name, not a masthead's: "MediaNews Group", "Heise Medien".
COMPANY_WORDS = frozenset(
    "group groupe grupo gruppe grup network networks holdings holding medien publishing "
    "publications verlag verlagsgruppe editora editorial ediciones associados asociados "
    "company corporation communications enterprises ventures "
    "mediengruppe verlagsgesellschaft gesellschaft".split()
)

# First words of a publisher's name in Romance languages: "Editora 247", "Grupo Clarín".
# "PT" and "CV" are the forms of Indonesian companies ("PT Kompas Cyber Media").
COMPANY_FIRST_WORDS = frozenset(
    "grupo groupe gruppo editora editorial ediciones éditions pt cv c.a s.a".split()
)

_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*")
# A capital inside a word: controls glued by a text dump ("ReplyDelete").
_GLUE_RE = re.compile(r"(?<=[^\W\d_])(?=[A-Z][a-z])")


def is_control(name: str) -> bool:
    """Whether ``name`` is only the words of a web control ("Sign Up", "Antworten Melden")."""
    words = [w.replace("’", "'") for w in _WORD_RE.findall(_GLUE_RE.sub(" ", name).casefold())]
    if not words:
        return False
    if words[0] in _MY and len(words) > 1:
        return True
    if not all(w in CONTROL_WORDS or w in _JOINERS or w in _POSSESSIVES for w in words):
        return False
    return any(w in CONTROL_WORDS or w in _POSSESSIVES for w in words)


# Last words of a company's name, with its legal form after it in a rights notice:
# "SPH Media Limited", "Newsweek Digital LLC" (a site may be "Example Media").
# The capital letters of the Latin scripts ("Últimas", "Łódź"), as a character class's
# contents: a name's first letter, where A-Z alone misses most of Europe's.
UPPER_LATIN = "A-Z" + "".join(chr(c) for c in range(0xC0, 0x250) if chr(c).isupper())
NOTICE_COMPANY_WORDS = frozenset({"media", "digital"})
# A company's legal form after its name, in the forms of the countries whose news the
# digest reads: "Ltd", "Pvt Ltd", "GmbH", "m.b.H.", "SA", "S.p.A.", "Sp. z o.o.",
# "Sdn Bhd", "Tbk". One list, for cutting it off a name (sitename, textmeta) and for
# telling that a notice names a company (here).
LEGAL_FORMS = (
    r"ltd|limited|llc|l\.l\.c|inc|plc|gmbh|m\.?b\.?h|s\.?p\.?a|s\.?r\.?l|s\.a\.s|"
    r"sp\.?\s?z\s?o\.?\s?o|s\.k\.a|b\.?v|n\.?v|pty|pvt|private\s+limited|tbk|berhad|bhd|sdn|pte|"
    # short forms that are words too ("Radio Co", "Bild AG"): in their capitals only
    r"(?-i:AG|KG|SA|S\.A|S\.\s?L|SL|SAS|CA|C\.A|AB|Co|CO|Oy|OY)"
)
# The legal forms (one or more) ending a name: "FMT Media Sdn Bhd", "THG Publishing Pvt Ltd.".
LEGAL_ENDING = rf"(?:[\s,&]+(?i:{LEGAL_FORMS})\b\.?)+$"  # "GmbH & Co. KG" too
_LEGAL_FORM_RE = re.compile(rf",?\s+(?i:{LEGAL_FORMS}|corp|corporation)\b")


def has_legal_form(name: str, text: str) -> bool:
    """Whether ``text`` prints ``name`` with a company's legal form after it."""
    # Each place the name stands, then the form right after it: one compiled pattern,
    # not one per name (compiling the long list of forms cost more than the search).
    at = text.find(name)
    while at != -1:
        if _LEGAL_FORM_RE.match(text, at + len(name)):
            return True
        at = text.find(name, at + 1)
    return False


def is_company(name: str, *, notice: bool = False) -> bool:
    """Whether ``name`` is a company's: "Postmedia Network", "Editora 247"; with
    ``notice`` (a rights notice gives it with its legal form) also "SPH Media",
    "Newsweek Digital"."""
    words = name.casefold().split()
    kinds = COMPANY_WORDS | NOTICE_COMPANY_WORDS if notice else COMPANY_WORDS
    return len(words) >= 2 and (words[-1] in kinds or words[0] in COMPANY_FIRST_WORDS)


def brand_of(company: str) -> str:
    """A company's name without the words of its kind: "Telegraph Media Group" → "Telegraph"."""
    words = company.split()
    while len(words) > 1 and words[-1].casefold() in COMPANY_WORDS | NOTICE_COMPANY_WORDS:
        words.pop()
    while len(words) > 1 and words[0].casefold() in COMPANY_FIRST_WORDS:
        words.pop(0)
    return " ".join(words)
