"""Every date form the sources produce, and the cases that must give None rather than a guess."""

from __future__ import annotations

import pytest

from corpus.dates import column_order, parse_date_line, parse_datetime, timestamp

WIB = "+07:00"


@pytest.mark.parametrize(
    ("value", "time", "expected"),
    [
        # the seed's header line (SINDOnews)
        ("Rabu, 17 November 2021 - 17:45 WIB", None, "2021-11-17T17:45:00+07:00"),
        # liputan6 2025
        ("Diperbarui 18 Jun 2025, 14:05 WIB", None, "2025-06-18T14:05:00+07:00"),
        ("Selasa, 10 Juni 2025 - 07:00 WIB", None, "2025-06-10T07:00:00+07:00"),
        # detik / republika 2025, with runs of spaces
        ("Selasa, 17 Jun 2025 16:06 WIB", None, "2025-06-17T16:06:00+07:00"),
        ("Rabu   18 Jun 2025  21:38 WIB", None, "2025-06-18T21:38:00+07:00"),
        # okezone 2025 with the author-label residue in front
        (",\xa0Jurnalis-Rabu, 18 Juni 2025 |18:45 WIB", None, "2025-06-18T18:45:00+07:00"),
        # tempo 2025: a dotted time
        ("18 Juni 2025 | 21.29 WIB", None, "2025-06-18T21:29:00+07:00"),
        # kompas 2025: numeric, day first
        ("Kompas.com- 18/06/2025, 21:28 WIB", None, "2025-06-18T21:28:00+07:00"),
        # 2019 CSVs: a spreadsheet date cell plus a time column
        ("2019-09-14 00:00:00", "22:19 WIB", "2019-09-14T22:19:00+07:00"),
        ("26 Oktober 2019", "21:15 WIB", "2019-10-26T21:15:00+07:00"),
        ("13/09/2019", "07:00 WIB", "2019-09-13T07:00:00+07:00"),
        # other time zones
        ("Kamis, 3 Oktober 2019 - 10:15 WITA", None, "2019-10-03T10:15:00+08:00"),
        ("3 Oct 2019 09:00 WIT", None, "2019-10-03T09:00:00+09:00"),
        ("2019-10-03T02:00:00Z", None, "2019-10-03T02:00:00+00:00"),
        ("2019-10-03 09:00:00+0700", None, "2019-10-03T09:00:00+07:00"),
    ],
)
def test_dates_with_a_zone(value: str, time: str | None, expected: str) -> None:
    assert parse_datetime(value, time) == expected


@pytest.mark.parametrize(
    ("value", "time", "expected"),
    [
        ("2019-09-13 00:00:00", "23:15:00", "2019-09-13T23:15:00+07:00"),  # okezone
        ("10-Sep-19", "23:04", "2019-09-10T23:04:00+07:00"),  # tribunnews
    ],
)
def test_time_without_zone_takes_the_default_offset(value: str, time: str, expected: str) -> None:
    assert parse_datetime(value, time, default_offset=WIB) == expected


def test_time_without_zone_and_no_default_stays_naive() -> None:
    # an unknown publisher: no offset is invented
    assert parse_datetime("10-Sep-19", "23:04") == "2019-09-10T23:04:00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("26 Oktober 2019", "2019-10-26"),
        ("01 Agustus 2019", "2019-08-01"),
        ("13/09/2019", "2019-09-13"),
        ("Agustus 02, 2019", "2019-08-02"),
        ("August 2, 2019", "2019-08-02"),
        ("10-Sep-19", "2019-09-10"),
        ("2 Nopember 2019", "2019-11-02"),
        ("5 Mei 2025", "2025-05-05"),
        ("17 Okt 2019", "2019-10-17"),
        ("17 Des 2019", "2019-12-17"),
        # a spreadsheet midnight with no time column is a date, not a time of day
        ("2019-09-14 00:00:00", "2019-09-14"),
    ],
)
def test_date_only_stays_a_date(value: str, expected: str) -> None:
    assert parse_datetime(value, default_offset=WIB) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "kemarin sore",
        "Sabtu, 99 Mei 2025 10:00 WIB",  # day 99
        "2019-02-30",
        "31/13/2019",  # month 13 is not a month: never read it month first instead
        "5 Mei 20.00 WIB",  # no year: "20" is the hour, not 2020
        "17 November 1800",
    ],
)
def test_not_a_date_gives_none(value: str) -> None:
    assert parse_datetime(value, "10:00 WIB", default_offset=WIB) is None


def test_a_bad_time_column_keeps_the_date() -> None:
    assert parse_datetime("26 Oktober 2019", "25:99 WIB") == "2019-10-26"
    assert parse_datetime("26 Oktober 2019", "sore") == "2019-10-26"


def test_a_dotted_number_is_not_a_time_without_a_zone() -> None:
    assert parse_datetime("26 Oktober 2019 pukul 13.00", default_offset=WIB) == "2019-10-26"


def test_date_line_accepts_only_a_date_with_filler() -> None:
    assert parse_date_line("Rabu, 17 November 2021 - 17:45 WIB") == "2021-11-17T17:45:00+07:00"
    assert parse_date_line("Diperbarui 18 Jun 2025, 14:05 WIB") == "2025-06-18T14:05:00+07:00"
    assert parse_date_line("Jumat, 20 September 2019", default_offset=WIB) == "2019-09-20"
    # body sentences that contain a date are not date lines
    assert parse_date_line("Pada 17 November 2021 dia berangkat ke Seoul.") is None
    assert parse_date_line("Kompas.com- 18/06/2025, 21:28 WIB") is None
    assert parse_date_line("Ilustrasi") is None


# --------------------------------------------------------------------------- a column's order


@pytest.mark.parametrize(
    ("value", "dmy", "mdy"),
    [
        ("10/07/2025 20:43", "2025-07-10T20:43:00", "2025-10-07T20:43:00"),
        ("10-11-2018", "2018-11-10", "2018-10-11"),  # dashes (news-ms, jpnn)
        ("13.09.2019", "2019-09-13", None),  # no 13th month: never a guessed date
        ("2025/07/02 13:30:42", "2025-07-02T13:30:42", "2025-07-02T13:30:42"),  # year first
        # a month name: the order does not apply
        (
            "Rabu, 17 November 2021 - 17:45 WIB",
            "2021-11-17T17:45:00+07:00",
            "2021-11-17T17:45:00+07:00",
        ),
    ],
)
def test_numeric_dates_read_in_the_columns_order(value: str, dmy: str, mdy: str | None) -> None:
    assert parse_datetime(value) == dmy  # day first unless told otherwise
    assert parse_datetime(value, order="dmy") == dmy
    assert parse_datetime(value, order="mdy") == mdy


@pytest.mark.parametrize(
    ("values", "order", "reason"),
    [
        (["10/07/2025 20:43", "12/31/2025", None, ""], "mdy", "second_field_over_12"),
        (["01-10-2023", "31-01-2023"], "dmy", "first_field_over_12"),
        (["01/02/2020", "03/04/2020"], None, "ambiguous"),
        (["13/01/2020", "01/13/2020"], None, "conflict"),  # never mix orders in one column
        (["2020-01-13", "17 Juni 2025"], None, "no_numeric"),  # other forms do not vote
    ],
)
def test_column_order_is_settled_by_the_whole_column(
    values: list[str | None], order: str | None, reason: str
) -> None:
    found = column_order(values)
    assert (found.order, found.reason) == (order, reason)


def test_one_value_settles_a_large_column() -> None:
    values = [f"{m:02d}/{d:02d}/2025" for m in range(1, 13) for d in range(1, 13)] * 20
    assert column_order(values).order is None
    assert column_order([*values, "10/25/2025"]).order == "mdy"
    assert column_order([*values, "10/25/2025"]).numeric == len(values) + 1


def test_timestamp_orders_offsets_and_dates() -> None:
    wib = timestamp("2021-11-17T17:45:00+07:00")
    assert wib == timestamp("2021-11-17T10:45:00+00:00") == timestamp("2021-11-17T10:45:00")
    assert timestamp("2021-11-17") < wib
    assert timestamp(None) == timestamp("") == timestamp("garbage") == float("inf")
