"""Publication dates found in datelines and first lines, in every form the sources use."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.ingest.dates import find_date, strip_dates

JAKARTA = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=JAKARTA)
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def at(*args: int, tz: timezone | ZoneInfo = JAKARTA) -> datetime:
    return datetime(*args, tzinfo=tz)


def found(text: str, now: datetime = NOW) -> datetime | None:
    return find_date(text, now=now, tz=JAKARTA)


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        ("000_f073430dd492f4b3.txt", at(2025, 4, 28)),
        ("001_4365a202ad0700cc.txt", None),
        ("002_f1a9f632fd983131.txt", None),
        ("003_f011f847b0c797aa.txt", at(2025, 8, 21)),
        ("004_e38d97292e5105f0.txt", at(2025, 4, 30, 8, 42, tz=timezone(timedelta(hours=7)))),
    ],
)
def test_seed_dates(seed: str, expected: datetime | None) -> None:
    result = found((SEEDS / seed).read_text(encoding="utf-8"))
    assert result == expected
    if result is not None:
        assert result.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tanggal: 30 Apr 2025 08:42 wib.\nPresiden …", at(2025, 4, 30, 8, 42)),
        ("Diterbitkan: 2 Mei 2025 10.15 WITA", at(2025, 5, 2, 9, 15)),
        ("Tanggal: 2 Mei 2025 10:15 WIT", at(2025, 5, 2, 8, 15)),
        ("Kamis, 21 Agustus 2025\nPemimpin Korea Utara …", at(2025, 8, 21)),
        ("Presiden Putin pada Senin (28/4/2025), berterima kasih.", at(2025, 4, 28)),
        ("Published: 2025-04-30T08:42:00+00:00", at(2025, 4, 30, 15, 42)),
        ("2025-04-30", at(2025, 4, 30)),
        ("Diperbarui 2025/4/30 07:05", at(2025, 4, 30, 7, 5)),
        ("MOSCOW, April 28, 2025 — The Kremlin said", at(2025, 4, 28)),
        ("28 April 2025\nThe Kremlin said", at(2025, 4, 28)),
        ("Posted on March 3rd, 2024 at 5:30 pm", at(2024, 3, 3, 17, 30)),
        ("12 Okt 2023 | 14:30 WIB", at(2023, 10, 12, 14, 30)),
        # A zone written as an offset from GMT or UTC ("GMT" alone is +0).
        ("March 12, 2025 3:15 PM GMT+7", at(2025, 3, 12, 15, 15)),
        ("12 Maret 2025 23:15 UTC+07:00", at(2025, 3, 12, 23, 15)),
        ("Mar 3, 2024 10:00 GMT-3", at(2024, 3, 3, 20, 0)),
        ("Mar 3, 2024 10:00 GMT", at(2024, 3, 3, 17, 0)),
        # Chinese, Japanese and Korean forms, with the weekday and the time.
        ("北朝鮮 ロシア派遣\n2025年10月23日 19時02分\n", at(2025, 10, 23, 19, 2)),
        ("2025年10月23日（木）", at(2025, 10, 23)),
        ("입력 2025년 11월 17일 (월) 14:05", at(2025, 11, 17, 14, 5)),
        # Malay months and weekdays, and Malaysia's zone (MYT, +8).
        ("28 Mac 2026, 7:15 pm", at(2026, 3, 28, 19, 15)),
        ("Khamis, 5 Julai 2025 10:00 MYT", at(2025, 7, 5, 9, 0)),
        ("Isnin, 12 Ogos 2024", at(2024, 8, 12)),
        ("3 Disember 2025", at(2025, 12, 3)),
    ],
)
def test_forms(text: str, expected: datetime) -> None:
    assert found(text) == expected


def test_mac_before_a_number_is_no_month() -> None:
    # Malay "Mac" (March) comes after its day; "Mac 11" is a computer.
    assert found("Apple launched the Mac 11 in a video on its website.") is None
    assert found("Top 5 Mac apps for students") is None  # "Mac" needs a year after it


def test_time_less_date_is_midnight_in_the_configured_zone() -> None:
    result = found("Kamis, 21 Agustus 2025")
    assert result is not None
    assert (result.hour, result.minute, result.tzinfo) == (0, 0, JAKARTA)


def test_weekday_without_year_takes_the_latest_matching_year() -> None:
    # 28 April was a Monday in 2025 (a Tuesday in 2026, the year of NOW).
    assert found("Monday, April 28POS VIRAL") == at(2025, 4, 28)
    # 28 April was a Sunday in 2024.
    assert found("Minggu, 28 April") == at(2024, 4, 28)
    # 30 November 2026 is a Monday but still to come; the one before was in 2020.
    assert found("Monday, November 30") == at(2020, 11, 30)


def test_an_ordinal_day_is_read() -> None:
    assert found("18th June 2025 11:05 WIB") == at(2025, 6, 18, 11, 5)
    assert found("Published on the 1st of May 2023") == at(2023, 5, 1)


def test_weekday_with_day_and_month_in_parentheses_takes_the_latest_matching_year() -> None:
    # Indonesian ledes write "pada Rabu (12/2)": day/month, no year; 12 February
    # was a Wednesday in 2025 (a Thursday in 2026).
    lede = "Kim Jong Un mengirim pesan kepada Putin, lapor KCNA pada Rabu (12/2)."
    assert found(lede) == at(2025, 2, 12)
    assert found("JAKARTA - Polisi menangkap dua orang, Senin (3/11), di Bekasi.") == (
        at(2025, 11, 3)
    )
    # Without its weekday, "(12/2)" is a figure or a score, not a date.
    assert found("Skor akhir pertandingan itu (12/2) untuk tuan rumah.") is None
    assert found("Rapat itu digelar Rabu (31/2).") is None  # no such day


def test_date_without_year_or_weekday_takes_the_latest_year_not_after_now() -> None:
    assert found("KYIV, March 3 (Reuters) - Ukraine said") == at(2026, 3, 3)
    assert found("KYIV, December 3 (Reuters) - Ukraine said") == at(2025, 12, 3)


def test_future_dates_are_never_returned() -> None:
    assert found("Tanggal: 1 Januari 2027") is None
    assert found("2026-11-24") == at(2026, 11, 24)  # within the one-day tolerance
    assert found("2026-11-26") is None


def test_future_candidate_gives_way_to_the_next_one() -> None:
    text = "Tanggal: 1 Januari 2030\nKamis, 21 Agustus 2025, Kim berkata."
    assert found(text) == at(2025, 8, 21)


def test_dates_deep_in_the_body_are_not_taken() -> None:
    paragraph = "Pasukan itu dikirim ke Kursk dan bertahan di sana selama berbulan-bulan.\n"
    text = paragraph * 8 + "Peristiwa itu terjadi pada 12 Maret 2024, menurut laporan."
    assert found(text) is None
    assert found("Pyongyang mengirim pasukan pada tahun 2024.") is None


def test_numbers_are_not_dates() -> None:
    assert found("Lebih dari 10.000 tentara dan 600 korban, 3.000 di Kursk.") is None
    assert found("Skor 2-1 untuk tim tamu pada menit 90.") is None


def test_labelled_dateline_beats_a_date_in_the_first_sentence() -> None:
    text = "Putin pada Senin (28/4/2025) berterima kasih.\nTanggal: 30 Apr 2025 08:42 wib."
    result = found(text)
    assert result is not None
    assert (result.day, result.hour) == (30, 8)


def test_strip_dates_removes_the_date_and_keeps_the_rest() -> None:
    assert strip_dates("Monday, April 28POS VIRAL").split() == ["POS", "VIRAL"]
    assert strip_dates("Tanggal: 30 Apr 2025 08:42 wib.").strip() == "."
    assert strip_dates("Tidak ada tanggal di sini") == "Tidak ada tanggal di sini"
