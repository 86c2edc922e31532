"""The words the clean stage's line rules look for (Indonesian and English; lower case).

They only feed features of a line's shape (how many of its words are calls to
action, channel names, navigation); see :mod:`digest.ingest.clean`.
"""

from __future__ import annotations

# Verbs and nouns of a call to action aimed at the reader.
CTA_WORDS = frozenset(
    "join gabung bergabung gabunglah download unduh subscribe subscribed subscriber "
    "subscribers subscription berlangganan langganan follow ikuti klik click tap install "
    "instal signup share bagikan tweet submit kirimkan dapatkan".split()
)
# Channels a promo points to.
CHANNEL_WORDS = frozenset(
    "whatsapp wa telegram tele channel saluran grup group facebook fb twitter instagram ig "
    "youtube tiktok linkedin pinterest reddit newsletter newsletters buletin email apk app "
    "apps aplikasi playstore appstore ios android notifikasi notification notifications "
    "podcast rss".split()
)
# Words that address the reader ("you", "ayo", "silakan"): a CTA in a longer line
# is a promo only with one of these, since news sentences also "join" and "follow".
CUE_WORDS = frozenset(
    "you your yours our us anda kamu kalian yuk ayo mari silakan silahkan segera jangan "
    "gratis free please never miss ketinggalan".split()
)
# Words of site navigation: a short line made only of these is a menu.
NAV_WORDS = frozenset(
    "home homepage beranda search cari pencarian menu login masuk logout register daftar "
    "contact kontak about tentang kami us privacy policy kebijakan privasi terms syarat "
    "ketentuan sitemap redaksi pedoman media siber disclaimer karir careers advertise iklan "
    "index indeks back kembali next previous prev selanjutnya sebelumnya more lainnya "
    "tag tags topik kategori category skip close tutup print cetak copy link salin tautan "
    "advertisement ads ad sponsored iklan scroll continue lanjutkan to with content konten "
    "baca halaman".split()  # "SCROLL TO CONTINUE WITH CONTENT", "Baca halaman selanjutnya"
)
# Words that mark an image credit when they open a short line.
IMAGE_WORDS = frozenset(
    "foto photo photos image images gambar ilustrasi illustration credit credits kredit "
    "caption keterangan dok dokumentasi picture pictures".split()
)
# First words of a byline ("By …", "Penulis: …") or role words that stand alone.
BYLINE_WORDS = frozenset(
    "by oleh penulis editor reporter wartawan jurnalis author written posted ditulis "
    "kontributor penyunting redaktur admin writer pewarta".split()
)
# Openers of a link to another article ("Baca juga: …", "Read more: …").
READ_ALSO = (
    r"baca juga|baca pula|lihat juga|simak juga|cek juga|baca selengkapnya|baca berita|"
    r"artikel terkait|berita terkait|berita lainnya|artikel lainnya|tonton juga|"
    r"read more|read also|also read|see also|related(?: posts?| articles?| stories| news)?|"
    r"more stories|more from|you may also like|you might also like|recommended|"
    r"don'?t miss|further reading|most read|popular posts|terpopuler|rekomendasi|"
    # … and in the other languages the clean stage meets most (es, pt, de, fr, it, pl)
    r"lea (?:también|tambien|más|mas)|lee también|le puede interesar|te puede interesar|"
    r"puede interesarte|puedes ver|vea también|ver también|mira\s*:|lea\s*:|otras noticias|"
    r"temas relacionados|noticias relacionadas|más noticias|informate más|"
    r"veja (?:também|mais)|leia (?:também|mais)|saiba mais|notícias relacionadas|"
    r"lesen sie (?:auch|mehr)|mehr zum thema|auch interessant|weitere artikel|"
    r"das könnte sie auch interessieren|lire aussi|à lire aussi|voir aussi|"
    r"sur le même sujet|leggi anche|potrebbe interessarti|vedi anche|"
    r"czytaj (?:też|także|również)|zobacz (?:też|także|również)"
)
# Comment forms and comment counts (a site's comment section starts here).
COMMENT_FORM = (
    r"leave a (?:reply|comment)|post a comment|add a comment|cancel reply|"
    r"your email address will not be published|required fields are marked|"
    r"save my name, email|comments? (?:are|is) closed|must be logged in to post|"
    r"tinggalkan (?:balasan|komentar)|batalkan balasan|tulis komentar|"
    r"alamat email anda tidak akan dipublikasikan|ruas yang wajib ditandai|"
    r"kolom yang wajib|simpan nama, email|^\d+ (?:comments?|komentar|tanggapan)$"
)
# A feed's footer pointing back to the site ("The post … appeared first on …").
FEED_FOOTER = (
    r"^(?:the post|artikel|postingan|tulisan)\b.{1,300}\b"
    r"(?:appeared first on|pertama kali (?:muncul|tampil|terbit) di|muncul pertama kali di)"
)
# Words of a site's self-description in a closing sentence ("hanya ada di …").
SLOGAN_WORDS = frozenset("hanya cuma selalu setiap only always every informasi berita".split())
# Copyright and platform footers.
COPYRIGHT = (
    r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|hak cipta|dilindungi undang|"
    r"powered by|proudly powered|theme by"
)
